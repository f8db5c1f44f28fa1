//! Browser tests: the real components, mounted in headless Chromium, with `fetch` replaced by a
//! scripted stub (tests/support/fetch_stub.js) and navigation observed through the browser seam.
//! Elements are found the way a user finds them: by role, accessible name and visible text.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use thryve_connect::testing::{self as browser, Navigation};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/support/fetch_stub.js")]
extern "C" {
    fn stub_reset();
    fn stub_route(path: &str, status: u16, bodies: Vec<JsValue>);
    fn stub_hang(path: &str);
    fn stub_defer(path: &str);
    fn stub_release(path: &str, status: u16, body: &str);
    fn stub_fail(path: &str);
    fn stub_requests() -> JsValue;
    fn sleep(ms: u32) -> js_sys::Promise;
}

const TOKEN_PATH: &str = "/api/connection-session";
const STATUS_PATH: &str = "/api/connection-status";
const WIDGET_ANSWER: &str = r#"{"type":"enduser.widget.connection","data":{"url":"https://connect.thryve.de/?connectionSessionToken=1060285265X4247109939067552841&platform=web&lang=en"}}"#;

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A recorded request of the fetch stub.
#[derive(Debug, Clone)]
struct Seen {
    url: String,
    method: String,
    body: Option<String>,
    mode: String,
}

fn requests() -> Vec<Seen> {
    let list: js_sys::Array = stub_requests().unchecked_into();
    list.iter()
        .map(|r| {
            let get = |k: &str| js_sys::Reflect::get(&r, &k.into()).unwrap().as_string();
            Seen {
                url: get("url").unwrap_or_default(),
                method: get("method").unwrap_or_default(),
                body: get("body"),
                mode: get("mode").unwrap_or_default(),
            }
        })
        .collect()
}

fn requests_to(path: &str) -> Vec<Seen> {
    requests()
        .into_iter()
        .filter(|r| r.url.contains(path))
        .collect()
}

/// A mounted screen in a fresh element; unmounted and removed when dropped.
struct Fixture {
    element: HtmlElement,
    mounted: Option<thryve_connect::Mounted>,
    navigations: Rc<RefCell<Vec<Navigation>>>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.mounted.take();
        self.element.remove();
        browser::stop_intercepting();
    }
}

impl Fixture {
    fn new(attributes: &[(&str, &str)]) -> Fixture {
        Self::with_json(attributes, None)
    }

    fn with_json(attributes: &[(&str, &str)], json: Option<&str>) -> Fixture {
        let element: HtmlElement = document().create_element("div").unwrap().unchecked_into();
        for (name, value) in attributes {
            element.set_attribute(name, value).unwrap();
        }
        if let Some(json) = json {
            let script = document().create_element("script").unwrap();
            script.set_attribute("type", "application/json").unwrap();
            script.set_text_content(Some(json));
            element.append_child(&script).unwrap();
        }
        document().body().unwrap().append_child(&element).unwrap();
        let navigations = Rc::new(RefCell::new(Vec::new()));
        let seen = Rc::clone(&navigations);
        browser::intercept_navigation(move |nav| seen.borrow_mut().push(nav.clone()));
        let mounted = thryve_connect::mount(element.clone());
        Fixture {
            element,
            mounted: Some(mounted),
            navigations,
        }
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.element.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect()
    }

    /// A button by its accessible name: `aria-label`, else its text.
    fn button(&self, name: &str) -> Option<HtmlElement> {
        self.all("button")
            .into_iter()
            .find(|b| accessible_name(b) == name)
            .map(|b| b.unchecked_into())
    }

    fn button_names(&self) -> Vec<String> {
        self.all("button").iter().map(accessible_name).collect()
    }

    fn by_role(&self, role: &str) -> Option<Element> {
        self.all(&format!(r#"[role="{role}"]"#)).into_iter().next()
    }

    fn text_of_role(&self, role: &str) -> String {
        self.by_role(role)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    fn row(&self, id: u32) -> Element {
        self.element
            .query_selector(&format!(r#"[data-testid="source-{id}"]"#))
            .unwrap()
            .unwrap_or_else(|| panic!("no row for source {id}"))
    }

    /// A row's `data-state`.
    fn state(&self, id: u32) -> Option<String> {
        self.row(id).get_attribute("data-state")
    }

    /// The result message: its `data-state` and text.
    fn status(&self) -> (Option<String>, String) {
        let status = self.by_role("status");
        (
            status.as_ref().and_then(|s| s.get_attribute("data-state")),
            status.and_then(|s| s.text_content()).unwrap_or_default(),
        )
    }

    fn text(&self) -> String {
        self.element.text_content().unwrap_or_default()
    }

    fn navigations(&self) -> Vec<Navigation> {
        self.navigations.borrow().clone()
    }

    async fn click(&self, name: &str) {
        let button = self
            .button(name)
            .unwrap_or_else(|| panic!("no button {name:?}; buttons: {:?}", self.button_names()));
        assert!(!button.has_attribute("disabled"), "{name:?} is disabled");
        button.click();
        tick().await;
    }
}

fn accessible_name(element: &Element) -> String {
    element
        .get_attribute("aria-label")
        .unwrap_or_else(|| element.text_content().unwrap_or_default())
        .trim()
        .to_owned()
}

async fn tick() {
    wasm_bindgen_futures::JsFuture::from(sleep(0))
        .await
        .unwrap();
}

async fn wait_ms(ms: u32) {
    wasm_bindgen_futures::JsFuture::from(sleep(ms))
        .await
        .unwrap();
}

/// Polls until `condition` holds (2 s at most), then asserts it.
async fn until(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..200 {
        if condition() {
            return;
        }
        wait_ms(10).await;
    }
    panic!("timed out waiting until {what}");
}

fn token_ok() {
    stub_route(TOKEN_PATH, 200, vec![WIDGET_ANSWER.into()]);
}

fn clear_storage() {
    let window = web_sys::window().unwrap();
    window.session_storage().unwrap().unwrap().clear().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
}

fn set_address(query: &str) {
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{query}")))
        .unwrap();
}

fn search() -> String {
    web_sys::window().unwrap().location().search().unwrap()
}

fn setup() {
    stub_reset();
    clear_storage();
    set_address("");
}

async fn ready(fixture: &Fixture) {
    until("the Connect buttons are enabled", || {
        fixture
            .button("Connect Fitbit")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
}

// ----- the list -----

#[wasm_bindgen_test]
async fn lists_every_web_source_and_no_native_one() {
    setup();
    token_ok();
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    let names: Vec<String> = screen
        .all(".tc-source__name")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(names.len(), 16);
    for name in [
        "Fitbit",
        "Garmin",
        "Strava",
        "Oura",
        "Withings",
        "FreeStyle Libre",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} missing");
    }
    for native in ["Apple Health", "Samsung Health", "Health Connect", "ShenAI"] {
        assert!(!names.iter().any(|n| n == native), "{native} shown");
    }
    // No state known yet: both actions offered.
    assert!(screen.button("Disconnect Fitbit").is_some());
    assert_eq!(screen.state(1).as_deref(), Some("unknown"));
    // A monogram stands in for a logo.
    let mark = screen
        .row(1)
        .query_selector(".tc-source__monogram")
        .unwrap()
        .unwrap();
    assert_eq!(mark.text_content().as_deref(), Some("F"));
}

#[wasm_bindgen_test]
async fn native_sources_are_mentioned_without_a_button_when_asked() {
    setup();
    token_ok();
    let screen = Fixture::new(&[("data-sources", "5,1,44"), ("data-show-native", "true")]);
    ready(&screen).await;
    let apple = screen.row(5);
    assert!(apple
        .text_content()
        .unwrap()
        .contains("Available in our mobile app"));
    assert_eq!(apple.get_attribute("data-state").as_deref(), Some("native"));
    assert!(apple.query_selector("button").unwrap().is_none());
    assert!(screen.button("Connect Apple Health").is_none());
    assert!(screen.button("Connect Health Connect").is_none());
    let order: Vec<String> = screen
        .all("[data-source-id]")
        .iter()
        .map(|e| e.get_attribute("data-source-id").unwrap())
        .collect();
    assert_eq!(order, vec!["5", "1", "44"]);
}

#[wasm_bindgen_test]
async fn json_settings_rename_reorder_and_add_logos() {
    setup();
    token_ok();
    let screen = Fixture::with_json(
        &[],
        Some(
            r#"{"sources":[11,1],"names":{"1":"Fitbit (Google)"},"logos":{"11":"/strava.svg"},"featured":[1]}"#,
        ),
    );
    until("the list", || {
        screen
            .button("Connect Fitbit (Google)")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    let names: Vec<String> = screen
        .all(".tc-source__name")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(names, vec!["Fitbit (Google)", "Strava"]);
    assert!(screen
        .row(1)
        .text_content()
        .unwrap()
        .contains("Recommended"));
    let logo = screen.row(11).query_selector("img").unwrap().unwrap();
    assert_eq!(logo.get_attribute("src").as_deref(), Some("/strava.svg"));
    assert_eq!(logo.get_attribute("alt").as_deref(), Some(""));
}

// ----- the session -----

#[wasm_bindgen_test]
async fn buttons_are_disabled_and_say_so_while_the_session_loads() {
    setup();
    stub_defer(TOKEN_PATH);
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

    stub_release(TOKEN_PATH, 200, WIDGET_ANSWER);
    ready(&screen).await;
    assert!(screen
        .button("Connect Fitbit")
        .unwrap()
        .get_attribute("aria-describedby")
        .is_none());
    assert!(document().get_element_by_id(&note_id).is_none());

    // The session request: POST, JSON, with the locale.
    let sent = requests_to(TOKEN_PATH);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].body.as_deref(), Some(r#"{"locale":"en"}"#));
}

#[wasm_bindgen_test]
async fn a_failed_session_shows_an_alert_and_retry_works() {
    setup();
    stub_route(TOKEN_PATH, 500, vec![r#"{"error":"upstream"}"#.into()]);
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
    assert_eq!(requests_to(TOKEN_PATH).len(), 2);
}

#[wasm_bindgen_test]
async fn garbage_and_tokenless_answers_are_errors() {
    for body in [
        "<html>proxy error</html>",
        r#"{"data":{"url":"https://connect.thryve.de/?lang=en"}}"#,
    ] {
        setup();
        stub_route(TOKEN_PATH, 200, vec![body.into()]);
        let screen = Fixture::new(&[]);
        until("an alert", || screen.by_role("alert").is_some()).await;
        assert!(screen.button("Try again").is_some(), "{body}");
    }
}

#[wasm_bindgen_test]
async fn a_hanging_token_endpoint_times_out() {
    setup();
    stub_hang(TOKEN_PATH);
    let screen = Fixture::new(&[("data-request-timeout", "1")]);
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
        TOKEN_PATH,
        200,
        vec![
            r#"{"connectionSessionToken":"first"}"#.into(),
            r#"{"connectionSessionToken":"second"}"#.into(),
        ],
    );
    let screen = Fixture::new(&[("data-token-max-age", "1")]);
    ready(&screen).await;
    // The token goes stale after a second; a fresh one is fetched without a click.
    until("a second session request", || {
        requests_to(TOKEN_PATH).len() >= 2
    })
    .await;
    ready(&screen).await;
    screen.click("Connect Fitbit").await;
    let navigations = screen.navigations();
    assert_eq!(navigations.len(), 1);
    assert!(
        navigations[0].url().contains("token=second"),
        "{navigations:?}"
    );
}

#[wasm_bindgen_test]
async fn a_click_with_an_old_token_waits_for_a_fresh_one() {
    setup();
    stub_route(
        TOKEN_PATH,
        200,
        vec![r#"{"connectionSessionToken":"old"}"#.into()],
    );
    let screen = Fixture::new(&[("data-token-max-age", "1")]);
    ready(&screen).await;
    // The refresh that starts before the token turns a second old does not answer yet.
    stub_defer(TOKEN_PATH);
    until("the refresh request", || requests_to(TOKEN_PATH).len() == 2).await;
    // The refresh starts at nine tenths of the age; wait until the token in hand is too old.
    wait_ms(200).await;
    screen.click("Connect Fitbit").await;
    assert!(screen.navigations().is_empty(), "the old token is not used");
    assert_eq!(screen.state(1).as_deref(), Some("connecting"));

    stub_release(TOKEN_PATH, 200, r#"{"connectionSessionToken":"fresh"}"#);
    until("the navigation", || !screen.navigations().is_empty()).await;
    let navigations = screen.navigations();
    assert_eq!(navigations.len(), 1);
    assert!(
        navigations[0].url().contains("token=fresh&dataSource=1"),
        "{navigations:?}"
    );
}

#[wasm_bindgen_test]
async fn new_tab_mode_opens_the_tab_inside_the_click_even_when_the_token_is_old() {
    setup();
    stub_route(
        TOKEN_PATH,
        200,
        vec![r#"{"connectionSessionToken":"old"}"#.into()],
    );
    let screen = Fixture::new(&[("data-token-max-age", "1"), ("data-open", "new-tab")]);
    ready(&screen).await;
    stub_defer(TOKEN_PATH);
    until("the refresh request", || requests_to(TOKEN_PATH).len() == 2).await;
    // The refresh starts at nine tenths of the age; wait until the token in hand is too old.
    wait_ms(200).await;
    screen.click("Connect Garmin").await;
    // The tab opens blank at once (a popup blocker allows it only inside the click) ...
    assert_eq!(
        screen.navigations(),
        vec![Navigation::NewTab("about:blank".into())]
    );
    stub_release(TOKEN_PATH, 200, r#"{"connectionSessionToken":"fresh"}"#);
    // ... and gets its address when the fresh token arrives.
    until("the tab's address", || screen.navigations().len() == 2).await;
    assert!(screen.navigations()[1]
        .url()
        .contains("token=fresh&dataSource=2"));
    assert!(!screen.navigations()[1].url().contains("redirect_uri"));
}

// ----- connect -----

#[wasm_bindgen_test]
async fn connect_navigates_this_tab_to_the_exact_url() {
    setup();
    set_address("?tab=health");
    token_ok();
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Connect Strava").await;

    let page = web_sys::window().unwrap().location().href().unwrap();
    let expected = format!(
        "https://service2.und-gesund.de/dataSourceDirectConnection.html?token=1060285265X4247109939067552841&dataSource=11&redirect_uri={}",
        js_sys::encode_uri_component(&page).as_string().unwrap()
    );
    assert_eq!(screen.navigations(), vec![Navigation::SameWindow(expected)]);

    // The attempt is recorded for the return, and the row says what is happening.
    let attempt = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .get_item("thryve-connect:attempt")
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
    let redirect = format!("{origin}/back?x=1");
    assert_eq!(
        screen.navigations(),
        vec![Navigation::SameWindow(format!(
            "https://sandbox.example.test/thryve/dataSourceDirectConnection.html?token=1060285265X4247109939067552841&dataSource=18&redirect_uri={}",
            js_sys::encode_uri_component(&redirect).as_string().unwrap()
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
        vec![Navigation::NewTab(
            "https://service2.und-gesund.de/dataSourceDirectConnection.html?token=1060285265X4247109939067552841&dataSource=2".into()
        )]
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

// ----- disconnect -----

#[wasm_bindgen_test]
async fn disconnect_asks_then_revokes_in_the_background() {
    setup();
    token_ok();
    stub_route("dataSourceDirectRevoke.html", 200, vec!["ok".into()]);
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Disconnect Withings").await;
    assert!(screen
        .row(8)
        .text_content()
        .unwrap()
        .contains("Disconnect Withings? We will stop receiving"));
    assert!(
        requests_to("Revoke").is_empty(),
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
    let revokes = requests_to("dataSourceDirectRevoke.html");
    assert_eq!(revokes.len(), 1);
    assert_eq!(revokes[0].method, "GET");
    assert_eq!(
        revokes[0].url,
        "https://service2.und-gesund.de/dataSourceDirectRevoke.html?token=1060285265X4247109939067552841&dataSource=8&direct=true"
    );
    assert_eq!(revokes[0].mode, "no-cors");
    assert!(screen.navigations().is_empty(), "the page never leaves");
    assert_eq!(screen.state(8).as_deref(), Some("not-connected"));
    assert!(screen.button("Disconnect Withings").is_none());
    // Remembered for the next visit.
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("thryve-connect:states")
        .unwrap()
        .unwrap();
    assert_eq!(stored, r#"{"8":false}"#);
}

#[wasm_bindgen_test]
async fn a_screen_removed_during_a_disconnect_does_not_break_the_page() {
    setup();
    token_ok();
    stub_defer("dataSourceDirectRevoke.html");
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Disconnect Oura").await;
    screen.click("Yes, disconnect Oura").await;
    until("the revoke request", || !requests_to("Revoke").is_empty()).await;
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
    stub_release("dataSourceDirectRevoke.html", 200, "ok");
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
    assert!(requests_to("Revoke").is_empty());
    assert_eq!(screen.state(3).as_deref(), Some("unknown"));
}

#[wasm_bindgen_test]
async fn a_failed_background_disconnect_says_so() {
    setup();
    token_ok();
    stub_fail("dataSourceDirectRevoke.html");
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
    let screen = Fixture::new(&[("data-disconnect", "navigate")]);
    ready(&screen).await;
    screen.click("Disconnect Suunto").await;
    screen.click("Yes, disconnect Suunto").await;
    let navigations = screen.navigations();
    assert_eq!(navigations.len(), 1);
    let Navigation::SameWindow(url) = &navigations[0] else {
        panic!("{navigations:?}")
    };
    assert!(url.starts_with(
        "https://service2.und-gesund.de/dataSourceDirectRevoke.html?token=1060285265X4247109939067552841&dataSource=17&direct=true&redirect_uri="
    ));
    assert!(requests_to("Revoke").is_empty());
}

// ----- the return -----

fn record_attempt(action: &str, source: u32) {
    let attempt = format!(
        r#"{{"action":"{action}","source":{source},"started_at_ms":{},"nonce":"abc"}}"#,
        js_sys::Date::now() - 1000.0
    );
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .set_item("thryve-connect:attempt", &attempt)
        .unwrap();
}

async fn returned(action: &str, connected: &str, source: u32) -> Fixture {
    setup();
    token_ok();
    record_attempt(action, source);
    set_address(&format!(
        "?keep=1&dataSource={source}&connected={connected}"
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
    assert!(screen.navigations()[0].url().contains("dataSource=11"));
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
    for query in [
        "?connected=true&dataSource=1",
        "?connected=true&dataSource=1&dataSource=2",
        "?connected=%00&dataSource=%F0%9F%92%A5",
        "?connected&dataSource",
    ] {
        setup();
        token_ok();
        set_address(query);
        let screen = Fixture::new(&[]);
        ready(&screen).await;
        wait_ms(50).await;
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
    set_address("?dataSource=1&connected=true");
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    wait_ms(50).await;
    assert_eq!(screen.text_of_role("status"), "");
    assert_eq!(screen.state(1).as_deref(), Some("unknown"));
}

// ----- status endpoint, configuration, language, events -----

#[wasm_bindgen_test]
async fn the_status_endpoint_decides_the_state() {
    setup();
    token_ok();
    stub_route(STATUS_PATH, 200, vec![r#"{"connected":[1,11]}"#.into()]);
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH)]);
    until("Fitbit connected", || {
        screen.state(1).as_deref() == Some("connected")
    })
    .await;
    assert_eq!(screen.state(11).as_deref(), Some("connected"));
    assert_eq!(screen.state(2).as_deref(), Some("not-connected"));
    assert!(
        screen.button("Disconnect Fitbit").is_some() && screen.button("Connect Fitbit").is_none()
    );
    assert!(
        screen.button("Connect Garmin").is_some() && screen.button("Disconnect Garmin").is_none()
    );
    assert!(screen.text().contains("2 sources connected"));
}

#[wasm_bindgen_test]
async fn invalid_settings_show_a_configuration_error() {
    setup();
    token_ok();
    let screen = Fixture::new(&[
        ("data-open", "popup"),
        ("data-redirect-uri", "https://elsewhere.example/"),
    ]);
    until("the configuration error", || {
        screen.by_role("alert").is_some()
    })
    .await;
    let text = screen.text_of_role("alert");
    assert!(text.contains("not set up correctly"));
    assert!(
        text.contains("data-open") && text.contains("data-redirect-uri"),
        "{text}"
    );
    assert!(screen.all("button").is_empty());
    assert!(
        requests_to(TOKEN_PATH).is_empty(),
        "no session for a broken screen"
    );
}

#[wasm_bindgen_test]
async fn german_screen_and_locale_sent_to_the_token_endpoint() {
    setup();
    token_ok();
    let screen = Fixture::new(&[("data-locale", "de")]);
    until("German buttons", || {
        screen
            .button("Fitbit verbinden")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    assert!(screen.text().contains("Datenquellen verbinden"));
    let sent = requests_to(TOKEN_PATH);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].body.as_deref(), Some(r#"{"locale":"de"}"#));
}

const EVENT_NAMES: [&str; 5] = ["session-ready", "connect", "disconnect", "result", "error"];

/// Listens where a host would: on the document, relying on bubbling from the mount element.
/// Records `(type, JSON detail)`; stops listening when dropped.
struct EventLog {
    seen: Rc<RefCell<Vec<(String, String)>>>,
    listener: Closure<dyn Fn(web_sys::CustomEvent)>,
}

impl EventLog {
    fn start() -> EventLog {
        let seen: Rc<RefCell<Vec<(String, String)>>> = Rc::default();
        let record = Rc::clone(&seen);
        let listener =
            Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
                let detail = js_sys::JSON::stringify(&event.detail())
                    .ok()
                    .and_then(|d| d.as_string())
                    .unwrap_or_default();
                record.borrow_mut().push((event.type_(), detail));
            });
        for name in EVENT_NAMES {
            document()
                .add_event_listener_with_callback(
                    &format!("thryve-connect:{name}"),
                    listener.as_ref().unchecked_ref(),
                )
                .unwrap();
        }
        EventLog { seen, listener }
    }

    /// The detail of the first event of this type.
    fn first(&self, name: &str) -> Option<String> {
        let name = format!("thryve-connect:{name}");
        self.seen
            .borrow()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| d.clone())
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        for name in EVENT_NAMES {
            let _ = document().remove_event_listener_with_callback(
                &format!("thryve-connect:{name}"),
                self.listener.as_ref().unchecked_ref(),
            );
        }
    }
}

#[wasm_bindgen_test]
async fn events_reach_the_host_page() {
    setup();
    token_ok();
    stub_route("dataSourceDirectRevoke.html", 200, vec!["ok".into()]);
    let events = EventLog::start();
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Connect Fitbit").await;
    // The connect above is "leaving"; a real page would be gone. Let the row reset for the test.
    drop(screen);
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    screen.click("Disconnect Garmin").await;
    screen.click("Yes, disconnect Garmin").await;
    until("a result event", || events.first("result").is_some()).await;

    assert_eq!(
        events.first("session-ready").as_deref(),
        Some(r#"{"locale":"en"}"#)
    );
    let connect = events.first("connect").unwrap();
    assert!(
        connect.contains(r#""source":1"#) && connect.contains(r#""mode":"same-tab""#),
        "{connect}"
    );
    let disconnect = events.first("disconnect").unwrap();
    assert!(
        disconnect.contains(r#""sourceName":"Garmin""#)
            && disconnect.contains(r#""mode":"background""#)
    );
    let result = events.first("result").unwrap();
    assert!(
        result.contains(r#""action":"disconnect""#)
            && result.contains(r#""outcome":"success""#)
            && result.contains(r#""connected":false"#),
        "{result}"
    );
}

#[wasm_bindgen_test]
async fn session_errors_are_reported_as_events() {
    setup();
    stub_route(TOKEN_PATH, 503, vec!["down".into()]);
    let events = EventLog::start();
    let _screen = Fixture::new(&[]);
    until("an error event", || events.first("error").is_some()).await;
    let detail = events.first("error").unwrap();
    assert!(
        detail.contains(r#""context":"session""#) && detail.contains(r#""kind":"http-status""#),
        "{detail}"
    );
    assert!(detail.contains("503"));
}
