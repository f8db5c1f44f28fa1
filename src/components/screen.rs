//! The whole screen, and the provider for custom layouts.

use super::{classes, ResultMessage, SessionAlert, SourceList};
use crate::config::Config;
use crate::events::ScreenEvent;
use crate::host::{GetSession, GetStatus, HostApi};
use crate::i18n::Msg;
use crate::screen::{Screen, SessionView};
use leptos::html;
use leptos::prelude::*;

/// The whole connection screen: heading, result message, session state and the source list.
#[component]
pub fn ConnectScreen(
    /// The validated settings.
    config: Config,
    /// Extra classes for the root element.
    #[prop(optional, into)]
    class: MaybeProp<String>,
    /// Called with every event the screen reports.
    #[prop(optional, into)]
    on_event: Option<Callback<ScreenEvent>>,
    /// Where DOM events are dispatched (bubbling); the screen's root element when not given.
    #[prop(optional)]
    events_target: Option<web_sys::EventTarget>,
    /// Gets sessions from your own code instead of the token endpoint.
    #[prop(default = None)]
    get_session: Option<GetSession>,
    /// Gets the connected sources from your own code instead of the status endpoint.
    #[prop(default = None)]
    get_status: Option<GetStatus>,
) -> impl IntoView {
    let host = HostApi {
        get_session,
        get_status,
    };
    let screen = Screen::new(config, events_target, on_event, host);
    let t = screen.messages();
    let root = NodeRef::<html::Section>::new();
    screen.events_from(root);
    let title_id = screen.id("title");
    let labelled_by = title_id.clone();
    view! {
        <section
            class=classes("tc-screen", class)
            data-state=move || match screen.session_view() {
                SessionView::Loading => "loading",
                SessionView::Ready => "ready",
                SessionView::Failed(_) => "error",
            }
            data-theme=screen.config().theme.map(|theme| theme.as_str())
            aria-labelledby=labelled_by
            lang=t.code()
            node_ref=root
        >
            <header class="tc-screen__header">
                {heading(screen.config().heading_level, title_id, t.get(Msg::Title))}
                <p class="tc-screen__intro">{t.get(Msg::Intro)}</p>
            </header>
            <ResultMessage />
            <SessionAlert />
            <SourceList />
        </section>
    }
}

/// The screen's title at the configured level (`data-heading-level`): one element type for the
/// six levels (a `view!` per level would build six views into the wasm).
fn heading(level: u8, id: String, text: &'static str) -> impl IntoView {
    let tag = match level {
        1 => "h1",
        3 => "h3",
        4 => "h4",
        5 => "h5",
        6 => "h6",
        _ => "h2",
    };
    html::custom(tag)
        .attr("class", "tc-screen__title")
        .attr("id", id)
        .child(text)
}

/// Provides a [`Screen`] to the pieces inside it, for custom layouts.
#[component]
pub fn ConnectionProvider(
    config: Config,
    #[prop(optional, into)] on_event: Option<Callback<ScreenEvent>>,
    #[prop(optional)] events_target: Option<web_sys::EventTarget>,
    /// Gets sessions from your own code instead of the token endpoint.
    #[prop(default = None)]
    get_session: Option<GetSession>,
    /// Gets the connected sources from your own code instead of the status endpoint.
    #[prop(default = None)]
    get_status: Option<GetStatus>,
    children: Children,
) -> impl IntoView {
    let host = HostApi {
        get_session,
        get_status,
    };
    Screen::new(config, events_target, on_event, host);
    children()
}
