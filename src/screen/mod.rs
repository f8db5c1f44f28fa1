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
use leptos::prelude::*;
pub(crate) use session::SessionCarry;
use session::SessionState;
pub(crate) use session::SessionView;
pub use status::scale_confirm_delays;
use status::StatusState;
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
    config: StoredValue<Arc<Config>>,
    messages: StoredValue<Messages>,
    id: StoredValue<String>,
    session: SessionState,
    status: StatusState,
    flow: RwSignal<Flow>,
    tab_watch: StoredValue<Option<Repeat>>,
    events: StoredValue<Option<web_sys::EventTarget>, LocalStorage>,
    on_event: Option<Callback<ScreenEvent>>,
    /// Aborted when the screen is disposed: every request it sent is cancelled.
    requests: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    carry: StoredValue<Option<SessionCarry>>,
    /// The host's own code in place of the endpoints, where it has some.
    host: StoredValue<HostApi, LocalStorage>,
}

static SCREENS: AtomicUsize = AtomicUsize::new(0);

/// Cancels the timer kept in `slot`, if there is one (a no-op once the screen is disposed).
fn cancel_timer(slot: StoredValue<Option<Timer>>) {
    if let Some(timer) = slot.try_update_value(Option::take).flatten() {
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
        let screen = Screen {
            messages: StoredValue::new(Messages::with_texts(config.locale, &config.texts)),
            config: StoredValue::new(Arc::new(config)),
            id: StoredValue::new(format!(
                "tc-{}",
                SCREENS.fetch_add(1, Ordering::Relaxed) + 1
            )),
            session: SessionState::new(),
            status: StatusState::new(),
            flow: RwSignal::new(Flow::default()),
            tab_watch: StoredValue::new(None),
            events: StoredValue::new_local(events),
            on_event,
            requests: StoredValue::new_local(None),
            carry: StoredValue::new(use_context::<SessionCarry>()),
            host: StoredValue::new_local(host),
        };
        provide_context(screen);
        Effect::new(move |_| untrack(|| screen.begin()));
        screen
    }

    /// The browser work, once the screen is rendered.
    fn begin(&self) {
        self.requests
            .set_value(web_sys::AbortController::new().ok());
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
        if let Some(Some(controller)) = self.requests.try_get_value() {
            controller.abort();
        }
    }

    /// The signal every request of this screen listens to.
    fn requests_signal(&self) -> Option<web_sys::AbortSignal> {
        self.requests
            .try_with_value(|c| c.as_ref().map(web_sys::AbortController::signal))
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
        self.config.get_value()
    }

    pub fn messages(&self) -> Messages {
        self.messages.get_value()
    }

    /// A prefix for element IDs, unique per screen on the page.
    pub fn id(&self, suffix: &str) -> String {
        self.id.with_value(|id| format!("{id}-{suffix}"))
    }

    /// Sends events from this element when none was given (the mount element wins).
    pub fn attach_events(&self, target: web_sys::EventTarget) {
        self.events.update_value(|events| {
            events.get_or_insert(target);
        });
    }

    fn source_ids(&self) -> Vec<SourceId> {
        self.config
            .with_value(|c| c.sources.iter().map(|s| s.id).collect())
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
        self.config.with_value(|c| {
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
        self.events.with_value(|target| {
            if let Some(target) = target {
                browser::dispatch(target, event.name(), &event.detail_json());
            }
        });
    }
}
