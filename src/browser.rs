//! Every effect this screen has on the browser outside its own elements: leaving the page,
//! opening tabs, storage, the address bar, events to the host page, page-level events, timers,
//! time and randomness.
//!
//! One small seam, so the rest of the code stays pure and tests can watch what would happen:
//! [`intercept_navigation`] records navigations instead of performing them.
//! Nothing here panics: a browser that refuses (storage disabled, a sandboxed frame) gets a
//! fallback or a no-op.

use leptos::ev;
use leptos::prelude::{
    request_animation_frame, set_interval_with_handle, set_timeout_with_handle,
    window_event_listener, IntervalHandle, TimeoutHandle, WindowListenerHandle,
};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use thryve_connect_protocol::address::Url;
use wasm_bindgen::{JsCast, JsValue};

/// Where a URL is opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Navigation {
    /// This window leaves for the URL.
    SameWindow(String),
    /// The top window leaves for the URL (this page runs inside a frame).
    TopWindow(String),
    /// A new tab opens the URL.
    NewTab(String),
}

impl Navigation {
    /// The URL opened.
    pub fn url(&self) -> &str {
        match self {
            Navigation::SameWindow(url) | Navigation::TopWindow(url) | Navigation::NewTab(url) => {
                url
            }
        }
    }
}

type Interceptor = Rc<dyn Fn(&Navigation)>;

thread_local! {
    static INTERCEPTOR: RefCell<Option<Interceptor>> = const { RefCell::new(None) };
}

/// From now on, navigations go to `observer` instead of happening (for tests and demos).
pub fn intercept_navigation(observer: impl Fn(&Navigation) + 'static) {
    INTERCEPTOR.with(|slot| *slot.borrow_mut() = Some(Rc::new(observer)));
}

/// Navigations happen for real again.
pub fn stop_intercepting() {
    INTERCEPTOR.with(|slot| slot.borrow_mut().take());
}

fn intercepted(navigation: Navigation) -> Option<Navigation> {
    match INTERCEPTOR.with(|slot| slot.borrow().clone()) {
        Some(observer) => {
            observer(&navigation);
            None
        }
        None => Some(navigation),
    }
}

/// The page's window, where there is one: none outside the browser (a server render), so that
/// every effect below is a no-op there.
pub fn window() -> Option<web_sys::Window> {
    #[cfg(target_arch = "wasm32")]
    return web_sys::window();
    #[cfg(not(target_arch = "wasm32"))]
    None
}

/// Whether this page runs inside a frame.
pub fn is_framed() -> bool {
    let Some(window) = window() else { return false };
    match window.top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &window),
        // Reading `top` failed: assume the worst (framed), so we never navigate inside a frame.
        _ => true,
    }
}

/// The browser refused: a popup blocker, or a frame not allowed to navigate the top window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused;

/// A handle on a tab this page opened.
pub struct Tab(web_sys::Window);

impl Tab {
    /// Sends the tab to `url` (a tab opened blank while a fresh token was fetched).
    pub fn go(&self, url: &str) -> bool {
        if intercepted(Navigation::NewTab(url.to_owned())).is_none() {
            return true;
        }
        self.0.location().set_href(url).is_ok()
    }

    /// Closes the tab (one opened blank whose URL never came).
    pub fn close(&self) {
        let _ = self.0.close();
    }

    /// Whether the user closed it (also true once a vendor page cuts the link with
    /// Cross-Origin-Opener-Policy; a refresh then is early, not wrong).
    pub fn is_closed(&self) -> bool {
        self.0.closed().unwrap_or(true)
    }
}

/// Opens a new tab. Must run inside the click handler, before any `await`, or popup blockers
/// stop it.
///
/// The new tab gets no handle on this page (`opener` is cleared), but this page keeps one on it.
pub fn open_tab(url: &str) -> Result<Option<Tab>, Refused> {
    let Some(navigation) = intercepted(Navigation::NewTab(url.to_owned())) else {
        return Ok(None);
    };
    let window = window().ok_or(Refused)?;
    match window.open_with_url_and_target(navigation.url(), "_blank") {
        Ok(Some(tab)) => {
            let _ = js_sys::Reflect::set(&tab, &JsValue::from_str("opener"), &JsValue::NULL);
            Ok(Some(Tab(tab)))
        }
        _ => Err(Refused),
    }
}

/// Leaves for `url` in this window, or in the top window when this page is framed (vendor logins
/// refuse to run in frames). `Err` when neither is allowed (a sandboxed frame): open a tab
/// instead.
pub fn leave_for(url: &str) -> Result<(), Refused> {
    let framed = is_framed();
    let navigation = if framed {
        Navigation::TopWindow(url.to_owned())
    } else {
        Navigation::SameWindow(url.to_owned())
    };
    let Some(navigation) = intercepted(navigation) else {
        return Ok(());
    };
    let window = window().ok_or(Refused)?;
    if framed {
        let top = window.top().ok().flatten().ok_or(Refused)?;
        top.location()
            .set_href(navigation.url())
            .map_err(|_| Refused)
    } else {
        window
            .location()
            .assign(navigation.url())
            .map_err(|_| Refused)
    }
}

/// The page's address now.
pub fn current_url() -> Option<Url> {
    let href = window()?.location().href().ok()?;
    Url::parse(&href).ok()
}

/// Replaces the address in the address bar without reloading or adding a history entry.
pub fn replace_address(url: &Url) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let state = history.state().unwrap_or(JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(url.as_str()));
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Date::now();
    #[cfg(not(target_arch = "wasm32"))]
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

/// 128 random bits as hex, from the browser's cryptographic generator where there is one.
pub fn nonce() -> String {
    let mut bytes = [0u8; 16];
    let filled = window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which storage a value lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// This tab only, survives navigating away and back.
    Session,
    /// Every tab of this origin, survives closing the browser.
    Local,
}

fn storage(store: Store) -> Option<web_sys::Storage> {
    let window = window()?;
    match store {
        Store::Session => window.session_storage().ok().flatten(),
        Store::Local => window.local_storage().ok().flatten(),
    }
}

/// The stored value under `key`; `None` when there is none or storage is unavailable.
pub fn load(store: Store, key: &str) -> Option<String> {
    storage(store)?.get_item(key).ok().flatten()
}

/// Stores `value` under `key` (a no-op when storage is unavailable or full).
pub fn save(store: Store, key: &str, value: &str) {
    if let Some(storage) = storage(store) {
        let _ = storage.set_item(key, value);
    }
}

/// Removes `key`.
pub fn remove(store: Store, key: &str) {
    if let Some(storage) = storage(store) {
        let _ = storage.remove_item(key);
    }
}

/// Dispatches a bubbling, composed `CustomEvent` named `name` from `target`, with `detail` (JSON
/// text) as its `detail` object.
pub fn dispatch(target: &web_sys::EventTarget, name: &str, detail: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    let detail = js_sys::JSON::parse(detail).unwrap_or(JsValue::NULL);
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}

/// The CLDR plural category of `count` in the language `code` (`Intl.PluralRules`): `one`,
/// `few`, `many`, `other`, …
#[cfg(target_arch = "wasm32")]
pub fn plural_category(code: &str, count: usize) -> String {
    let locales = js_sys::Array::of1(&JsValue::from_str(code));
    let rules = js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new());
    String::from(rules.select(count as f64))
}

/// A moment as the language `code` writes a date ("Jan 31, 2026" in English), with the time of day when
/// `with_time`, in the user's time zone (`Intl.DateTimeFormat`, medium date, short time).
#[cfg(target_arch = "wasm32")]
pub fn format_date(code: &str, ms: i64, with_time: bool) -> Option<String> {
    let locales = js_sys::Array::of1(&JsValue::from_str(code));
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into()).ok()?;
    if with_time {
        js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into()).ok()?;
    }
    let format = js_sys::Intl::DateTimeFormat::new(&locales, &options);
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    format
        .format()
        .call1(&JsValue::UNDEFINED, &date)
        .ok()?
        .as_string()
}

/// The page's language (`<html lang>`) and then the browser's, most preferred first.
pub fn preferred_languages() -> Vec<String> {
    let Some(window) = window() else {
        return Vec::new();
    };
    let page = window
        .document()
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"));
    let browser: Vec<String> = window
        .navigator()
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .collect();
    page.into_iter().chain(browser).collect()
}

/// Whether the page is visible (not a background tab).
pub fn is_visible() -> bool {
    window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// The element with this ID, as an `HtmlElement`.
pub fn element_by_id(id: &str) -> Option<web_sys::HtmlElement> {
    window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// A page-level happening the screen reacts to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageEvent {
    /// The tab became visible again.
    Visible,
    /// The window got the focus.
    Focus,
    /// The page came back from the back/forward cache (`pageshow` with `persisted`).
    Restored,
    /// Another tab changed localStorage under this key.
    StorageChanged(Option<String>),
}

/// Listens to [`PageEvent`]s until the returned handle is dropped.
#[must_use = "dropping the handle stops listening"]
pub struct PageListener(Vec<WindowListenerHandle>);

impl Drop for PageListener {
    fn drop(&mut self) {
        for handle in self.0.drain(..) {
            handle.remove();
        }
    }
}

/// Calls `handler` for each [`PageEvent`] until the returned handle is dropped.
pub fn listen_to_page(handler: impl Fn(PageEvent) + Clone + 'static) -> PageListener {
    let on_visible = handler.clone();
    let on_focus = handler.clone();
    let on_show = handler.clone();
    PageListener(vec![
        window_event_listener(ev::visibilitychange, move |_| {
            if is_visible() {
                on_visible(PageEvent::Visible);
            }
        }),
        window_event_listener(ev::focus, move |_| on_focus(PageEvent::Focus)),
        window_event_listener(ev::pageshow, move |event| {
            if event.persisted() {
                on_show(PageEvent::Restored);
            }
        }),
        window_event_listener(ev::storage, move |event| {
            handler(PageEvent::StorageChanged(event.key()));
        }),
    ])
}

/// A timer that runs once unless cancelled; dropping it does not cancel it.
pub struct Timer(TimeoutHandle);

impl Timer {
    /// Runs `f` after `ms` milliseconds. `None` when the browser refused a timer.
    pub fn after(ms: u64, f: impl FnOnce() + 'static) -> Option<Timer> {
        set_timeout_with_handle(f, Duration::from_millis(ms))
            .ok()
            .map(Timer)
    }

    /// Cancels it.
    pub fn cancel(self) {
        self.0.clear();
    }
}

/// A repeating timer; dropping it does not stop it.
pub struct Repeat(IntervalHandle);

impl Repeat {
    /// Runs `f` every `ms` milliseconds. `None` when the browser refused a timer.
    pub fn every(ms: u64, f: impl Fn() + 'static) -> Option<Repeat> {
        set_interval_with_handle(f, Duration::from_millis(ms))
            .ok()
            .map(Repeat)
    }

    /// Stops it.
    pub fn stop(self) {
        self.0.clear();
    }
}

/// Runs `f` before the next paint (after the current render).
pub fn next_frame(f: impl FnOnce() + 'static) {
    request_animation_frame(f);
}
