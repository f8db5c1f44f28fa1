//! Disconnecting: the confirmation, the revoke sent in the background (and what a late or failed
//! answer does), and the navigate mode that leaves like a connect.

use crate::support::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use thryve_connect::protocol::thryve::{
    DEFAULT_CONNECT_BASE, DIRECT_PARAM, REDIRECT_PARAM, REVOKE_PAGE,
};
use thryve_connect::testing::{Navigation, STATES_KEY};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn disconnect_asks_then_revokes_in_the_background() {
    setup();
    token_ok_for("alice");
    revoke_ok();
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Disconnect Withings").await;
    assert!(screen
        .row(8)
        .text_content()
        .unwrap()
        .contains("Disconnect Withings? We will stop receiving"));
    assert!(
        requests_to(REVOKE_PAGE).is_empty(),
        "nothing before confirmation"
    );
    until("focus moves to the confirmation", || {
        document()
            .active_element()
            .is_some_and(|e| accessible_name(&e) == "Yes, disconnect Withings")
    })
    .await;

    screen.click("Yes, disconnect Withings").await;
    until("the result", || {
        screen
            .text_of_role("status")
            .contains("Withings is now disconnected")
    })
    .await;
    let revokes = requests_to(REVOKE_PAGE);
    assert_eq!(revokes.len(), 1);
    assert_eq!(revokes[0].method, "GET");
    assert_eq!(
        revokes[0].url,
        format!(
            "{}&{DIRECT_PARAM}=true",
            thryve_url(DEFAULT_CONNECT_BASE, REVOKE_PAGE, 8)
        )
    );
    assert_eq!(revokes[0].mode, "no-cors");
    assert!(screen.navigations().is_empty(), "the page never leaves");
    assert_eq!(screen.state(8).as_deref(), Some("not-connected"));
    assert!(screen.button("Disconnect Withings").is_none());
    // Remembered for this user's next visit.
    let stored = local_storage()
        .get_item(&format!("{STATES_KEY}:alice"))
        .unwrap()
        .unwrap();
    assert_eq!(stored, r#"{"8":false}"#);
}

#[wasm_bindgen_test]
async fn a_screen_removed_during_a_disconnect_does_not_break_the_page() {
    setup();
    token_ok();
    stub_defer(REVOKE_PAGE);
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Disconnect Oura").await;
    screen.click("Yes, disconnect Oura").await;
    until("the revoke request", || {
        !requests_to(REVOKE_PAGE).is_empty()
    })
    .await;
    drop(screen);
    // The answer arrives after the screen is gone: nothing may touch its disposed state (that
    // panics in a detached task, so the test watches for panics itself).
    let panicked = Arc::new(AtomicBool::new(false));
    let previous = Arc::new(std::panic::take_hook());
    std::panic::set_hook(Box::new({
        let (panicked, previous) = (Arc::clone(&panicked), Arc::clone(&previous));
        move |info| {
            panicked.store(true, Ordering::SeqCst);
            previous(info);
        }
    }));
    stub_release(REVOKE_PAGE, 200, "ok");
    // A fixed wait: it proves that no panic follows the late answer. Nothing on the page shows
    // that the detached task has handled it, so there is no condition to wait for.
    wait_ms(50).await;
    std::panic::set_hook(Box::new(move |info| previous(info)));
    assert!(
        !panicked.load(Ordering::SeqCst),
        "a late answer touched the removed screen"
    );
    let again = Fixture::new(&[]);
    ready(&again).await;
    assert_eq!(again.state(18).as_deref(), Some("unknown"));
}

#[wasm_bindgen_test]
async fn cancelling_a_disconnect_does_nothing_and_returns_focus() {
    setup();
    token_ok();
    // Stubbed so that a revoke, were one sent, would be recorded.
    revoke_ok();
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Disconnect Polar").await;
    screen.click("Cancel").await;
    until("focus is back", || {
        document()
            .active_element()
            .is_some_and(|e| accessible_name(&e) == "Disconnect Polar")
    })
    .await;
    assert!(requests_to(REVOKE_PAGE).is_empty());
    assert_eq!(screen.state(3).as_deref(), Some("unknown"));
}

#[wasm_bindgen_test]
async fn a_failed_background_disconnect_says_so() {
    setup();
    token_ok();
    stub_fail(REVOKE_PAGE);
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Disconnect Oura").await;
    screen.click("Yes, disconnect Oura").await;
    until("the failure", || {
        screen
            .text_of_role("status")
            .contains("Oura could not be disconnected")
    })
    .await;
    let retry = screen
        .by_role("status")
        .unwrap()
        .query_selector("button")
        .unwrap()
        .unwrap();
    assert_eq!(accessible_name(&retry), "Try again");
    let described = document()
        .get_element_by_id(&retry.get_attribute("aria-describedby").unwrap())
        .unwrap();
    assert!(described
        .text_content()
        .unwrap()
        .contains("Oura could not be disconnected"));
    assert_eq!(screen.state(18).as_deref(), Some("unknown"));
}

#[wasm_bindgen_test]
async fn navigate_mode_disconnect_leaves_like_a_connect() {
    setup();
    token_ok();
    // Stubbed so that a background revoke, were one sent, would be recorded.
    revoke_ok();
    let screen = Fixture::new(&[("data-disconnect", "navigate")]);
    ready(&screen).await;
    screen.click("Disconnect Suunto").await;
    screen.click("Yes, disconnect Suunto").await;
    let navigations = screen.navigations();
    assert_eq!(navigations.len(), 1);
    let Navigation::SameWindow(url) = &navigations[0] else {
        panic!("{navigations:?}")
    };
    assert!(url.starts_with(&format!(
        "{}&{DIRECT_PARAM}=true&{REDIRECT_PARAM}=",
        thryve_url(DEFAULT_CONNECT_BASE, REVOKE_PAGE, 17)
    )));
    assert!(requests_to(REVOKE_PAGE).is_empty());
}
