//! Hosts with their own auth and API: sessions and states from the host's code (`getSession`,
//! `getStatus`) with every error path, credentials and headers for endpoints on other origins,
//! and a status that catches up with a fresh result instead of undoing it.

use crate::returns::{record_attempt, thryve_return, NONCE};
use crate::support::*;
use thryve_connect::protocol::endpoint::{SESSION_PATH, STATUS_PATH};
use thryve_connect::testing::scale_confirm_delays;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

/// A JS function from its body (`ask` is its argument); `window.__host` keeps what tests share.
fn function(body: &str) -> JsValue {
    js_sys::Function::new_with_args("ask", body).into()
}

fn callbacks(get_session: Option<&str>, get_status: Option<&str>) -> JsValue {
    let object = js_sys::Object::new();
    if let Some(body) = get_session {
        js_sys::Reflect::set(&object, &"getSession".into(), &function(body)).unwrap();
    }
    if let Some(body) = get_status {
        js_sys::Reflect::set(&object, &"getStatus".into(), &function(body)).unwrap();
    }
    object.into()
}

fn host_value(name: &str) -> JsValue {
    let host = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__host".into()).unwrap();
    js_sys::Reflect::get(&host, &name.into()).unwrap()
}

fn reset_host() {
    let window = web_sys::window().unwrap();
    js_sys::Reflect::set(&window, &"__host".into(), &js_sys::Object::new()).unwrap();
}

/// Clicks `button` and checks that the page leaves for Thryve with the host's token.
async fn leaves_with_the_token(screen: &Fixture, button: &str) {
    screen.click(button).await;
    until("Connect leaves for Thryve", || {
        !screen.navigations().is_empty()
    })
    .await;
    assert!(screen.navigations()[0]
        .url()
        .contains(&format!("token={TOKEN}")));
}

#[wasm_bindgen_test]
async fn get_session_replaces_the_token_endpoint() {
    setup();
    reset_host();
    token_ok(); // stubbed so that a request, were one sent, would be recorded
    let screen = Fixture::element_with(
        None,
        Some(r#"{"locale":"de"}"#),
        callbacks(
            Some(&format!(
                "window.__host.asked = ask.locale; window.__host.signal = ask.signal instanceof AbortSignal; return Promise.resolve('{TOKEN}');"
            )),
            None,
        ),
    );
    until("the German buttons are enabled", || {
        screen
            .button("Fitbit verbinden")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    assert_eq!(host_value("asked").as_string().as_deref(), Some("de"));
    assert_eq!(host_value("signal").as_bool(), Some(true));
    leaves_with_the_token(&screen, "Fitbit verbinden").await;
    assert!(
        requests_to(SESSION_PATH).is_empty(),
        "the token endpoint is never called"
    );
}

#[wasm_bindgen_test]
async fn get_session_may_answer_as_the_token_endpoint_does() {
    setup();
    reset_host();
    let answer = answer_for("u-42");
    let screen = Fixture::element_with(
        None,
        None,
        callbacks(Some(&format!("return Promise.resolve({answer});")), None),
    );
    ready(&screen).await;
    leaves_with_the_token(&screen, "Connect Fitbit").await;
}

#[wasm_bindgen_test]
async fn a_rejected_get_session_is_the_endpoint_down_error_with_retry() {
    setup();
    reset_host();
    let screen = Fixture::element_with(
        None,
        None,
        callbacks(
            Some(&format!(
                "window.__host.calls = (window.__host.calls || 0) + 1; \
                 return window.__host.calls === 1 ? Promise.reject(new Error('signed out')) : '{TOKEN}';"
            )),
            None,
        ),
    );
    let (kinds, _listener) = error_kinds(&screen.element);
    until("the session alert", || screen.button("Try again").is_some()).await;
    assert!(screen
        .text_of_role("alert")
        .contains("We couldn't prepare the connection."));
    assert_eq!(
        kinds.borrow().as_slice(),
        ["rejected: the host's callback failed: signed out"]
    );
    screen.click("Try again").await;
    ready(&screen).await;
    assert_eq!(host_value("calls").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
async fn a_get_session_without_an_answer_times_out_and_its_signal_is_aborted() {
    setup();
    reset_host();
    let screen = Fixture::element_with(
        None,
        Some(r#"{"requestTimeout":1}"#),
        callbacks(
            Some("window.__host.signal = ask.signal; return new Promise(() => {});"),
            None,
        ),
    );
    until("the time-out alert", || {
        screen.text_of_role("alert").contains("taking too long")
    })
    .await;
    let signal: web_sys::AbortSignal = host_value("signal").unchecked_into();
    assert!(signal.aborted(), "the host can stop its own request");
}

/// Records the `kind: message` of every error event on `element`.
#[allow(clippy::type_complexity)]
fn error_kinds(
    element: &web_sys::HtmlElement,
) -> (
    std::rc::Rc<std::cell::RefCell<Vec<String>>>,
    Closure<dyn Fn(web_sys::CustomEvent)>,
) {
    let seen: std::rc::Rc<std::cell::RefCell<Vec<String>>> = Default::default();
    let record = std::rc::Rc::clone(&seen);
    let listener = Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
        let get = |k: &str| {
            js_sys::Reflect::get(&e.detail(), &k.into())
                .unwrap()
                .as_string()
                .unwrap_or_default()
        };
        record
            .borrow_mut()
            .push(format!("{}: {}", get("kind"), get("message")));
    });
    element
        .add_event_listener_with_callback(
            thryve_connect::events::names::ERROR,
            listener.as_ref().unchecked_ref(),
        )
        .unwrap();
    (seen, listener)
}

#[wasm_bindgen_test]
async fn get_status_replaces_the_status_endpoint_and_fails_like_it() {
    setup();
    reset_host();
    token_ok();
    let screen = Fixture::element_with(
        None,
        None,
        callbacks(None, Some("return Promise.resolve([1, 11]);")),
    );
    until("Fitbit shows as connected", || {
        screen.state(1).as_deref() == Some("connected")
    })
    .await;
    assert_eq!(screen.state(11).as_deref(), Some("connected"));
    assert_eq!(screen.state(2).as_deref(), Some("not-connected"));
    drop(screen);

    setup();
    let screen = Fixture::element_with(
        None,
        None,
        callbacks(None, Some(r#"return {"connected": [2]};"#)),
    );
    until("Garmin shows as connected", || {
        screen.state(2).as_deref() == Some("connected")
    })
    .await;
    drop(screen);

    // Entries may be objects, as in the status endpoint's richer answer.
    setup();
    let screen = Fixture::element_with(
        None,
        None,
        callbacks(
            None,
            Some(r#"return [{"id": 8, "needsReconnect": true}, 2];"#),
        ),
    );
    until("Withings offers Reconnect", || {
        screen.button("Reconnect Withings").is_some()
    })
    .await;
    assert_eq!(screen.state(2).as_deref(), Some("connected"));
    drop(screen);

    setup();
    token_ok();
    let screen = Fixture::element_with(
        None,
        None,
        callbacks(None, Some("return Promise.reject('down');")),
    );
    until("the status note", || {
        screen
            .text()
            .contains("We couldn't check which sources are connected")
    })
    .await;
}

#[wasm_bindgen_test]
async fn credentials_and_headers_go_to_both_endpoints_but_never_to_thryve() {
    setup();
    token_ok();
    stub_route(STATUS_PATH, 200, vec![r#"{"connected":[]}"#.into()]);
    let screen = Fixture::element(
        None,
        Some(&format!(
            r#"{{"statusEndpoint":"{STATUS_PATH}","credentials":"include","headers":{{"Authorization":"Bearer host-secret"}}}}"#
        )),
    );
    ready(&screen).await;
    until("the status request", || {
        !requests_to(STATUS_PATH).is_empty()
    })
    .await;
    for request in [&requests_to(SESSION_PATH)[0], &requests_to(STATUS_PATH)[0]] {
        assert_eq!(request.credentials, "include", "{}", request.url);
        assert_eq!(request.authorization.as_deref(), Some("Bearer host-secret"));
    }
    assert!(
        !screen.text().contains("host-secret"),
        "the secret is not in the page"
    );
}

#[wasm_bindgen_test]
async fn a_lagging_status_does_not_undo_a_fresh_connect_and_catches_up() {
    setup();
    scale_confirm_delays(0.01);
    token_ok();
    // Thryve's records lag: the first two reads do not show Fitbit yet.
    stub_route(
        STATUS_PATH,
        200,
        vec![
            r#"{"connected":[]}"#.into(),
            r#"{"connected":[]}"#.into(),
            r#"{"connected":[1]}"#.into(),
        ],
    );
    record_attempt("connect", 1);
    set_address(&thryve_return(NONCE, 1, "true"));
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH)]);
    until("the success", || {
        screen
            .text_of_role("status")
            .contains("Fitbit is now connected.")
    })
    .await;
    // Throughout the re-reads the row keeps what the user just saw.
    while requests_to(STATUS_PATH).len() < 3 {
        assert_eq!(screen.state(1).as_deref(), Some("connected"));
        wait_ms(5).await;
    }
    // A fixed wait: proves no further re-read follows once the status agrees.
    wait_ms(300).await;
    assert_eq!(requests_to(STATUS_PATH).len(), 3);
    assert_eq!(screen.state(1).as_deref(), Some("connected"));
    assert!(!screen.text().contains("Still being confirmed"));
    scale_confirm_delays(1.0);
}

#[wasm_bindgen_test]
async fn a_status_that_never_shows_a_fresh_disconnect_gets_a_note_not_a_flip() {
    setup();
    scale_confirm_delays(0.01);
    token_ok();
    revoke_ok();
    stub_route(STATUS_PATH, 200, vec![r#"{"connected":[18]}"#.into()]);
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH)]);
    until("Oura shows as connected", || {
        screen.state(18).as_deref() == Some("connected")
    })
    .await;
    ready(&screen).await;
    screen.click("Disconnect Oura").await;
    screen.click("Yes, disconnect Oura").await;
    until("the note", || {
        screen.text().contains("Still being confirmed by Oura")
    })
    .await;
    assert_eq!(screen.state(18).as_deref(), Some("not-connected"));
    // The first read after the disconnect, then one per delay: 2, 4, 8, 16, 32 s (scaled).
    assert!(requests_to(STATUS_PATH).len() >= 6);
    // The status catches up later (the user comes back to the tab): the note goes.
    stub_route(STATUS_PATH, 200, vec![r#"{"connected":[]}"#.into()]);
    web_sys::window()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("focus").unwrap())
        .unwrap();
    until("the note goes", || {
        !screen.text().contains("Still being confirmed")
    })
    .await;
    assert_eq!(screen.state(18).as_deref(), Some("not-connected"));
    scale_confirm_delays(1.0);
}

#[wasm_bindgen_test]
async fn other_headers_or_another_get_session_never_reuse_the_session() {
    setup();
    reset_host();
    token_ok();
    let mut screen = Fixture::element(None, Some(r#"{"headers":{"Authorization":"Bearer a"}}"#));
    ready(&screen).await;
    assert_eq!(requests_to(SESSION_PATH).len(), 1);
    // Another user signed in without a reload: the host gives the new user's token.
    screen.update(Some(r#"{"headers":{"Authorization":"Bearer b"}}"#));
    ready(&screen).await;
    let sessions = requests_to(SESSION_PATH);
    assert_eq!(sessions.len(), 2, "a new session for the new headers");
    assert_eq!(sessions[1].authorization.as_deref(), Some("Bearer b"));
}

#[wasm_bindgen_test]
async fn a_get_session_answering_nothing_usable_is_a_bad_token_response() {
    setup();
    reset_host();
    let screen = Fixture::element_with(None, None, callbacks(Some("return undefined;"), None));
    let (kinds, _listener) = error_kinds(&screen.element);
    until("the session alert", || screen.button("Try again").is_some()).await;
    assert!(
        kinds.borrow()[0].starts_with("bad-token-response: "),
        "{:?}",
        kinds.borrow()
    );
}

#[wasm_bindgen_test]
async fn a_failing_status_ends_the_re_reads_with_the_note() {
    setup();
    scale_confirm_delays(0.01);
    token_ok();
    stub_route(STATUS_PATH, 503, vec!["down".into()]);
    record_attempt("connect", 1);
    set_address(&thryve_return(NONCE, 1, "true"));
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH)]);
    until("the note", || {
        screen.text().contains("Still being confirmed by Fitbit")
    })
    .await;
    let reads = requests_to(STATUS_PATH).len();
    // A fixed wait: proves the re-reads stopped (the next one would come within 320 ms).
    wait_ms(500).await;
    assert_eq!(requests_to(STATUS_PATH).len(), reads, "no more re-reads");
    assert_eq!(screen.state(1).as_deref(), Some("connected"));
    scale_confirm_delays(1.0);
}
