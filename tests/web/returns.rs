//! Coming back from Thryve: the result read from the address (and removed from it), trusted only
//! when it carries the nonce of the attempt this tab recorded; crafted addresses show nothing.

use crate::support::*;
use thryve_connect::protocol::thryve::{CONNECTED_PARAM, SOURCE_PARAM};
use thryve_connect::testing::{ATTEMPT_KEY, ATTEMPT_PARAM};
use wasm_bindgen_test::*;

/// The nonce of the recorded attempt.
pub(crate) const NONCE: &str = "abc";

/// Records an attempt as the screen does before it leaves, started a second ago.
pub(crate) fn record_attempt(action: &str, source: u32) {
    record_attempt_with(action, source, "");
}

/// [`record_attempt`] with more fields (`,"reconnect":true`).
pub(crate) fn record_attempt_with(action: &str, source: u32, more: &str) {
    let attempt = format!(
        r#"{{"action":"{action}","source":{source},"started_at_ms":{},"nonce":"{NONCE}"{more}}}"#,
        js_sys::Date::now() - 1000.0
    );
    session_storage().set_item(ATTEMPT_KEY, &attempt).unwrap();
}

/// The query Thryve sends the user back with: our nonce in the redirect, then its result.
pub(crate) fn thryve_return(nonce: &str, source: u32, connected: &str) -> String {
    format!("?keep=1&{ATTEMPT_PARAM}={nonce}&{SOURCE_PARAM}={source}&{CONNECTED_PARAM}={connected}")
}

/// A screen mounted on the address Thryve sends the user back to after `action` on `source`.
async fn returned(action: &str, connected: &str, source: u32) -> Fixture {
    setup();
    token_ok();
    record_attempt(action, source);
    set_address(&thryve_return(NONCE, source, connected));
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
    until("the count", || screen.text().contains("1 source connected")).await;
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
    set_address(&thryve_return(NONCE, 1, "true"));
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    no_result_shows().await;
    assert_eq!(screen.text_of_role("status"), "");
    assert_eq!(screen.state(1).as_deref(), Some("unknown"));
}

#[wasm_bindgen_test]
async fn a_crafted_return_during_a_pending_attempt_changes_nothing() {
    // Without the attempt's nonce, or with another one: no message, no remembered state.
    for query in [
        format!("?{SOURCE_PARAM}=1&{CONNECTED_PARAM}=true"),
        thryve_return("not-the-nonce", 1, "true"),
        thryve_return("", 1, "true"),
    ] {
        setup();
        token_ok();
        record_attempt("connect", 1);
        set_address(&query);
        let screen = Fixture::new(&[]);
        ready(&screen).await;
        no_result_shows().await;
        assert_eq!(screen.text_of_role("status"), "", "{query}");
        assert_eq!(screen.state(1).as_deref(), Some("unknown"), "{query}");
        assert!(
            !search().contains(CONNECTED_PARAM) && !search().contains(ATTEMPT_PARAM),
            "{query}: the address is cleaned"
        );
    }
}

#[wasm_bindgen_test]
async fn a_return_replayed_after_it_was_used_changes_nothing() {
    setup();
    // A signed-in user, so that the state the return leaves is remembered across loads.
    token_ok_for("alice");
    record_attempt("connect", 1);
    set_address(&thryve_return(NONCE, 1, "false"));
    let screen = Fixture::new(&[]);
    until("the result", || {
        screen.status().0.as_deref() == Some("failure")
    })
    .await;
    ready(&screen).await;
    drop(screen);
    // The same address again (a replayed link), storage kept: the attempt was used up.
    set_address(&thryve_return(NONCE, 1, "true"));
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    no_result_shows().await;
    assert_eq!(screen.text_of_role("status"), "");
    assert_eq!(
        screen.state(1).as_deref(),
        Some("not-connected"),
        "the used attempt's state stays"
    );
}
