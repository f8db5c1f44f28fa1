//! A Leptos host that renders on the server and hydrates in the browser: the HTML that
//! tests/ssr.rs renders under `ssr` (tests/fixtures/ssr-screen.html) is hydrated here under
//! `hydrate`, in headless Chromium (`cargo test --target wasm32-unknown-unknown --features
//! hydrate --test hydrate`). The server's nodes are adopted, and the screen then works.
#![cfg(all(feature = "hydrate", target_arch = "wasm32"))]

use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use thryve_connect::protocol::endpoint::SESSION_PATH;
use thryve_connect::protocol::thryve::TOKEN_PARAM;
use thryve_connect::testing::{intercept_navigation, Navigation};
use thryve_connect::Url;
use thryve_connect::{Config, ConnectScreen};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/support/fetch_stub.js")]
extern "C" {
    fn stub_reset();
    fn stub_route(path: &str, status: u16, bodies: Vec<JsValue>);
    fn sleep(ms: u32) -> js_sys::Promise;
}

const FIXTURE: &str = include_str!("fixtures/ssr-screen.html");
const TOKEN: &str = "1060285265X4247109939067552841";

/// The settings tests/ssr.rs rendered the fixture with.
fn config() -> Config {
    Config::builder(Url::parse("http://127.0.0.1/").unwrap())
        .sources([1, 11])
        .build()
        .unwrap()
}

fn button(root: &web_sys::Element, name: &str) -> Option<web_sys::HtmlElement> {
    root.query_selector(&format!(r#"button[aria-label="{name}"]"#))
        .ok()
        .flatten()
        .map(|b| b.unchecked_into())
}

async fn until(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..250 {
        if condition() {
            return;
        }
        wasm_bindgen_futures::JsFuture::from(sleep(20))
            .await
            .unwrap();
    }
    panic!("timed out waiting until {what}");
}

#[wasm_bindgen_test]
async fn the_server_rendered_screen_hydrates_and_works() {
    stub_reset();
    stub_route(
        SESSION_PATH,
        200,
        vec![format!(r#"{{"connectionSessionToken":"{TOKEN}"}}"#).into()],
    );
    let navigations: Rc<RefCell<Vec<Navigation>>> = Rc::default();
    let seen = Rc::clone(&navigations);
    intercept_navigation(move |nav| seen.borrow_mut().push(nav.clone()));

    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    host.set_inner_html(FIXTURE);
    document.body().unwrap().append_child(&host).unwrap();
    let from_server = host.query_selector("ul").unwrap().unwrap();
    let first_button = button(&host, "Connect Fitbit").unwrap();
    assert!(
        first_button.has_attribute("disabled"),
        "the server renders the loading state"
    );

    let config = config();
    let _mounted = leptos::mount::hydrate_from(host.clone(), move || {
        view! { <ConnectScreen config /> }
    });

    // The server's nodes were adopted, not replaced.
    let list = host.query_selector("ul").unwrap().unwrap();
    assert!(list.is_same_node(Some(&from_server)));
    assert_eq!(host.query_selector_all("section").unwrap().length(), 1);

    // The screen starts in the browser: the session arrives, the buttons come alive.
    until("Connect Fitbit is enabled", || {
        button(&host, "Connect Fitbit").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    assert!(
        button(&host, "Connect Fitbit")
            .unwrap()
            .is_same_node(Some(&first_button)),
        "the same button, hydrated"
    );
    first_button.click();
    until("Connect leaves for Thryve", || {
        !navigations.borrow().is_empty()
    })
    .await;
    let url = navigations.borrow()[0].url().to_owned();
    assert!(
        url.contains(&format!("{TOKEN_PARAM}={TOKEN}")) && url.contains("dataSource=1"),
        "{url}"
    );
}
