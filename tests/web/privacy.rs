//! Shared browsers: remembered connection states belong to the user the token endpoint names,
//! and without a name nothing outlives the page.

use crate::returns::{record_attempt, thryve_return, NONCE};
use crate::support::*;
use thryve_connect::protocol::endpoint::SESSION_PATH;
use thryve_connect::testing::STATES_KEY;
use wasm_bindgen_test::*;

/// Every localStorage key this screen wrote.
fn stored_state_keys() -> Vec<String> {
    let storage = local_storage();
    (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with(STATES_KEY))
        .collect()
}

/// A screen whose token endpoint names `user` (or nobody), after Withings was disconnected
/// there: returns it once the result shows.
async fn disconnect_withings_as(user: Option<&str>) -> Fixture {
    match user {
        Some(user) => token_ok_for(user),
        None => token_ok(),
    }
    revoke_ok();
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Disconnect Withings").await;
    screen.click("Yes, disconnect Withings").await;
    until("the result", || {
        screen
            .text_of_role("status")
            .contains("Withings is now disconnected")
    })
    .await;
    screen
}

#[wasm_bindgen_test]
async fn states_are_remembered_per_user_and_never_shown_to_another() {
    setup();
    drop(disconnect_withings_as(Some("alice")).await);
    assert_eq!(stored_state_keys(), vec![format!("{STATES_KEY}:alice")]);

    // Bob signs in on the same browser: Alice's states are not his.
    token_ok_for("bob");
    let bob = Fixture::new(&[]);
    ready(&bob).await;
    assert_eq!(bob.state(8).as_deref(), Some("unknown"));
    drop(bob);

    // Alice again: her states are back.
    token_ok_for("alice");
    let alice = Fixture::new(&[]);
    ready(&alice).await;
    until("Alice's remembered state", || {
        alice.state(8).as_deref() == Some("not-connected")
    })
    .await;
}

#[wasm_bindgen_test]
async fn without_a_user_key_nothing_outlives_the_page() {
    setup();
    // An entry from a version that kept one list for everybody on this browser.
    local_storage()
        .set_item(STATES_KEY, r#"{"8":true,"1":true}"#)
        .unwrap();
    let screen = disconnect_withings_as(None).await;
    assert_eq!(
        screen.state(8).as_deref(),
        Some("not-connected"),
        "shown on this page"
    );
    assert_eq!(
        screen.state(1).as_deref(),
        Some("unknown"),
        "the old shared entry is not read"
    );
    assert!(stored_state_keys().is_empty(), "nothing stored");
    drop(screen);

    token_ok();
    let next = Fixture::new(&[]);
    ready(&next).await;
    assert_eq!(
        next.state(8).as_deref(),
        Some("unknown"),
        "nothing remembered"
    );
}

#[wasm_bindgen_test]
async fn a_return_read_before_the_key_arrives_is_kept_under_it() {
    setup();
    let key = format!("{STATES_KEY}:alice");
    local_storage().set_item(&key, r#"{"1":true}"#).unwrap();
    // The session answers only after the return was read.
    stub_defer(SESSION_PATH);
    record_attempt("disconnect", 8);
    set_address(&thryve_return(NONCE, 8, "false"));
    let screen = Fixture::new(&[]);
    until("the result", || {
        screen
            .text_of_role("status")
            .contains("Withings is now disconnected")
    })
    .await;
    assert_eq!(
        local_storage().get_item(&key).unwrap().as_deref(),
        Some(r#"{"1":true}"#),
        "no key yet: nothing written"
    );
    stub_release(SESSION_PATH, 200, &answer_for("alice"));
    // Fitbit is remembered as connected, so Garmin tells that the session is in hand.
    until("the session", || {
        screen
            .button("Connect Garmin")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    until("the stored and the new state together", || {
        local_storage().get_item(&key).unwrap().as_deref() == Some(r#"{"1":true,"8":false}"#)
    })
    .await;
    assert_eq!(screen.state(1).as_deref(), Some("connected"));
    assert_eq!(screen.state(8).as_deref(), Some("not-connected"));
}
