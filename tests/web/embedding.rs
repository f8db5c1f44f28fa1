//! Embedding as the loader does it (`mountElement` and its handle): settings that change while
//! the screen is shown, complete teardown, and several screens on one page.

use crate::returns::{thryve_return, NONCE};
use crate::support::*;
use thryve_connect::events::names::{ERROR, SESSION_READY};
use thryve_connect::protocol::endpoint::{SESSION_PATH, STATUS_PATH};
use thryve_connect::testing::ATTEMPT_KEY;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

fn shown_ids(screen: &Fixture) -> Vec<u32> {
    screen
        .all("[data-source-id]")
        .iter()
        .filter_map(|row| row.get_attribute("data-source-id")?.parse().ok())
        .collect()
}

#[wasm_bindgen_test]
async fn new_settings_show_at_once_and_keep_the_session() {
    setup();
    token_ok();
    let mut screen = Fixture::element(None, Some(r#"{"sources":[1,8]}"#));
    ready(&screen).await;
    assert_eq!(shown_ids(&screen), vec![1, 8]);
    assert_eq!(requests_to(SESSION_PATH).len(), 1);

    // Another list and open mode: no new session (same endpoint, same language).
    screen.update(Some(r#"{"sources":[18,1],"open":"new-tab"}"#));
    ready(&screen).await;
    assert_eq!(shown_ids(&screen), vec![18, 1]);
    assert_eq!(requests_to(SESSION_PATH).len(), 1, "the session was kept");

    // An attribute changed on the element is read by the next update; the object still wins.
    screen.element.set_attribute("sources", "8").unwrap();
    screen.element.set_attribute("heading-level", "3").unwrap();
    screen.update(Some(r#"{"sources":[18,1]}"#));
    assert_eq!(shown_ids(&screen), vec![18, 1]);
    assert_eq!(
        screen.all("h3").len(),
        1,
        "heading-level from the attribute"
    );
    screen.update(None);
    assert_eq!(
        shown_ids(&screen),
        vec![8],
        "without the object the attribute applies"
    );

    // Another language needs a session in that language.
    screen.update(Some(r#"{"sources":[1],"locale":"de"}"#));
    until("the German screen is ready", || {
        screen
            .button("Fitbit verbinden")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    let sessions = requests_to(SESSION_PATH);
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[1].body.as_deref(), Some(r#"{"locale":"de"}"#));
}

#[wasm_bindgen_test]
async fn bad_settings_show_the_configuration_error_with_the_elements_names() {
    setup();
    token_ok();
    let mut screen = Fixture::element(None, Some(r#"{"sources":"1,x","colour":"red"}"#));
    let text = screen.text_of_role("alert");
    assert!(text.contains("sources:"), "{text}");
    assert!(!text.contains("data-sources"), "{text}");
    assert!(text.contains(r#""colour" is not a setting"#), "{text}");
    screen.update(Some(r#"{"sources":[1]}"#));
    ready(&screen).await;
    assert!(screen.by_role("alert").is_none());
}

#[wasm_bindgen_test]
async fn unmounting_cancels_every_request_and_nothing_follows() {
    setup();
    stub_defer(SESSION_PATH);
    stub_hang(STATUS_PATH);
    let mut screen = Fixture::element(
        None,
        Some(&format!(r#"{{"statusEndpoint":"{STATUS_PATH}"}}"#)),
    );
    let (events, _listener) = count_events(&screen.element, &[SESSION_READY, ERROR]);
    until("the session and status requests", || {
        requests_to(SESSION_PATH).len() == 1 && requests_to(STATUS_PATH).len() == 1
    })
    .await;

    screen.handle.as_mut().unwrap().unmount();
    assert_eq!(screen.element.children().length(), 0, "the screen is gone");
    until("both requests are aborted", || {
        requests_to(SESSION_PATH)[0].aborted && requests_to(STATUS_PATH)[0].aborted
    })
    .await;

    // The page's own signals no longer reach it: coming back to the tab renews nothing.
    let window = web_sys::window().unwrap();
    window
        .dispatch_event(&web_sys::Event::new("focus").unwrap())
        .unwrap();
    document()
        .dispatch_event(&web_sys::Event::new("visibilitychange").unwrap())
        .unwrap();
    stub_release(SESSION_PATH, 200, WIDGET_ANSWER);
    // A fixed wait: it proves that no request and no event follow; nothing would show it.
    wait_ms(100).await;
    assert_eq!(requests_to(SESSION_PATH).len(), 1);
    assert_eq!(requests_to(STATUS_PATH).len(), 1);
    assert_eq!(events.get(), 0, "no event after removal");

    // The same element can be mounted again.
    screen.handle = Some(thryve_connect::mount_element(
        screen.element.clone(),
        None,
        JsValue::UNDEFINED,
    ));
    ready(&screen).await;
    assert_eq!(events.get(), 1, "session-ready of the new screen");
}

#[wasm_bindgen_test]
async fn each_screen_shows_only_the_result_of_its_own_attempt() {
    setup();
    token_ok();
    // The right-hand screen started a connect of Withings (8) and the user is back.
    let attempt = format!(
        r#"{{"action":"connect","source":8,"started_at_ms":{},"nonce":"{NONCE}","screen":"right"}}"#,
        js_sys::Date::now() - 1000.0
    );
    session_storage().set_item(ATTEMPT_KEY, &attempt).unwrap();
    set_address(&thryve_return(NONCE, 8, "true"));

    // Both list Withings; the left one is mounted first.
    let left = Fixture::element(Some("left"), Some(r#"{"sources":[1,8]}"#));
    let right = Fixture::element(Some("right"), Some(r#"{"sources":[8,1]}"#));
    until("the right screen's result", || {
        right
            .text_of_role("status")
            .contains("Withings is now connected.")
    })
    .await;
    ready(&left).await;
    // A fixed wait: the left screen would show a result within a frame; none comes.
    wait_ms(50).await;
    assert_eq!(left.text_of_role("status"), "");
    assert_eq!(search(), "?keep=1", "the owner cleaned the address");
    assert_eq!(session_storage().get_item(ATTEMPT_KEY).unwrap(), None);
}
