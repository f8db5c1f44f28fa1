//! The events the screen sends its host page: names, bubbling to the document, and `detail`.

use crate::support::*;
use std::cell::RefCell;
use std::rc::Rc;
use thryve_connect::events::names::{CONNECT, DISCONNECT, ERROR, PREFIX, RESULT, SESSION_READY};
use thryve_connect::protocol::endpoint::SESSION_PATH;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

const EVENT_NAMES: [&str; 5] = [SESSION_READY, CONNECT, DISCONNECT, RESULT, ERROR];

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
                .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
                .unwrap();
        }
        EventLog { seen, listener }
    }

    /// The detail of the first event of this type (one of [`EVENT_NAMES`]).
    fn first(&self, name: &str) -> Option<String> {
        assert!(name.starts_with(PREFIX), "{name} is not an event name");
        self.seen
            .borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        for name in EVENT_NAMES {
            let _ = document()
                .remove_event_listener_with_callback(name, self.listener.as_ref().unchecked_ref());
        }
    }
}

#[wasm_bindgen_test]
async fn events_reach_the_host_page() {
    setup();
    token_ok();
    revoke_ok();
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
    until("a result event", || events.first(RESULT).is_some()).await;

    assert_eq!(
        events.first(SESSION_READY).as_deref(),
        Some(r#"{"locale":"en"}"#)
    );
    let connect = events.first(CONNECT).unwrap();
    assert!(
        connect.contains(r#""source":1"#) && connect.contains(r#""mode":"same-tab""#),
        "{connect}"
    );
    let disconnect = events.first(DISCONNECT).unwrap();
    assert!(
        disconnect.contains(r#""sourceName":"Garmin""#)
            && disconnect.contains(r#""mode":"background""#)
    );
    let result = events.first(RESULT).unwrap();
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
    stub_route(SESSION_PATH, 503, vec!["down".into()]);
    let events = EventLog::start();
    let _screen = Fixture::new(&[]);
    until("an error event", || events.first(ERROR).is_some()).await;
    let detail = events.first(ERROR).unwrap();
    assert!(
        detail.contains(r#""context":"session""#) && detail.contains(r#""kind":"http-status""#),
        "{detail}"
    );
    assert!(detail.contains("503"));
}
