//! A Leptos host that renders on the server: the components render to HTML under `ssr` without
//! touching a browser (`cargo test --features ssr --test ssr`).
#![cfg(all(feature = "ssr", not(target_arch = "wasm32")))]

use leptos::prelude::*;
use thryve_connect::Url;
use thryve_connect::{Config, ConfigErrors, ConnectScreen, OpenMode, Theme};

/// The server's HTML that tests/hydrate.rs hydrates in the browser.
const FIXTURE: &str = "tests/fixtures/ssr-screen.html";

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
    // Nothing is usable before the session arrives in the browser, and a row whose state is
    // still to come offers Connect only (the answer swaps buttons instead of moving the list).
    assert_eq!(html.matches("<button").count(), 3, "{html}");
    assert_eq!(html.matches(" disabled").count(), 3, "{html}");
    assert!(!html.contains("Disconnect"), "{html}");
}

/// A server may render a view on another thread than the one that made it (a multi-threaded
/// runtime moves a request's task between threads): what the views read must not be tied to
/// the thread that made the screen.
#[test]
fn the_screen_renders_on_another_thread_than_the_one_that_made_it() {
    let page = Url::parse("https://app.example.com/").unwrap();
    let config = Config::builder(page).sources([11, 1]).build().unwrap();
    let owner = Owner::new();
    let view = owner.with(|| view! { <ConnectScreen config /> }.into_any());
    let html = std::thread::spawn(move || owner.with(|| view.to_html()))
        .join()
        .expect("rendered on another thread");
    assert!(html.contains("Strava"), "{html}");
    assert!(html.contains(r#"data-state="loading""#), "{html}");
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

/// The screen of tests/hydrate.rs: the same settings on both sides.
fn hydrated_config() -> Config {
    Config::builder(Url::parse("http://127.0.0.1/").unwrap())
        .sources([1, 11])
        .build()
        .unwrap()
}

/// Screens get page-unique IDs from a counter (`tc-1`, `tc-2`, …); tests in this process render
/// in any order, so the fixture numbers its screen 1, as the first screen in the browser is.
fn as_first_screen(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("tc-") {
        out.push_str(&rest[..at + 3]);
        rest = &rest[at + 3..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with('-') {
            out.push('1');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn the_hydration_fixture_is_what_the_server_renders() {
    let config = hydrated_config();
    let html = as_first_screen(&render(move || {
        view! { <ConnectScreen config /> }.into_any()
    }));
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(FIXTURE, &html).unwrap();
    }
    let fixture = std::fs::read_to_string(FIXTURE).unwrap_or_default();
    assert_eq!(
        fixture, html,
        "{FIXTURE} is out of date: run `UPDATE_FIXTURES=1 cargo test --features ssr --test ssr`"
    );
}
