//! The richer status: per-source objects (`since`, `lastData`, `needsReconnect`) shown in the
//! user's language and date format, and Reconnect where the status asks for it.

use crate::returns::{record_attempt_with, thryve_return, NONCE};
use crate::support::*;
use thryve_connect::protocol::endpoint::STATUS_PATH;
use thryve_connect::protocol::thryve::{CONNECT_PAGE, DEFAULT_CONNECT_BASE};
use thryve_connect::testing::Navigation;
use wasm_bindgen_test::*;

/// Midday UTC: the same date in every time zone the test browser may run in.
const DETAILED: &str = r#"{"connected":[{"id":1,"since":"2026-01-31T12:00:00Z","lastData":"2026-11-30T12:00:00Z"},{"id":11,"needsReconnect":true},18]}"#;

fn row_text(screen: &Fixture, id: u32) -> String {
    screen.row(id).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn connected_since_and_last_data_in_the_users_date_format() {
    setup();
    token_ok();
    stub_route(STATUS_PATH, 200, vec![DETAILED.into()]);
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH)]);
    until("Fitbit's details", || {
        row_text(&screen, 1).contains("Connected since")
    })
    .await;
    let fitbit = row_text(&screen, 1);
    // Intl.DateTimeFormat("en", {dateStyle: "medium"}).
    assert!(fitbit.contains("Connected since Jan 31, 2026"), "{fitbit}");
    assert!(fitbit.contains("Last data: Nov 30, 2026"), "{fitbit}");
    // A plain ID says only "Connected".
    assert!(row_text(&screen, 18).contains("Connected"));
    assert!(!row_text(&screen, 18).contains("since"));
    drop(screen);

    setup();
    token_ok();
    stub_route(STATUS_PATH, 200, vec![DETAILED.into()]);
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH), ("data-locale", "de")]);
    until("German details", || {
        row_text(&screen, 1).contains("Verbunden seit dem 31.01.2026")
    })
    .await;
    assert!(row_text(&screen, 1).contains("Letzte Daten: 30.11.2026"));
}

/// A screen whose status says Strava needs a reconnect, once Reconnect can be pressed.
async fn reconnect_ready() -> Fixture {
    setup();
    token_ok();
    stub_route(STATUS_PATH, 200, vec![DETAILED.into()]);
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH)]);
    until("Strava's Reconnect", || {
        screen
            .button("Reconnect Strava")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    screen
}

#[wasm_bindgen_test]
async fn a_source_that_needs_reconnecting_offers_reconnect() {
    let screen = reconnect_ready().await;
    assert!(row_text(&screen, 11).contains("Needs to be reconnected"));
    assert_eq!(
        screen.row(11).get_attribute("data-reconnect").as_deref(),
        Some("true")
    );
    assert!(screen.button("Disconnect Strava").is_some());
    assert!(screen.button("Connect Strava").is_none());
    // A connected source without the flag offers Disconnect only.
    assert!(screen.button("Reconnect Fitbit").is_none());
    assert!(screen.button("Connect Fitbit").is_none());

    // Reconnect is a connect: Thryve's connect page for the source.
    screen.click("Reconnect Strava").await;
    let navigations = screen.navigations();
    assert_eq!(navigations.len(), 1, "{navigations:?}");
    let Navigation::SameWindow(url) = &navigations[0] else {
        panic!("{navigations:?}");
    };
    assert!(
        url.starts_with(&format!("{DEFAULT_CONNECT_BASE}{CONNECT_PAGE}"))
            && url.contains("dataSource=11"),
        "{url}"
    );
}

#[wasm_bindgen_test]
async fn details_that_do_not_read_are_a_status_error() {
    setup();
    token_ok();
    stub_route(
        STATUS_PATH,
        200,
        vec![r#"{"connected":[{"id":1,"since":"yesterday"}]}"#.into()],
    );
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH)]);
    until("the status note", || {
        screen
            .text()
            .contains("We couldn't check which sources are connected")
    })
    .await;
    assert!(!screen.text().contains("since"));
}

#[wasm_bindgen_test]
async fn a_reconnect_that_fails_leaves_the_source_connected() {
    // The attempt recorded that Strava needed a reconnect; Thryve says it did not work.
    setup();
    token_ok();
    stub_defer(STATUS_PATH);
    record_attempt_with("connect", 11, r#","reconnect":true"#);
    set_address(&thryve_return(NONCE, 11, "false"));
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH)]);
    until("the failure message", || {
        screen
            .text_of_role("status")
            .contains("Strava was not connected.")
    })
    .await;
    // Before the status answers, the failure has not turned the row into "Not connected".
    assert_eq!(screen.state(11).as_deref(), Some("unknown"));
    stub_release(
        STATUS_PATH,
        200,
        r#"{"connected":[{"id":11,"needsReconnect":true}]}"#,
    );
    until("Reconnect offered again", || {
        screen.button("Reconnect Strava").is_some()
    })
    .await;
    assert_eq!(screen.state(11).as_deref(), Some("connected"));
    assert!(row_text(&screen, 11).contains("Needs to be reconnected"));
}

#[wasm_bindgen_test]
async fn a_reconnect_is_recorded_as_one() {
    let screen = reconnect_ready().await;
    screen.click("Reconnect Strava").await;
    let recorded = session_storage()
        .get_item(thryve_connect::testing::ATTEMPT_KEY)
        .unwrap()
        .unwrap_or_default();
    assert!(recorded.contains(r#""reconnect":true"#), "{recorded}");
}
