//! What the screen believes about each source: the status endpoint's answers where there is one,
//! else what this browser remembered for the signed-in user.
//!
//! Remembered states live in localStorage under the user key the token endpoint sends (shared by
//! that user's tabs); another user's states are never read. Without a key nothing is kept
//! beyond this page.

use super::{Screen, SessionView, STATES_KEY};
use crate::api::{self, ApiError};
use crate::browser::Timer;
use crate::browser::{self, Store};
use crate::catalogue::SourceId;
use crate::confirm::Confirming;
use crate::events::{ErrorContext, Failure, ScreenEvent};
use crate::status::{Knowledge, Offers, Remembered};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use thryve_connect_protocol::endpoint::{Connection, StatusAnswer};
use thryve_connect_protocol::ids::IdMap;

/// The status endpoint's reactive state. `Copy`: handles only.
#[derive(Clone, Copy)]
pub(super) struct StatusState {
    beliefs: RwSignal<Beliefs>,
    failed: RwSignal<bool>,
    /// Whether a read has finished on this page (answered or failed).
    settled: RwSignal<bool>,
}

/// What the screen believes about the sources, in one signal: each signal of its own type is
/// another copy of the signals' code in the wasm. Its readers are the rows' memos and texts,
/// which re-run for a change in any part, and pass on only a change of their own.
#[derive(Clone, Default, PartialEq)]
struct Beliefs {
    remembered: Remembered,
    /// Fresh results the status has not shown yet.
    confirming: Confirming,
    /// What the status's last answer said about connected sources (since, last data,
    /// reconnect); never stored in the browser.
    details: IdMap<Connection>,
}

impl StatusState {
    pub(super) fn new() -> StatusState {
        StatusState {
            beliefs: RwSignal::new(Beliefs::default()),
            failed: RwSignal::new(false),
            settled: RwSignal::new(false),
        }
    }
}

/// What the status keeps that no view reacts to (in the screen's [`super::Kept`]).
#[derive(Default)]
pub(super) struct Kept {
    /// The next re-read while a fresh result is unconfirmed.
    pub(super) catch_up: RefCell<Option<Timer>>,
    /// Whether a read is on its way.
    pending: Cell<bool>,
    /// The storage entry of the signed-in user, once the token endpoint named one.
    storage_key: RefCell<Option<String>>,
}

thread_local! {
    /// Scales the re-read delays (browser tests only: see `testing::hurry_confirmation`).
    static DELAY_SCALE: std::cell::Cell<f64> = const { std::cell::Cell::new(1.0) };
}

/// Makes the status re-reads after a fresh result `factor` times as long (tests).
pub fn scale_confirm_delays(factor: f64) {
    DELAY_SCALE.with(|scale| scale.set(factor));
}

impl Screen {
    /// Versions before per-user keys kept one entry for everyone on this browser: gone.
    pub(super) fn forget_shared_states(&self) {
        browser::remove(Store::Local, STATES_KEY);
    }
}

/// The storage entry for a user key.
pub(super) fn storage_key(user: &str) -> String {
    format!("{STATES_KEY}:{user}")
}

impl Screen {
    /// Whether the status endpoint failed on its last read.
    pub fn status_failed(&self) -> bool {
        self.status.failed.get()
    }

    /// A source's state: the status endpoint's last answer where there is one (it is written
    /// into the remembered states), else what this browser saw last for this user.
    pub fn knowledge(&self, source: SourceId) -> Knowledge {
        self.status.beliefs.with(|b| b.remembered.get(source))
    }

    /// What the status said about a connected source (since, last data, reconnect), while the
    /// screen believes it connected; `None` without details or after a change on this page.
    pub fn connection(&self, source: SourceId) -> Option<Connection> {
        if self.knowledge(source) != Knowledge::Connected {
            return None;
        }
        self.status
            .beliefs
            .with(|b| b.details.get(&source).copied())
    }

    /// Whether the status says `source` must be connected again.
    pub fn needs_reconnect(&self, source: SourceId) -> bool {
        self.connection(source).is_some_and(|c| c.needs_reconnect)
    }

    /// The token endpoint named the user (or did not): states are kept under that key.
    pub(super) fn use_user_key(&self, user: Option<&str>) {
        let key = user.map(storage_key);
        let previous = self
            .browser(|k| k.status.storage_key.replace(key.clone()))
            .flatten();
        if key == previous {
            return;
        }
        // Another user (or none) than the one named before: what the status said was about that
        // one. (The first key of the page names the user the status was read for.)
        if previous.is_some() {
            self.status.beliefs.maybe_update(|b| {
                let had = !b.details.is_empty();
                b.details = IdMap::new();
                had
            });
        }
        let Some(key) = key else {
            // No key any more: keep nothing beyond this page.
            return;
        };
        let mut states = browser::load(Store::Local, &key)
            .map(|text| Remembered::from_json(&text))
            .unwrap_or_default();
        if previous.is_none() {
            // What this page learnt before the key arrived (a return, the status) is newer.
            self.status
                .beliefs
                .with_untracked(|b| states.overlay(&b.remembered));
        }
        self.status.beliefs.update(|b| b.remembered = states);
        self.persist();
    }

    /// Reads the status again (from the host's `get_status` or the status endpoint, when there is
    /// one and no read is on its way).
    pub(super) fn refresh_status(&self) {
        let get_status = self.browser(|k| k.host.get_status.clone()).flatten();
        let config = self.config();
        if get_status.is_none() && config.status_endpoint.is_none() {
            return;
        }
        // Already on its way (or no browser to read it in).
        if self
            .browser(|k| k.status.pending.replace(true))
            .unwrap_or(true)
        {
            return;
        }
        let cancel = self.requests_signal();
        let screen = *self;
        leptos::task::spawn_local(async move {
            let timeout = config.request_timeout_ms;
            let result = match (&get_status, &config.status_endpoint) {
                (Some(get), _) => api::host_status(get, timeout, cancel.as_ref()).await,
                (None, Some(endpoint)) => {
                    let access = api::Access::of(&config);
                    api::fetch_status(endpoint, &access, timeout, cancel.as_ref()).await
                }
                (None, None) => return,
            };
            if screen.alive() {
                screen.browser(|k| k.status.pending.set(false));
                screen.on_status(result);
            }
        });
    }

    /// The buttons `source`'s row offers: see [`Knowledge::offers_while`].
    /// A source that needs reconnecting offers Reconnect (the connect action) beside Disconnect.
    pub fn offers(&self, source: SourceId) -> Offers {
        let learning = self.session_view() == SessionView::Loading
            || (self.has_status() && !self.status.settled.get());
        let offers = self.knowledge(source).offers_while(learning);
        Offers {
            connect: offers.connect || self.needs_reconnect(source),
            ..offers
        }
    }

    /// Whether there is a status to read (the host's `get_status`, or a status endpoint).
    fn has_status(&self) -> bool {
        self.with_config(|c| c.status_endpoint.is_some())
            || self
                .browser(|k| k.host.get_status.is_some())
                .unwrap_or(false)
    }

    /// Whether the status still disagrees with `source`'s fresh result after every re-read.
    pub fn is_unconfirmed(&self, source: SourceId) -> bool {
        self.status
            .beliefs
            .with(|b| b.confirming.is_unconfirmed(source))
    }

    /// Re-reads the status when a fresh result is waiting for it to agree.
    fn schedule_catch_up(&self) {
        self.cancel_catch_up();
        let Some(delay) = self
            .status
            .beliefs
            .with_untracked(|b| b.confirming.next_delay())
        else {
            return;
        };
        let delay = (delay as f64 * DELAY_SCALE.with(std::cell::Cell::get)) as u64;
        let screen = *self;
        let timer = Timer::after(delay, move || {
            if screen.alive() {
                screen.refresh_status();
            }
        });
        self.browser(|k| k.status.catch_up.replace(timer));
    }

    /// Stops the next re-read (a new one is being scheduled, or the screen is going).
    pub(super) fn cancel_catch_up(&self) {
        super::cancel_timer(self, |k| &k.status.catch_up);
    }

    /// The status's answer replaces what this browser remembered (when it differs), except where
    /// it has not caught up with a fresh result yet.
    fn on_status(&self, result: Result<StatusAnswer, ApiError>) {
        self.status.failed.set(result.is_err());
        if !self.status.settled.get_untracked() {
            self.status.settled.set(true);
        }
        match result {
            Ok(StatusAnswer {
                mut connected,
                details,
            }) => {
                let shown = self.source_ids();
                let mut remembered_changed = false;
                self.status.beliefs.maybe_update(|b| {
                    let before = b.clone();
                    b.confirming.apply(&mut connected);
                    b.details = details;
                    b.remembered.replace_with(&shown, &connected);
                    remembered_changed = b.remembered != before.remembered;
                    *b != before
                });
                self.schedule_catch_up();
                if remembered_changed {
                    self.persist();
                }
            }
            Err(error) => {
                // A failed read uses up a re-read like a disagreeing one.
                self.status.beliefs.update(|b| b.confirming.missed());
                self.schedule_catch_up();
                self.emit(ScreenEvent::Error(Failure {
                    context: ErrorContext::Status,
                    kind: error.kind(),
                    message: error.to_string(),
                    source: None,
                }));
            }
        }
    }

    /// Remembers a source's state after an outcome. What the status said about the source
    /// before is out of date (a reconnect is done, a disconnect ends it) until it is read again.
    pub(super) fn remember(&self, source: SourceId, connected: bool) {
        self.status.beliefs.update(|b| {
            b.details.remove(&source);
            b.remembered.set(source, connected);
        });
        self.persist();
    }

    /// A result the user has just seen succeed: kept until the status shows it too.
    pub(super) fn await_confirmation(&self, source: SourceId, connected: bool) {
        if !self.has_status() {
            return;
        }
        self.status
            .beliefs
            .update(|b| b.confirming.expect(source, connected));
        self.schedule_catch_up();
    }

    /// Another tab changed a storage entry: reload when it is this user's.
    pub(super) fn on_storage_changed(&self, changed: Option<&str>) {
        let Some(key) = self
            .browser(|k| k.status.storage_key.borrow().clone())
            .flatten()
        else {
            return;
        };
        if changed == Some(key.as_str()) {
            let stored = browser::load(Store::Local, &key).unwrap_or_default();
            let remembered = Remembered::from_json(&stored);
            self.status.beliefs.update(|b| b.remembered = remembered);
        }
    }

    fn persist(&self) {
        let Some(key) = self
            .browser(|k| k.status.storage_key.borrow().clone())
            .flatten()
        else {
            return;
        };
        // Nothing known: no entry at all (a browser keeps no trace of who used the screen).
        if self
            .status
            .beliefs
            .with_untracked(|b| b.remembered.0.is_empty())
        {
            return browser::remove(Store::Local, &key);
        }
        let json = self
            .status
            .beliefs
            .with_untracked(|b| b.remembered.to_json());
        browser::save(Store::Local, &key, &json);
    }
}
