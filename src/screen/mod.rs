//! The screen's state, split by concern:
//!
//! - here: the [`Screen`] handle, what the views read, and events to the host;
//! - [`session`]: the connection session token (fetch, renew, "a fresh token, please");
//! - [`status`]: the status endpoint and what this browser remembers per source;
//! - [`flow`]: where the user is in an action (one state value, pure transitions);
//! - [`actions`]: what each user action does;
//! - [`page_events`]: coming back to the tab, the back/forward cache, other tabs.
//!
//! Components only read this and call its methods; the rules it applies live in the pure
//! modules, and every effect on the browser goes through [`crate::browser`].

mod actions;
pub(crate) mod flow;
mod page_events;
mod session;
mod status;

use crate::browser::{self, Repeat, Timer};
use crate::catalogue::SourceId;
use crate::config::Config;
use crate::events::ScreenEvent;
use crate::host::HostApi;
use crate::i18n::Messages;
use crate::status::Knowledge;
use flow::Flow;
pub(crate) use flow::{Notice, RowState};
use leptos::html;
use leptos::prelude::*;
pub(crate) use session::SessionCarry;
use session::SessionState;
pub(crate) use session::SessionView;
pub use status::scale_confirm_delays;
use status::StatusState;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// sessionStorage: the attempt this tab started before leaving for Thryve.
pub const ATTEMPT_KEY: &str = "thryve-connect:attempt";
/// localStorage: the last state this browser saw per source, for one user: the entry is
/// `{STATES_KEY}:{user key}` (shared by that user's tabs); without a user key nothing is kept.
pub const STATES_KEY: &str = "thryve-connect:states";

/// The screen's state. `Copy`: every field is a handle on reactive state.
#[derive(Clone, Copy)]
pub(crate) struct Screen {
    /// What no view reacts to, in one arena item.
    kept: StoredValue<Kept, LocalStorage>,
    session: SessionState,
    status: StatusState,
    flow: RwSignal<Flow>,
    on_event: Option<Callback<ScreenEvent>>,
}

/// What the screen keeps that no view reacts to: its settings and messages, the host's code,
/// and the handles of its requests, timers and listeners. One arena item for all of them: each
/// `StoredValue` of its own type is another copy of the arena's code in the wasm (13 of them
/// cost 2.4 KB of gzipped wasm). Set when the screen is made, or changed through its cells.
struct Kept {
    config: Arc<Config>,
    messages: Messages,
    /// The prefix of the screen's element IDs.
    id: String,
    /// Where DOM events are dispatched: the given target, else the screen's root element.
    events: Option<web_sys::EventTarget>,
    root: Cell<Option<NodeRef<html::Section>>>,
    /// Aborted when the screen is disposed: every request it sent is cancelled.
    requests: RefCell<Option<web_sys::AbortController>>,
    carry: Option<SessionCarry>,
    /// The host's own code in place of the endpoints, where it has some.
    host: HostApi,
    /// Watches a tab opened for Thryve.
    tab_watch: RefCell<Option<Repeat>>,
    session: session::Kept,
    status: status::Kept,
}

static SCREENS: AtomicUsize = AtomicUsize::new(0);

/// Cancels the timer kept in `slot`, if there is one (a no-op once the screen is disposed).
fn cancel_timer(screen: &Screen, slot: fn(&Kept) -> &RefCell<Option<Timer>>) {
    if let Some(timer) = screen.kept.try_with_value(|k| slot(k).take()).flatten() {
        timer.cancel();
    }
}

impl Screen {
    /// Creates the state and provides it as context. Once rendered in the browser (never in a
    /// server render, which shows the loading state) it starts: the session at once, the status
    /// when there is a status endpoint, a result from the address, if any.
    pub fn new(
        config: Config,
        events: Option<web_sys::EventTarget>,
        on_event: Option<Callback<ScreenEvent>>,
        host: HostApi,
    ) -> Screen {
        let kept = Kept {
            messages: Messages::with_texts(config.locale, &config.texts),
            config: Arc::new(config),
            id: format!("tc-{}", SCREENS.fetch_add(1, Ordering::Relaxed) + 1),
            events,
            root: Cell::new(None),
            requests: RefCell::new(None),
            carry: use_context::<SessionCarry>(),
            host,
            tab_watch: RefCell::new(None),
            session: session::Kept::default(),
            status: status::Kept::default(),
        };
        let screen = Screen {
            kept: StoredValue::new_local(kept),
            session: SessionState::new(),
            status: StatusState::new(),
            flow: RwSignal::new(Flow::default()),
            on_event,
        };
        provide_context(screen);
        Effect::new(move |_| untrack(|| screen.begin()));
        screen
    }

    /// The browser work, once the screen is rendered.
    fn begin(&self) {
        self.kept
            .with_value(|k| k.requests.replace(web_sys::AbortController::new().ok()));
        self.forget_shared_states();
        if !self.take_carried_session() {
            self.renew_session();
        }
        self.refresh_status();
        self.read_return();
        self.watch_page();
    }

    /// Cancels what the screen still has on its way (requests, timers, listeners are stopped by
    /// their own cleanups).
    fn cancel_requests(&self) {
        if let Some(Some(controller)) = self.kept.try_with_value(|k| k.requests.borrow().clone()) {
            controller.abort();
        }
    }

    /// The signal every request of this screen listens to.
    fn requests_signal(&self) -> Option<web_sys::AbortSignal> {
        self.kept
            .try_with_value(|k| {
                k.requests
                    .borrow()
                    .as_ref()
                    .map(web_sys::AbortController::signal)
            })
            .flatten()
    }

    /// The screen provided by an enclosing [`crate::ConnectionProvider`] or [`crate::ConnectScreen`].
    pub fn expect() -> Screen {
        expect_context::<Screen>()
    }

    /// Whether the screen is still mounted. Work that resumes later (after a request, a frame,
    /// a timer) checks this first: touching a disposed screen would panic.
    fn alive(&self) -> bool {
        self.flow.try_with_untracked(|_| ()).is_some()
    }

    pub fn config(&self) -> Arc<Config> {
        self.kept.with_value(|k| k.config.clone())
    }

    /// Reads the settings without a copy of their handle.
    fn with_config<R>(&self, f: impl FnOnce(&Config) -> R) -> R {
        self.kept.with_value(|k| f(&k.config))
    }

    pub fn messages(&self) -> Messages {
        self.kept.with_value(|k| k.messages.clone())
    }

    /// A prefix for element IDs, unique per screen on the page.
    pub fn id(&self, suffix: &str) -> String {
        self.kept.with_value(|k| format!("{}-{suffix}", k.id))
    }

    /// Sends events from this element when none was given (the mount element wins). Read when
    /// an event is sent (a `NodeRef::on_load` would be another effect's code in the wasm).
    pub fn events_from(&self, root: NodeRef<html::Section>) {
        self.kept.with_value(|k| k.root.set(Some(root)));
    }

    fn source_ids(&self) -> Vec<SourceId> {
        self.with_config(|c| c.sources.iter().map(|s| s.id).collect())
    }

    // ----- reading -----

    /// What a row shows (`web`: whether the source is a web source).
    pub fn row_state(&self, source: SourceId, web: bool) -> RowState {
        let knowledge = self.knowledge(source);
        self.flow
            .with(|flow| flow.row_state(source, web, knowledge))
    }

    /// Whether the buttons may be used now.
    pub fn can_act(&self) -> bool {
        self.session_view() == SessionView::Ready && !self.flow.with(Flow::is_busy)
    }

    pub fn notice(&self) -> Option<Notice> {
        self.flow.with(|flow| flow.notice.clone())
    }

    /// How many shown sources are known to be connected.
    pub fn connected_count(&self) -> usize {
        self.source_ids()
            .into_iter()
            .filter(|id| self.knowledge(*id) == Knowledge::Connected)
            .count()
    }

    pub fn source_name(&self, source: SourceId) -> String {
        self.with_config(|c| {
            c.source(source)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| source.to_string())
        })
    }

    fn emit(&self, event: ScreenEvent) {
        // A removed screen tells nothing more.
        if !self.alive() {
            return;
        }
        if let Some(callback) = self.on_event {
            callback.run(event.clone());
        }
        // Out of the cell first: a listener may act on the screen.
        let target = self.kept.with_value(|k| {
            k.events.clone().or_else(|| {
                let root = k.root.get()?.get_untracked()?;
                Some(root.into())
            })
        });
        if let Some(target) = target {
            browser::dispatch(&target, event.name(), &event.detail_json());
        }
    }
}
