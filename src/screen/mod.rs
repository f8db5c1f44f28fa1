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
    /// The settings, messages and ID prefix: what the views read (on the server too).
    fixed: StoredValue<Fixed>,
    /// The browser's handles, in one arena item; none in a server render, which never uses
    /// them (and may end on another thread than the one that made the screen, where dropping
    /// thread-bound storage would panic).
    kept: Option<StoredValue<Kept, LocalStorage>>,
    session: SessionState,
    status: StatusState,
    flow: RwSignal<Flow>,
    on_event: Option<Callback<ScreenEvent>>,
}

/// What the screen is made with and never changes. Thread-safe storage: a server render reads
/// it, and may do so on another thread than the one that made the screen.
struct Fixed {
    config: Arc<Config>,
    messages: Messages,
    /// The prefix of the screen's element IDs.
    id: String,
}

/// What the screen keeps in the browser that no view reacts to: the host's code and the handles
/// of its requests, timers and listeners (not thread-safe: only the browser touches them). With
/// [`Fixed`], two arena items where there were 13: each `StoredValue` of its own type is
/// another copy of the arena's code in the wasm (the two are about 2 KB less gzipped wasm than
/// the 13 were). Changed through its cells.
struct Kept {
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
    if let Some(timer) = screen.browser(|k| slot(k).take()).flatten() {
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
        let fixed = Fixed {
            messages: Messages::with_texts(config.locale, &config.texts),
            config: Arc::new(config),
            id: format!("tc-{}", SCREENS.fetch_add(1, Ordering::Relaxed) + 1),
        };
        // Made only in the browser: a server render never uses it.
        let kept = cfg!(target_arch = "wasm32").then(|| {
            StoredValue::new_local(Kept {
                events,
                root: Cell::new(None),
                requests: RefCell::new(None),
                carry: use_context::<SessionCarry>(),
                host,
                tab_watch: RefCell::new(None),
                session: session::Kept::default(),
                status: status::Kept::default(),
            })
        });
        let screen = Screen {
            fixed: StoredValue::new(fixed),
            kept,
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
        self.browser(|k| k.requests.replace(web_sys::AbortController::new().ok()));
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
        if let Some(Some(controller)) = self.browser(|k| k.requests.borrow().clone()) {
            controller.abort();
        }
    }

    /// The signal every request of this screen listens to.
    fn requests_signal(&self) -> Option<web_sys::AbortSignal> {
        self.browser(|k| {
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

    /// Reads the browser's handles: `None` in a server render, which has none, and once the
    /// screen is disposed.
    fn browser<R>(&self, f: impl FnOnce(&Kept) -> R) -> Option<R> {
        self.kept?.try_with_value(f)
    }

    pub fn config(&self) -> Arc<Config> {
        self.fixed.with_value(|f| f.config.clone())
    }

    /// Reads the settings without a copy of their handle.
    fn with_config<R>(&self, f: impl FnOnce(&Config) -> R) -> R {
        self.fixed.with_value(|fixed| f(&fixed.config))
    }

    pub fn messages(&self) -> Messages {
        self.fixed.with_value(|f| f.messages.clone())
    }

    /// A prefix for element IDs, unique per screen on the page.
    pub fn id(&self, suffix: &str) -> String {
        self.fixed.with_value(|f| format!("{}-{suffix}", f.id))
    }

    /// Sends events from this element when none was given (the mount element wins). Read when
    /// an event is sent (a `NodeRef::on_load` would be another effect's code in the wasm).
    pub fn events_from(&self, root: NodeRef<html::Section>) {
        self.browser(|k| k.root.set(Some(root)));
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
        let target = self
            .browser(|k| {
                k.events.clone().or_else(|| {
                    let root = k.root.get()?.get_untracked()?;
                    Some(root.into())
                })
            })
            .flatten();
        if let Some(target) = target {
            browser::dispatch(&target, event.name(), &event.detail_json());
        }
    }
}
