//! The connection session: loading, failures and retry, time-outs, and tokens that grow old.

use crate::support::*;
use thryve_connect::events::names::SESSION_READY;
use thryve_connect::protocol::endpoint::SESSION_PATH;
use thryve_connect::protocol::thryve::{REDIRECT_PARAM, SOURCE_PARAM, TOKEN_PARAM};
use thryve_connect::testing::Navigation;
use wasm_bindgen_test::*;

/// `data-token-max-age` of the old-token tests: one second.
const TOKEN_MAX_AGE: (&str, &str) = ("data-token-max-age", "1");

/// Waits until a token the screen received by `received_by_ms` (a `Date.now()` taken once the
/// screen showed it was ready) is older than [`TOKEN_MAX_AGE`], so the screen may not use it.
async fn until_stale(received_by_ms: f64) {
    until("the token in hand is older than its maximum age", || {
        js_sys::Date::now() - received_by_ms > 1_000.0
    })
    .await;
}

#[wasm_bindgen_test]
async fn buttons_are_disabled_and_say_so_while_the_session_loads() {
    setup();
    stub_defer(SESSION_PATH);
    let screen = Fixture::new(&[]);
    until("the list", || screen.button("Connect Fitbit").is_some()).await;
    let connect = screen.button("Connect Fitbit").unwrap();
    assert!(connect.has_attribute("disabled"));
    let note_id = connect
        .get_attribute("aria-describedby")
        .expect("described by the loading note");
    let note = document()
        .get_element_by_id(&note_id)
        .expect("the loading note exists");
    assert!(note
        .text_content()
        .unwrap()
        .contains("Preparing a secure connection"));
    assert_eq!(
        screen
            .element
            .query_selector(".tc-screen")
            .unwrap()
            .unwrap()
            .get_attribute("data-state")
            .as_deref(),
        Some("loading")
    );

    stub_release(SESSION_PATH, 200, WIDGET_ANSWER);
    ready(&screen).await;
    assert!(screen
        .button("Connect Fitbit")
        .unwrap()
        .get_attribute("aria-describedby")
        .is_none());
    assert!(document().get_element_by_id(&note_id).is_none());

    // The session request: POST, JSON, with the locale.
    let sent = requests_to(SESSION_PATH);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].body.as_deref(), Some(r#"{"locale":"en"}"#));
}

#[wasm_bindgen_test]
async fn a_failed_session_shows_an_alert_and_retry_works() {
    setup();
    stub_route(SESSION_PATH, 500, vec![r#"{"error":"upstream"}"#.into()]);
    let screen = Fixture::new(&[]);
    until("an alert", || screen.by_role("alert").is_some()).await;
    assert!(screen
        .text_of_role("alert")
        .contains("couldn't prepare the connection"));
    assert!(screen
        .button("Connect Fitbit")
        .unwrap()
        .has_attribute("disabled"));

    token_ok();
    screen.click("Try again").await;
    ready(&screen).await;
    assert!(screen.by_role("alert").is_none());
    assert_eq!(requests_to(SESSION_PATH).len(), 2);
}

#[wasm_bindgen_test]
async fn garbage_and_tokenless_answers_are_errors() {
    for body in [
        "<html>proxy error</html>",
        r#"{"data":{"url":"https://connect.thryve.de/?lang=en"}}"#,
    ] {
        setup();
        stub_route(SESSION_PATH, 200, vec![body.into()]);
        let screen = Fixture::new(&[]);
        until("an alert", || screen.by_role("alert").is_some()).await;
        assert!(screen.button("Try again").is_some(), "{body}");
    }
}

#[wasm_bindgen_test]
async fn a_hanging_token_endpoint_times_out() {
    setup();
    stub_hang(SESSION_PATH);
    let screen = Fixture::new(&[("data-request-timeout", "1")]);
    // A fixed wait: it proves that no alert shows during the first half of the one-second
    // deadline.
    wait_ms(500).await;
    assert!(screen.by_role("alert").is_none(), "not before the deadline");
    until("the time-out alert", || {
        screen.text_of_role("alert").contains("taking too long")
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_old_token_is_fetched_anew_before_use() {
    setup();
    stub_route(
        SESSION_PATH,
        200,
        vec![short_answer("first").into(), short_answer("second").into()],
    );
    let screen = Fixture::new(&[TOKEN_MAX_AGE]);
    // Every session the screen takes in says so with a `session-ready` event.
    let (sessions, _listener) = count_events(&screen.element, &[SESSION_READY]);
    ready(&screen).await;
    // The token goes stale after a second; a fresh one is fetched without a click.
    until("the second session taken in", || sessions.get() >= 2).await;
    assert_eq!(requests_to(SESSION_PATH).len(), 2);
    screen.click("Connect Fitbit").await;
    let navigations = screen.navigations();
    assert_eq!(navigations.len(), 1);
    assert!(
        navigations[0]
            .url()
            .contains(&format!("{TOKEN_PARAM}=second")),
        "{navigations:?}"
    );
}

#[wasm_bindgen_test]
async fn a_click_with_an_old_token_waits_for_a_fresh_one() {
    setup();
    stub_route(SESSION_PATH, 200, vec![short_answer("old").into()]);
    let screen = Fixture::new(&[TOKEN_MAX_AGE]);
    ready(&screen).await;
    let received_by = js_sys::Date::now();
    // The refresh that starts before the token turns a second old does not answer yet.
    stub_defer(SESSION_PATH);
    until("the refresh request", || {
        requests_to(SESSION_PATH).len() == 2
    })
    .await;
    // The refresh starts at nine tenths of the age; wait until the token in hand is too old.
    until_stale(received_by).await;
    screen.click("Connect Fitbit").await;
    assert!(screen.navigations().is_empty(), "the old token is not used");
    assert_eq!(screen.state(1).as_deref(), Some("connecting"));

    stub_release(SESSION_PATH, 200, &short_answer("fresh"));
    until("the navigation", || !screen.navigations().is_empty()).await;
    let navigations = screen.navigations();
    assert_eq!(navigations.len(), 1);
    assert!(
        navigations[0]
            .url()
            .contains(&format!("{TOKEN_PARAM}=fresh&{SOURCE_PARAM}=1")),
        "{navigations:?}"
    );
}

#[wasm_bindgen_test]
async fn new_tab_mode_opens_the_tab_inside_the_click_even_when_the_token_is_old() {
    setup();
    stub_route(SESSION_PATH, 200, vec![short_answer("old").into()]);
    let screen = Fixture::new(&[TOKEN_MAX_AGE, ("data-open", "new-tab")]);
    ready(&screen).await;
    let received_by = js_sys::Date::now();
    stub_defer(SESSION_PATH);
    until("the refresh request", || {
        requests_to(SESSION_PATH).len() == 2
    })
    .await;
    // The refresh starts at nine tenths of the age; wait until the token in hand is too old.
    until_stale(received_by).await;
    screen.click("Connect Garmin").await;
    // The tab opens blank at once (a popup blocker allows it only inside the click) ...
    assert_eq!(
        screen.navigations(),
        vec![Navigation::NewTab("about:blank".into())]
    );
    stub_release(SESSION_PATH, 200, &short_answer("fresh"));
    // ... and gets its address when the fresh token arrives.
    until("the tab's address", || screen.navigations().len() == 2).await;
    assert!(screen.navigations()[1]
        .url()
        .contains(&format!("{TOKEN_PARAM}=fresh&{SOURCE_PARAM}=2")));
    assert!(!screen.navigations()[1].url().contains(REDIRECT_PARAM));
}
