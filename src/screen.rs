//! The screen's state and what each user action does. Components only read this and call its
//! methods; the rules it applies live in the pure modules.

use crate::api::{self, ApiError};
use crate::browser::{self, Store, Tab};
use crate::catalogue::SourceId;
use crate::config::{Config, DisconnectMode, OpenMode};
use crate::events::{Mode, ScreenEvent};
use crate::i18n::Messages;
use crate::outcome::{self, Attempt, Outcome, Resolution};
use crate::status::{Knowledge, Remembered};
use crate::token::Session;
use crate::urls::{direct_url, Action as UserAction};
use leptos::prelude::*;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// sessionStorage: the attempt this tab started before leaving for Thryve.
pub const ATTEMPT_KEY: &str = "thryve-connect:attempt";
/// localStorage: the last state this browser saw per source (shared by every tab).
pub const STATES_KEY: &str = "thryve-connect:states";

/// The session token's state, as the user sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionView {
    Loading,
    Ready,
    Failed(ApiError),
}

/// A message above the list.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A connect or disconnect finished.
    Outcome(Outcome),
    /// New-tab mode: the vendor page is open in another tab.
    TabOpened(SourceId),
    /// The browser refused to open a tab for this action.
    PopupBlocked(UserAction, SourceId),
}

/// What a row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowState {
    Known(Knowledge),
    /// Leaving for Thryve (or opening it) for this source.
    Connecting,
    Disconnecting,
    /// Asking whether to disconnect.
    Confirming,
    /// Native source: mobile app only.
    Native,
}

impl RowState {
    /// The row's `data-state` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            RowState::Known(knowledge) => knowledge.as_str(),
            RowState::Connecting => "connecting",
            RowState::Disconnecting => "disconnecting",
            RowState::Confirming => "confirming",
            RowState::Native => "native",
        }
    }
}

/// A click that waits for a fresh token.
struct Intent {
    action: UserAction,
    source: SourceId,
    /// New-tab mode: the tab opened (blank) inside the click, so no popup blocker stops it.
    tab: Option<Tab>,
}

type SessionResult = Result<Session, ApiError>;
type StatusResult = Result<BTreeSet<SourceId>, ApiError>;

/// The screen's state. `Copy`: every field is a handle on reactive state.
///
/// The session is an `Action` rather than a `LocalResource`: it is dispatched on a schedule (on
/// load, on Retry, before the token turns old), keeps the last token while a refresh is pending,
/// and tells whether one is. Its `value` and `pending` signals are made once, here: each call of
/// `Action::value()`/`pending()` creates a new reactive node.
#[derive(Clone, Copy)]
pub struct Screen {
    config: StoredValue<Arc<Config>>,
    messages: StoredValue<Messages>,
    id: StoredValue<String>,
    session: Action<(), SessionResult>,
    session_value: MappedSignal<Option<SessionResult>>,
    session_pending: Memo<bool>,
    view: Memo<SessionView>,
    status: Action<(), StatusResult>,
    status_value: MappedSignal<Option<StatusResult>>,
    status_pending: Memo<bool>,
    remembered: RwSignal<Remembered>,
    busy: RwSignal<Option<(SourceId, UserAction)>>,
    confirming: RwSignal<Option<SourceId>>,
    notice: RwSignal<Option<Notice>>,
    pending: StoredValue<Option<Intent>, LocalStorage>,
    refresh_timer: StoredValue<Option<TimeoutHandle>>,
    tab_watch: StoredValue<Option<IntervalHandle>>,
    events: StoredValue<Option<web_sys::EventTarget>, LocalStorage>,
    on_event: Option<Callback<ScreenEvent>>,
}

static SCREENS: AtomicUsize = AtomicUsize::new(0);

/// Takes a timer handle out of its slot (nothing when the screen is gone).
fn take<T: Send + Sync + 'static>(slot: StoredValue<Option<T>>) -> Option<T> {
    slot.try_update_value(Option::take).flatten()
}

impl Screen {
    /// Creates the state, provides it as context, and starts loading: the session at once, the
    /// status when there is a status endpoint. Reads a result from the address, if any.
    pub fn new(
        config: Config,
        events: Option<web_sys::EventTarget>,
        on_event: Option<Callback<ScreenEvent>>,
    ) -> Screen {
        let config = Arc::new(config);
        let timeout = config.request_timeout_ms;
        let session: Action<(), SessionResult> = Action::new_local({
            let config = Arc::clone(&config);
            move |_: &()| {
                let config = Arc::clone(&config);
                async move { api::fetch_session(&config.token_endpoint, config.locale, timeout).await }
            }
        });
        let status: Action<(), StatusResult> = Action::new_local({
            let config = Arc::clone(&config);
            move |_: &()| {
                let endpoint = config.status_endpoint.clone();
                async move {
                    match endpoint {
                        Some(endpoint) => api::fetch_status(&endpoint, timeout).await,
                        None => Ok(BTreeSet::new()),
                    }
                }
            }
        });
        let (session_value, session_pending) = (session.value(), session.pending());
        let view = Memo::new(move |_| {
            let pending = session_pending.get();
            session_value.with(|value| match value {
                Some(Ok(_)) => SessionView::Ready,
                Some(Err(error)) if !pending => SessionView::Failed(error.clone()),
                _ => SessionView::Loading,
            })
        });
        let remembered = browser::load(Store::Local, STATES_KEY)
            .map(|text| Remembered::from_json(&text))
            .unwrap_or_default();
        let screen = Screen {
            messages: StoredValue::new(Messages::new(config.locale)),
            config: StoredValue::new(config),
            id: StoredValue::new(format!(
                "tc-{}",
                SCREENS.fetch_add(1, Ordering::Relaxed) + 1
            )),
            session,
            session_value,
            session_pending,
            view,
            status,
            status_value: status.value(),
            status_pending: status.pending(),
            remembered: RwSignal::new(remembered),
            busy: RwSignal::new(None),
            confirming: RwSignal::new(None),
            notice: RwSignal::new(None),
            pending: StoredValue::new_local(None),
            refresh_timer: StoredValue::new(None),
            tab_watch: StoredValue::new(None),
            events: StoredValue::new_local(events),
            on_event,
        };
        provide_context(screen);
        screen.session.dispatch_local(());
        screen.refresh_status();
        screen.read_return();
        screen.watch_session();
        screen.watch_status();
        screen.watch_page();
        screen
    }

    /// The screen provided by an enclosing [`crate::ConnectionProvider`] or [`crate::ConnectScreen`].
    pub fn expect() -> Screen {
        expect_context::<Screen>()
    }

    /// Whether the screen is still mounted. Work that resumes later (after a request, a frame,
    /// a timer) checks this first: touching a disposed screen would panic.
    fn alive(&self) -> bool {
        self.busy.try_get_untracked().is_some()
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

    pub fn session_view(&self) -> SessionView {
        self.view.get()
    }

    /// Whether the status endpoint failed on its last read.
    pub fn status_failed(&self) -> bool {
        self.status_value
            .with(|value| matches!(value, Some(Err(_))))
    }

    /// A source's state: the status endpoint's last answer where there is one (it is written
    /// into the remembered states), else what this browser saw last.
    pub fn knowledge(&self, source: SourceId) -> Knowledge {
        self.remembered.with(|remembered| remembered.get(source))
    }

    /// What a row shows (`web`: whether the source is a web source).
    pub fn row_state(&self, source: SourceId, web: bool) -> RowState {
        if !web {
            return RowState::Native;
        }
        if self.confirming.get() == Some(source) {
            return RowState::Confirming;
        }
        match self.busy.get() {
            Some((id, UserAction::Connect)) if id == source => RowState::Connecting,
            Some((id, UserAction::Disconnect)) if id == source => RowState::Disconnecting,
            _ => RowState::Known(self.knowledge(source)),
        }
    }

    /// Whether the buttons may be used now.
    pub fn can_act(&self) -> bool {
        self.view.with(|view| *view == SessionView::Ready) && self.busy.with(Option::is_none)
    }

    pub fn notice(&self) -> Option<Notice> {
        self.notice.get()
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

    // ----- user actions -----

    pub fn retry_session(&self) {
        self.session.dispatch_local(());
    }

    pub fn connect(&self, source: SourceId) {
        self.start(UserAction::Connect, source);
    }

    pub fn ask_disconnect(&self, source: SourceId) {
        self.notice.set(None);
        self.confirming.set(Some(source));
    }

    pub fn cancel_disconnect(&self) {
        self.confirming.set(None);
    }

    pub fn disconnect(&self, source: SourceId) {
        self.confirming.set(None);
        self.start(UserAction::Disconnect, source);
    }

    pub fn dismiss_notice(&self) {
        self.notice.set(None);
    }

    /// "Try again" on a failed outcome or a blocked tab: the same action once more (a
    /// disconnect was already confirmed).
    pub fn retry_outcome(&self) {
        match self.notice.get_untracked() {
            Some(Notice::Outcome(outcome)) => self.start(outcome.action, outcome.source),
            Some(Notice::PopupBlocked(action, source)) => self.start(action, source),
            _ => {}
        }
    }

    // ----- what actions do -----

    fn opens_tab(&self, action: UserAction) -> bool {
        self.config.with_value(|c| {
            c.open == OpenMode::NewTab
                && (action == UserAction::Connect || c.disconnect == DisconnectMode::Navigate)
        })
    }

    /// The token in hand, when it is still fresh enough to use.
    fn fresh_token(&self) -> Option<String> {
        let max_age = self.config.with_value(|c| c.token_max_age_ms);
        let now = browser::now_ms();
        self.session_value.with_untracked(|value| match value {
            Some(Ok(session)) if session.is_fresh(now, max_age) => Some(session.token.clone()),
            _ => None,
        })
    }

    /// Asks for a new session unless one is already on its way.
    fn renew_session(&self) {
        if !self.session_pending.get_untracked() {
            self.session.dispatch_local(());
        }
    }

    fn start(&self, action: UserAction, source: SourceId) {
        if self.busy.get_untracked().is_some() {
            return;
        }
        self.notice.set(None);
        if let Some(token) = self.fresh_token() {
            self.proceed(action, source, &token, None);
            return;
        }
        // The token is too old (or missing): fetch a new one, then carry on. A tab must be opened
        // now, inside the click, or popup blockers stop it; it waits blank for the URL.
        let tab = if self.opens_tab(action) {
            match browser::open_tab("about:blank") {
                Ok(tab) => tab,
                Err(browser::Refused) => return self.popup_blocked(action, source),
            }
        } else {
            None
        };
        self.busy.set(Some((source, action)));
        self.pending.set_value(Some(Intent {
            action,
            source,
            tab,
        }));
        self.renew_session();
    }

    fn proceed(&self, action: UserAction, source: SourceId, token: &str, tab: Option<Tab>) {
        let config = self.config();
        let name = self.source_name(source);
        if action == UserAction::Disconnect && config.disconnect == DisconnectMode::Background {
            return self.revoke_in_background(source, name, token);
        }
        if self.opens_tab(action) {
            let url = direct_url(&config.thryve_base, action, token, source, None);
            return self.open_in_tab(action, source, name, url.as_str(), tab);
        }
        let Some(current) = browser::current_url() else {
            return;
        };
        let redirect = config.redirect_for(&current);
        let url = direct_url(&config.thryve_base, action, token, source, Some(&redirect));
        let attempt = Attempt {
            action,
            source,
            started_at_ms: browser::now_ms(),
            nonce: browser::nonce(),
        };
        browser::save(Store::Session, ATTEMPT_KEY, &attempt.to_json());
        self.busy.set(Some((source, action)));
        self.emit(started(
            action,
            source,
            name.clone(),
            Mode::SameTab,
            Some(attempt.nonce),
        ));
        if browser::leave_for(url.as_str()).is_err() {
            // A sandboxed frame may not navigate the top window: use a tab instead.
            browser::remove(Store::Session, ATTEMPT_KEY);
            self.busy.set(None);
            let url = direct_url(&config.thryve_base, action, token, source, None);
            self.open_in_tab(action, source, name, url.as_str(), None);
        }
    }

    fn open_in_tab(
        &self,
        action: UserAction,
        source: SourceId,
        name: String,
        url: &str,
        tab: Option<Tab>,
    ) {
        self.busy.set(None);
        let opened = match tab {
            Some(tab) if tab.go(url) => Ok(Some(tab)),
            Some(_) => Err(browser::Refused),
            None => browser::open_tab(url),
        };
        match opened {
            Ok(tab) => {
                self.notice.set(Some(Notice::TabOpened(source)));
                self.emit(started(action, source, name, Mode::NewTab, None));
                if let Some(tab) = tab {
                    self.watch_tab(tab);
                }
            }
            Err(browser::Refused) => self.popup_blocked(action, source),
        }
    }

    /// Closing the vendor's tab brings the user back here: refresh then, as on focus.
    fn watch_tab(&self, tab: Tab) {
        if let Some(old) = take(self.tab_watch) {
            old.clear();
        }
        let screen = *self;
        let interval = set_interval_with_handle(
            move || {
                if tab.is_closed() {
                    if let Some(me) = take(screen.tab_watch) {
                        me.clear();
                    }
                    screen.on_return_to_tab();
                }
            },
            Duration::from_millis(500),
        )
        .ok();
        self.tab_watch.set_value(interval);
    }

    fn popup_blocked(&self, action: UserAction, source: SourceId) {
        self.busy.set(None);
        self.notice.set(Some(Notice::PopupBlocked(action, source)));
        self.emit(ScreenEvent::Error {
            context: "popup-blocked",
            kind: "popup-blocked",
            message: "the browser blocked the new tab".into(),
            source: Some(source),
        });
    }

    fn revoke_in_background(&self, source: SourceId, name: String, token: &str) {
        let config = self.config();
        let url = direct_url(
            &config.thryve_base,
            UserAction::Disconnect,
            token,
            source,
            None,
        );
        let timeout = config.request_timeout_ms;
        self.busy.set(Some((source, UserAction::Disconnect)));
        self.emit(started(
            UserAction::Disconnect,
            source,
            name,
            Mode::Background,
            None,
        ));
        let screen = *self;
        leptos::task::spawn_local(async move {
            let result = api::revoke(&url, timeout).await;
            if !screen.alive() {
                return;
            }
            screen.busy.set(None);
            if let Err(error) = &result {
                screen.emit(ScreenEvent::Error {
                    context: "disconnect",
                    kind: error.kind(),
                    message: error.to_string(),
                    source: Some(source),
                });
            }
            let success = result.is_ok();
            let outcome = Outcome {
                action: UserAction::Disconnect,
                source,
                success,
                attempt: None,
            };
            screen.finish(outcome, success);
            screen.refresh_status();
        });
    }

    /// Shows an outcome, remembers the state it leaves (when it tells it), and tells the host.
    ///
    /// Thryve's `connected` is the source's state after the attempt, success or not; a failed
    /// background disconnect (no answer) says nothing about the state.
    fn finish(&self, outcome: Outcome, tells_state: bool) {
        if tells_state {
            self.remember(outcome.source, outcome.connected_after());
        }
        self.emit(ScreenEvent::Result {
            source: outcome.source,
            source_name: self.source_name(outcome.source),
            action: outcome.action,
            success: outcome.success,
            connected: outcome.connected_after(),
            attempt: outcome.attempt.clone(),
        });
        self.notice.set(Some(Notice::Outcome(outcome)));
    }

    fn remember(&self, source: SourceId, connected: bool) {
        self.remembered.update(|r| r.set(source, connected));
        self.persist();
    }

    fn persist(&self) {
        let json = self.remembered.with_untracked(Remembered::to_json);
        browser::save(Store::Local, STATES_KEY, &json);
    }

    fn refresh_status(&self) {
        let configured = self.config.with_value(|c| c.status_endpoint.is_some());
        if configured && !self.status_pending.get_untracked() {
            self.status.dispatch_local(());
        }
    }

    /// Reads Thryve's result from the address, once, on load.
    fn read_return(&self) {
        let Some(current) = browser::current_url() else {
            return;
        };
        // Whatever the address says, the recorded attempt is used up: a load without a result
        // means the user came back another way (the back button).
        let attempt =
            browser::load(Store::Session, ATTEMPT_KEY).and_then(|t| Attempt::from_json(&t));
        browser::remove(Store::Session, ATTEMPT_KEY);
        let Some(ret) = outcome::read_return(&current) else {
            return;
        };
        if let Some(clean) = outcome::clean_address(&current) {
            browser::replace_address(&clean);
        }
        match outcome::resolve(&ret, attempt.as_ref(), browser::now_ms()) {
            Resolution::Matched(outcome)
                if self
                    .config
                    .with_value(|c| c.source(outcome.source).is_some()) =>
            {
                // After the first render, so that screen readers announce it.
                let screen = *self;
                request_animation_frame(move || {
                    if screen.alive() {
                        screen.finish(outcome, true);
                    }
                });
            }
            // Not an attempt of ours: trust nothing, show nothing; the list keeps its state.
            _ => {}
        }
    }

    /// Reacts to each new session: carries out a click that waited for it, tells the host, and
    /// schedules the next refresh so that a click rarely has to wait.
    fn watch_session(&self) {
        let screen = *self;
        Effect::new(move |_| {
            // Only the session is tracked: what follows (the host's event callback among it) runs
            // untracked, so no signal it reads can make this effect run again.
            let Some(result) = screen.session_value.get() else {
                return;
            };
            untrack(|| {
                let intent = screen.pending.try_update_value(Option::take).flatten();
                match result {
                    Ok(session) => {
                        screen.emit(ScreenEvent::SessionReady {
                            locale: screen.config.with_value(|c| c.locale),
                        });
                        screen.schedule_refresh(&session);
                        if let Some(intent) = intent {
                            screen.busy.set(None);
                            screen.proceed(
                                intent.action,
                                intent.source,
                                &session.token,
                                intent.tab,
                            );
                        }
                    }
                    Err(error) => {
                        screen.emit(ScreenEvent::Error {
                            context: "session",
                            kind: error.kind(),
                            message: error.to_string(),
                            source: None,
                        });
                        if let Some(intent) = intent {
                            if let Some(tab) = intent.tab {
                                tab.close();
                            }
                            screen.busy.set(None);
                        }
                    }
                }
            });
        });
    }

    /// The status endpoint's answer replaces what this browser remembered (when it differs).
    fn watch_status(&self) {
        let screen = *self;
        Effect::new(move |_| {
            let Some(result) = screen.status_value.get() else {
                return;
            };
            untrack(|| match result {
                Ok(connected) => {
                    let mut updated = screen.remembered.get_untracked();
                    updated.replace_with(&screen.source_ids(), &connected);
                    if updated != screen.remembered.get_untracked() {
                        screen.remembered.set(updated);
                        screen.persist();
                    }
                }
                Err(error) => screen.emit(ScreenEvent::Error {
                    context: "status",
                    kind: error.kind(),
                    message: error.to_string(),
                    source: None,
                }),
            });
        });
    }

    /// Renews the session a little before it turns old (at nine tenths of its allowed age).
    fn schedule_refresh(&self, session: &Session) {
        let max_age = self.config.with_value(|c| c.token_max_age_ms);
        let wait = session.ms_until_stale(browser::now_ms(), max_age - max_age / 10);
        if let Some(old) = take(self.refresh_timer) {
            old.clear();
        }
        let screen = *self;
        let timer = set_timeout_with_handle(
            move || {
                // A hidden tab refreshes when it becomes visible again instead.
                if screen.alive() && browser::is_visible() {
                    screen.renew_session();
                }
            },
            Duration::from_millis(wait),
        )
        .ok();
        self.refresh_timer.set_value(timer);
    }

    /// Page-level events: coming back to the tab, the back/forward cache, other tabs.
    fn watch_page(&self) {
        let screen = *self;
        let on_visible = window_event_listener_untyped("visibilitychange", move |_| {
            if browser::is_visible() {
                screen.on_return_to_tab();
            }
        });
        let on_focus = window_event_listener_untyped("focus", move |_| screen.on_return_to_tab());
        let on_show = window_event_listener_untyped("pageshow", move |event| {
            let restored = js_sys::Reflect::get(&event, &"persisted".into())
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if restored {
                // Back from Thryve through the back button: the page was frozen mid-"Opening…",
                // and the attempt it recorded will never get its answer.
                browser::remove(Store::Session, ATTEMPT_KEY);
                screen.busy.set(None);
                screen.on_return_to_tab();
            }
        });
        let on_storage = window_event_listener_untyped("storage", move |event| {
            let key = js_sys::Reflect::get(&event, &"key".into())
                .ok()
                .and_then(|k| k.as_string());
            if key.as_deref() == Some(STATES_KEY) {
                let stored = browser::load(Store::Local, STATES_KEY).unwrap_or_default();
                screen.remembered.set(Remembered::from_json(&stored));
            }
        });
        on_cleanup(move || {
            on_visible.remove();
            on_focus.remove();
            on_show.remove();
            on_storage.remove();
            if let Some(timer) = take(screen.refresh_timer) {
                timer.clear();
            }
            if let Some(interval) = take(screen.tab_watch) {
                interval.clear();
            }
        });
    }

    /// The user is back on this tab: renew an old token, re-read the status.
    fn on_return_to_tab(&self) {
        if !self.alive() {
            return;
        }
        let has_session = self
            .session_value
            .with_untracked(|value| matches!(value, Some(Ok(_))));
        if has_session && self.fresh_token().is_none() {
            self.renew_session();
        }
        self.refresh_status();
    }

    fn emit(&self, event: ScreenEvent) {
        if let Some(callback) = self.on_event {
            callback.run(event.clone());
        }
        self.events.with_value(|target| {
            if let Some(target) = target {
                browser::dispatch(target, event.name(), &event.detail());
            }
        });
    }
}

fn started(
    action: UserAction,
    source: SourceId,
    source_name: String,
    mode: Mode,
    attempt: Option<String>,
) -> ScreenEvent {
    match action {
        UserAction::Connect => ScreenEvent::ConnectStarted {
            source,
            source_name,
            mode,
            attempt,
        },
        UserAction::Disconnect => ScreenEvent::DisconnectStarted {
            source,
            source_name,
            mode,
            attempt,
        },
    }
}
