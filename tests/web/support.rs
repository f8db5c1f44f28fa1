//! What every browser test shares: the fetch stub (tests/support/fetch_stub.js), a mounted
//! screen ([`Fixture`]) with finders by role, accessible name and text, the page's address and
//! storage, and waiting: [`tick`] lets the reactive system run once, [`until`] waits for a state.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use thryve_connect::protocol::endpoint::SESSION_PATH;
use thryve_connect::protocol::thryve::{
    REVOKE_PAGE, SESSION_TOKEN_PARAM, SOURCE_PARAM, TOKEN_PARAM,
};
use thryve_connect::testing::{intercept_navigation, stop_intercepting, Navigation};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

// The module path is taken from the crate root.
#[wasm_bindgen(module = "/tests/support/fetch_stub.js")]
extern "C" {
    /// Forgets every route, recorded request and deferred answer.
    pub fn stub_reset();
    /// Answers requests whose URL contains `path` with `status` and the bodies in turn (the last
    /// one repeats).
    pub fn stub_route(path: &str, status: u16, bodies: Vec<JsValue>);
    /// Requests to `path` never answer (until aborted).
    pub fn stub_hang(path: &str);
    /// Requests to `path` wait for [`stub_release`].
    pub fn stub_defer(path: &str);
    /// Answers the deferred request to `path`, and later ones the same way.
    pub fn stub_release(path: &str, status: u16, body: &str);
    /// Requests to `path` fail as a network error does.
    pub fn stub_fail(path: &str);
    fn stub_requests() -> JsValue;
    fn sleep(ms: u32) -> js_sys::Promise;
}

/// The connection session token inside [`WIDGET_ANSWER`].
pub const TOKEN: &str = "1060285265X4247109939067552841";
/// Thryve's widget answer as the token endpoint passes it through, verbatim: a fixture written
/// out by hand rather than built by the code under test.
pub const WIDGET_ANSWER: &str = r#"{"type":"enduser.widget.connection","data":{"url":"https://connect.thryve.de/?connectionSessionToken=1060285265X4247109939067552841&platform=web&lang=en"}}"#;

/// The short answer of a token endpoint: `{"connectionSessionToken":"<token>"}`.
pub fn short_answer(token: &str) -> String {
    format!(r#"{{"{SESSION_TOKEN_PARAM}":"{token}"}}"#)
}

/// The direct URL the screen must build for [`TOKEN`]: `<base><page>?token=…&dataSource=…`;
/// a test appends what else belongs to it (`&direct=true`, `&redirect_uri=…`).
pub fn thryve_url(base: &str, page: &str, source: u32) -> String {
    format!("{base}{page}?{TOKEN_PARAM}={TOKEN}&{SOURCE_PARAM}={source}")
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub fn session_storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

pub fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

// ----- the fetch stub -----

/// A recorded request of the fetch stub.
#[derive(Debug, Clone)]
pub struct Seen {
    pub url: String,
    pub method: String,
    pub body: Option<String>,
    pub mode: String,
    /// Whether the page aborted it.
    pub aborted: bool,
    /// Its credentials mode (`same-origin`, `include`, `omit`).
    pub credentials: String,
    /// Its `Authorization` header.
    pub authorization: Option<String>,
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
                aborted: js_sys::Reflect::get(&r, &"aborted".into())
                    .unwrap()
                    .is_truthy(),
                credentials: get("credentials").unwrap_or_default(),
                authorization: get("authorization"),
            }
        })
        .collect()
}

/// The recorded requests whose URL contains `path`. Only stubbed paths are recorded: a test
/// that checks a request is *not* sent must stub its path first.
pub fn requests_to(path: &str) -> Vec<Seen> {
    requests()
        .into_iter()
        .filter(|r| r.url.contains(path))
        .collect()
}

/// The token endpoint answers Thryve's widget answer.
pub fn token_ok() {
    stub_route(SESSION_PATH, 200, vec![WIDGET_ANSWER.into()]);
}

/// The token endpoint answers with a session for a signed-in user: the widget answer plus the
/// opaque `"user"` key.
pub fn token_ok_for(user: &str) {
    stub_route(SESSION_PATH, 200, vec![answer_for(user).into()]);
}

/// [`WIDGET_ANSWER`] with the token endpoint's `"user"` key.
pub fn answer_for(user: &str) -> String {
    format!(r#"{{"user":"{user}",{}"#, &WIDGET_ANSWER[1..])
}

/// Thryve's revoke page answers (a background disconnect succeeds).
pub fn revoke_ok() {
    stub_route(REVOKE_PAGE, 200, vec!["ok".into()]);
}

// ----- the page -----

fn clear_storage() {
    session_storage().clear().unwrap();
    local_storage().clear().unwrap();
}

/// Replaces the page's query (`""` or `"?…"`), keeping its path.
pub fn set_address(query: &str) {
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{query}")))
        .unwrap();
}

/// The page's query.
pub fn search() -> String {
    web_sys::window().unwrap().location().search().unwrap()
}

/// A clean start: no routes or recorded requests, empty storage, no query.
pub fn setup() {
    stub_reset();
    clear_storage();
    set_address("");
}

// ----- the screen -----

/// A mounted screen in a fresh element; unmounted and removed when dropped.
pub struct Fixture {
    pub element: HtmlElement,
    mounted: Option<thryve_connect::Mounted>,
    /// The screen when mounted as the loader does it ([`Fixture::element`]).
    pub handle: Option<thryve_connect::MountHandle>,
    /// The settings' functions given to the handle (`getSession`, `getStatus`).
    callbacks: JsValue,
    navigations: Rc<RefCell<Vec<Navigation>>>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.mounted.take();
        if let Some(mut handle) = self.handle.take() {
            handle.unmount();
        }
        self.element.remove();
        stop_intercepting();
    }
}

impl Fixture {
    pub fn new(attributes: &[(&str, &str)]) -> Fixture {
        Self::with_json(attributes, None)
    }

    pub fn with_json(attributes: &[(&str, &str)], json: Option<&str>) -> Fixture {
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
        intercept_navigation(move |nav| seen.borrow_mut().push(nav.clone()));
        let mounted = thryve_connect::mount(element.clone());
        Fixture {
            element,
            mounted: Some(mounted),
            handle: None,
            callbacks: JsValue::UNDEFINED,
            navigations,
        }
    }

    /// A `<thryve-connect>` element (with `id` when given) in the page, mounted as the loader
    /// mounts it, with the settings object `object` (JSON).
    pub fn element(id: Option<&str>, object: Option<&str>) -> Fixture {
        Self::element_with(id, object, JsValue::UNDEFINED)
    }

    /// [`Fixture::element`] with the settings' functions (`{getSession, getStatus}`).
    pub fn element_with(id: Option<&str>, object: Option<&str>, callbacks: JsValue) -> Fixture {
        let element: HtmlElement = document()
            .create_element("thryve-connect")
            .unwrap()
            .unchecked_into();
        if let Some(id) = id {
            element.set_id(id);
        }
        document().body().unwrap().append_child(&element).unwrap();
        let navigations = Rc::new(RefCell::new(Vec::new()));
        let seen = Rc::clone(&navigations);
        intercept_navigation(move |nav| seen.borrow_mut().push(nav.clone()));
        let handle = thryve_connect::mount_element(
            element.clone(),
            object.map(str::to_owned),
            callbacks.clone(),
        );
        Fixture {
            element,
            mounted: None,
            handle: Some(handle),
            callbacks,
            navigations,
        }
    }

    /// Applies new settings as the loader's `update()` does.
    pub fn update(&mut self, object: Option<&str>) {
        if let Some(handle) = self.handle.as_mut() {
            handle.update(object.map(str::to_owned), self.callbacks.clone());
        }
    }

    pub fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.element.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect()
    }

    /// A button by its accessible name: `aria-label`, else its text.
    pub fn button(&self, name: &str) -> Option<HtmlElement> {
        self.all("button")
            .into_iter()
            .find(|b| accessible_name(b) == name)
            .map(|b| b.unchecked_into())
    }

    pub fn button_names(&self) -> Vec<String> {
        self.all("button").iter().map(accessible_name).collect()
    }

    pub fn by_role(&self, role: &str) -> Option<Element> {
        self.all(&format!(r#"[role="{role}"]"#)).into_iter().next()
    }

    pub fn text_of_role(&self, role: &str) -> String {
        self.by_role(role)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    pub fn row(&self, id: u32) -> Element {
        self.element
            .query_selector(&format!(r#"[data-testid="source-{id}"]"#))
            .unwrap()
            .unwrap_or_else(|| panic!("no row for source {id}"))
    }

    /// A row's `data-state`.
    pub fn state(&self, id: u32) -> Option<String> {
        self.row(id).get_attribute("data-state")
    }

    /// The result message: its `data-state` and text.
    pub fn status(&self) -> (Option<String>, String) {
        let status = self.by_role("status");
        (
            status.as_ref().and_then(|s| s.get_attribute("data-state")),
            status.and_then(|s| s.text_content()).unwrap_or_default(),
        )
    }

    pub fn text(&self) -> String {
        self.element.text_content().unwrap_or_default()
    }

    /// Where the screen sent this window or opened a tab, in order.
    pub fn navigations(&self) -> Vec<Navigation> {
        self.navigations.borrow().clone()
    }

    /// Clicks an enabled button by accessible name, then lets the reactive system run once.
    pub async fn click(&self, name: &str) {
        let button = self
            .button(name)
            .unwrap_or_else(|| panic!("no button {name:?}; buttons: {:?}", self.button_names()));
        assert!(!button.has_attribute("disabled"), "{name:?} is disabled");
        button.click();
        tick().await;
    }
}

pub fn accessible_name(element: &Element) -> String {
    element
        .get_attribute("aria-label")
        .unwrap_or_else(|| element.text_content().unwrap_or_default())
        .trim()
        .to_owned()
}

// ----- waiting -----

/// How often [`until`] looks.
const POLL_MS: u32 = 10;
/// How long [`until`] waits at most: generous, so a slow machine only makes a test slower.
const DEADLINE_MS: f64 = 5_000.0;

/// Lets the reactive system run once (a macrotask: effects and microtasks before it have run).
pub async fn tick() {
    wait_ms(0).await;
}

/// A fixed wait. Only for proving that something does *not* happen within `ms`; to wait for
/// something to happen, use [`until`].
pub async fn wait_ms(ms: u32) {
    wasm_bindgen_futures::JsFuture::from(sleep(ms))
        .await
        .unwrap();
}

/// Polls until `condition` holds; panics naming `what` if it still does not after 5 s.
pub async fn until(what: &str, condition: impl Fn() -> bool) {
    let deadline = js_sys::Date::now() + DEADLINE_MS;
    while !condition() {
        if js_sys::Date::now() > deadline {
            panic!("timed out after {DEADLINE_MS} ms waiting until {what}");
        }
        wait_ms(POLL_MS).await;
    }
}

/// Waits until the Connect buttons are enabled: the list is shown and a session is in hand.
pub async fn ready(fixture: &Fixture) {
    until("the Connect buttons are enabled", || {
        fixture
            .button("Connect Fitbit")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
}

/// Counts the events named `names` on `element` (keep the closure alive while counting).
pub fn count_events(element: &HtmlElement, names: &[&str]) -> (Rc<Cell<u32>>, Closure<dyn Fn()>) {
    let count = Rc::new(Cell::new(0));
    let seen = Rc::clone(&count);
    let listener = Closure::<dyn Fn()>::new(move || seen.set(seen.get() + 1));
    for name in names {
        element
            .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
            .unwrap();
    }
    (count, listener)
}
