//! A Leptos host that renders on the server: the components render to HTML under `ssr` without
//! touching a browser (`cargo test --features ssr --test ssr`).
#![cfg(all(feature = "ssr", not(target_arch = "wasm32")))]

use leptos::prelude::*;
use thryve_connect::{Config, ConfigErrors, ConnectScreen, OpenMode, Theme};
use url::Url;

fn render(view: impl FnOnce() -> AnyView) -> String {
    let owner = Owner::new();
    owner.with(|| view().to_html())
}

#[test]
fn the_screen_renders_its_loading_state_on_the_server() {
    let page = Url::parse("https://app.example.com/settings/sources").unwrap();
    let config = Config::builder(page)
        .sources([11, 1, 18])
        .names([(18, "Oura Ring")])
        .open(OpenMode::NewTab)
        .theme(Theme::Dark)
        .heading_level(1)
        .locale("de")
        .build()
        .unwrap();
    let html = render(move || view! { <ConnectScreen config /> }.into_any());

    assert!(html.contains(r#"data-state="loading""#), "{html}");
    assert!(html.contains(r#"data-theme="dark""#), "{html}");
    assert!(html.contains(r#"lang="de""#), "{html}");
    assert!(html.contains("<h1"), "{html}");
    for name in ["Strava", "Fitbit", "Oura Ring"] {
        assert!(html.contains(name), "{name} missing: {html}");
    }
    // Nothing is usable before the session arrives in the browser.
    assert_eq!(html.matches("<button").count(), 6, "{html}");
    assert_eq!(html.matches(" disabled").count(), 6, "{html}");
}

#[test]
fn configuration_errors_render_on_the_server() {
    let page = Url::parse("https://app.example.com/").unwrap();
    let errors = Config::builder(page).sources([12]).build().unwrap_err();
    let html = render(move || {
        view! { <ConfigErrors errors locale="en" attribute_prefix="data-" /> }.into_any()
    });
    assert!(html.contains("data-sources"), "{html}");
    assert!(html.contains(r#"role="alert""#), "{html}");
}
