//! An example host app: its own header and layout, thryve-connect's pieces placed separately,
//! settings as a typed `Config` (the builder), and events through a callback.

use leptos::prelude::*;
use thryve_connect::{
    builder_for_page, Config, ConfigError, ConfigErrors, ConnectionProvider, ResultMessage,
    ScreenEvent, SessionAlert, SourceList,
};

/// The settings this app uses: three sources, in its order, its own names for two of them, and
/// its own token endpoint. Checked by the same rules as the attributes.
pub fn config() -> Result<Config, Vec<ConfigError>> {
    builder_for_page()?
        .token_endpoint("/api/connection-session")
        .sources([11, 1, 18])
        .names([(18, "Oura Ring")])
        .build()
}

#[component]
pub fn App() -> impl IntoView {
    let (events, set_events) = signal(Vec::<&'static str>::new());
    let on_event = Callback::new(move |event: ScreenEvent| {
        set_events.update(|seen| seen.push(event.name()));
    });
    let screen = match config() {
        Ok(config) => view! {
            <ConnectionProvider config on_event>
                <div class="acme-banner">
                    <ResultMessage class="acme-result" />
                    <SessionAlert />
                </div>
                <section class="acme-card" aria-labelledby="acme-wearables">
                    <h2 id="acme-wearables">"Your wearables"</h2>
                    <SourceList class="acme-sources" />
                </section>
            </ConnectionProvider>
        }
        .into_any(),
        Err(errors) => view! { <ConfigErrors errors locale="en" /> }.into_any(),
    };
    view! {
        <div class="acme">
            <header class="acme-header">
                <h1>"Acme Health: settings"</h1>
            </header>
            <main>{screen}</main>
            <footer class="acme-footer" data-testid="event-log">
                "Events: " {move || events.get().join(", ")}
            </footer>
        </div>
    }
}
