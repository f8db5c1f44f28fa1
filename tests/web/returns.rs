//! Coming back from Thryve: the result read from the address (and removed from it), trusted only
//! for the attempt this tab recorded; crafted addresses show nothing.

use crate::support::*;
use thryve_connect::protocol::thryve::{CONNECTED_PARAM, SOURCE_PARAM};
use thryve_connect::testing::ATTEMPT_KEY;
use wasm_bindgen_test::*;

/// Records an attempt as the screen does before it leaves, started a second ago.
fn record_attempt(action: &str, source: u32) {
    let attempt = format!(
        r#"{{"action":"{action}","source":{source},"started_at_ms":{},"nonce":"abc"}}"#,
        js_sys::Date::now() - 1000.0
    );
    session_storage().set_item(ATTEMPT_KEY, &attempt).unwrap();
}

/// A screen mounted on the address Thryve sends the user back to after `action` on `source`.
async fn returned(action: &str, connected: &str, source: u32) -> Fixture {
    setup();
    token_ok();
    record_attempt(action, source);
    set_address(&format!(
        "?keep=1&{SOURCE_PARAM}={source}&{CONNECTED_PARAM}={connected}"
    ));
    let screen = Fixture::new(&[]);
    until("a result message", || {
        !screen.text_of_role("status").is_empty()
    })
    .await;
    assert_eq!(
        search(),
        "?keep=1",
        "result parameters are removed, others kept"
    );
    screen
}

/// A fixed wait: a result message would show within a moment of mounting. Waiting a little
/// proves that none does; there is no state to wait for when nothing happens.
async fn no_result_shows() {
    wait_ms(50).await;
}

#[wasm_bindgen_test]
async fn return_after_a_successful_connect() {
    let screen = returned("connect", "true", 1).await;
    assert!(screen
        .text_of_role("status")
        .contains("Fitbit is now connected."));
    assert_eq!(screen.status().0.as_deref(), Some("success"));
    assert_eq!(screen.state(1).as_deref(), Some("connected"));
    assert!(screen.button("Connect Fitbit").is_none());
    assert!(screen.text().contains("1 source connected"));
}

#[wasm_bindgen_test]
async fn return_after_a_failed_connect_offers_to_try_again() {
    let screen = returned("connect", "false", 11).await;
    assert!(screen
        .text_of_role("status")
        .contains("Strava was not connected."));
    assert_eq!(screen.status().0.as_deref(), Some("failure"));
    ready(&screen).await;
    screen.click("Try again").await;
    assert_eq!(screen.navigations().len(), 1);
    assert!(screen.navigations()[0]
        .url()
        .contains(&format!("{SOURCE_PARAM}=11")));
}

#[wasm_bindgen_test]
async fn return_after_a_successful_disconnect() {
    let screen = returned("disconnect", "false", 8).await;
    assert!(screen
        .text_of_role("status")
        .contains("Withings is now disconnected."));
    assert_eq!(screen.state(8).as_deref(), Some("not-connected"));
}

#[wasm_bindgen_test]
async fn return_after_a_failed_disconnect() {
    let screen = returned("disconnect", "true", 8).await;
    assert!(screen
        .text_of_role("status")
        .contains("Withings could not be disconnected."));
    assert_eq!(screen.state(8).as_deref(), Some("connected"));
}

#[wasm_bindgen_test]
async fn a_crafted_return_shows_no_success() {
    let (connected, source) = (CONNECTED_PARAM, SOURCE_PARAM);
    for query in [
        format!("?{connected}=true&{source}=1"),
        format!("?{connected}=true&{source}=1&{source}=2"),
        format!("?{connected}=%00&{source}=%F0%9F%92%A5"),
        format!("?{connected}&{source}"),
    ] {
        setup();
        token_ok();
        set_address(&query);
        let screen = Fixture::new(&[]);
        ready(&screen).await;
        no_result_shows().await;
        assert_eq!(screen.text_of_role("status"), "", "{query}");
        assert_eq!(search(), "", "{query}: the address is cleaned");
        assert_eq!(screen.state(1).as_deref(), Some("unknown"), "{query}");
    }
}

#[wasm_bindgen_test]
async fn a_result_for_another_source_than_the_attempt_is_not_trusted() {
    setup();
    token_ok();
    record_attempt("connect", 2);
    set_address(&format!("?{SOURCE_PARAM}=1&{CONNECTED_PARAM}=true"));
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    no_result_shows().await;
    assert_eq!(screen.text_of_role("status"), "");
    assert_eq!(screen.state(1).as_deref(), Some("unknown"));
}
