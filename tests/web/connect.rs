//! Connecting: where the screen sends the user (this tab, with a way back, or a new tab) and
//! what it records and shows meanwhile.

use crate::support::*;
use thryve_connect::protocol::endpoint::STATUS_PATH;
use thryve_connect::protocol::thryve::{CONNECT_PAGE, DEFAULT_CONNECT_BASE, REDIRECT_PARAM};
use thryve_connect::testing::{Navigation, ATTEMPT_KEY, ATTEMPT_PARAM};
use wasm_bindgen_test::*;

fn encoded(url: &str) -> String {
    js_sys::encode_uri_component(url).as_string().unwrap()
}

/// The nonce of the attempt the screen recorded before leaving.
fn recorded_nonce() -> String {
    let attempt = session_storage()
        .get_item(ATTEMPT_KEY)
        .unwrap()
        .expect("attempt recorded");
    // Read by the browser's own JSON.parse: what the screen writes is JSON to it too.
    let json = js_sys::JSON::parse(&attempt).expect("JSON");
    js_sys::Reflect::get(&json, &"nonce".into())
        .unwrap()
        .as_string()
        .expect("a nonce")
}

#[wasm_bindgen_test]
async fn connect_navigates_this_tab_to_the_exact_url() {
    setup();
    set_address("?tab=health");
    token_ok();
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Connect Strava").await;

    // Thryve sends the user back here, with the attempt's nonce added.
    let page = web_sys::window().unwrap().location().href().unwrap();
    let nonce = recorded_nonce();
    assert_eq!(nonce.len(), 32, "128 random bits in hex");
    let expected = format!(
        "{}&{REDIRECT_PARAM}={}",
        thryve_url(DEFAULT_CONNECT_BASE, CONNECT_PAGE, 11),
        encoded(&format!("{page}&{ATTEMPT_PARAM}={nonce}"))
    );
    assert_eq!(screen.navigations(), vec![Navigation::SameWindow(expected)]);

    // The attempt is recorded for the return, and the row says what is happening.
    let attempt = session_storage()
        .get_item(ATTEMPT_KEY)
        .unwrap()
        .expect("attempt recorded");
    assert!(
        attempt.contains(r#""action":"connect""#) && attempt.contains(r#""source":11"#),
        "{attempt}"
    );
    assert_eq!(screen.state(11).as_deref(), Some("connecting"));
    assert!(screen
        .row(11)
        .text_content()
        .unwrap()
        .contains("Opening Strava"));
    assert!(
        screen
            .button("Connect Fitbit")
            .unwrap()
            .has_attribute("disabled"),
        "no second start"
    );
}

#[wasm_bindgen_test]
async fn configured_redirect_and_thryve_base_are_used() {
    setup();
    token_ok();
    let screen = Fixture::new(&[
        ("data-redirect-uri", "/back?x=1"),
        (
            "data-thryve-base-url",
            "https://sandbox.example.test/thryve",
        ),
    ]);
    ready(&screen).await;
    screen.click("Connect Oura").await;
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let redirect = format!("{origin}/back?x=1&{ATTEMPT_PARAM}={}", recorded_nonce());
    assert_eq!(
        screen.navigations(),
        vec![Navigation::SameWindow(format!(
            "{}&{REDIRECT_PARAM}={}",
            thryve_url("https://sandbox.example.test/thryve/", CONNECT_PAGE, 18),
            encoded(&redirect)
        ))]
    );
}

#[wasm_bindgen_test]
async fn new_tab_mode_opens_a_tab_without_redirect() {
    setup();
    token_ok();
    let screen = Fixture::new(&[("data-open", "new-tab")]);
    ready(&screen).await;
    screen.click("Connect Garmin").await;
    assert_eq!(
        screen.navigations(),
        vec![Navigation::NewTab(thryve_url(
            DEFAULT_CONNECT_BASE,
            CONNECT_PAGE,
            2
        ))]
    );
    assert!(screen
        .text_of_role("status")
        .contains("Garmin opened in a new tab"));
    // The page stays usable.
    assert!(!screen
        .button("Connect Fitbit")
        .unwrap()
        .has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn new_tab_mode_rereads_the_status_when_the_user_comes_back() {
    setup();
    token_ok();
    stub_route(
        STATUS_PATH,
        200,
        vec![r#"{"connected":[]}"#.into(), r#"{"connected":[2]}"#.into()],
    );
    let screen = Fixture::new(&[
        ("data-open", "new-tab"),
        ("data-status-endpoint", STATUS_PATH),
    ]);
    ready(&screen).await;
    until("not connected", || {
        screen.state(2).as_deref() == Some("not-connected")
    })
    .await;
    screen.click("Connect Garmin").await;
    web_sys::window()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("focus").unwrap())
        .unwrap();
    until("connected after focus", || {
        screen.state(2).as_deref() == Some("connected")
    })
    .await;
    assert!(screen.button("Disconnect Garmin").is_some());
    assert!(screen.button("Connect Garmin").is_none());
}
