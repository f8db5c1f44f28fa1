//! What the screen believes about each source: the status endpoint's answers where there is one,
//! else what this browser remembered (localStorage, shared by every tab).

use super::{Screen, STATES_KEY};
use crate::api::{self, ApiError};
use crate::browser::{self, Store};
use crate::catalogue::SourceId;
use crate::events::{ErrorContext, Failure, ScreenEvent};
use crate::status::{Knowledge, Remembered};
use leptos::prelude::*;

/// The status endpoint's reactive state. `Copy`: handles only.
#[derive(Clone, Copy)]
pub(super) struct StatusState {
    remembered: RwSignal<Remembered>,
    failed: RwSignal<bool>,
    pending: StoredValue<bool>,
}

impl StatusState {
    pub(super) fn new() -> StatusState {
        let remembered = browser::load(Store::Local, STATES_KEY)
            .map(|text| Remembered::from_json(&text))
            .unwrap_or_default();
        StatusState {
            remembered: RwSignal::new(remembered),
            failed: RwSignal::new(false),
            pending: StoredValue::new(false),
        }
    }
}

impl Screen {
    /// Whether the status endpoint failed on its last read.
    pub fn status_failed(&self) -> bool {
        self.status.failed.get()
    }

    /// A source's state: the status endpoint's last answer where there is one (it is written
    /// into the remembered states), else what this browser saw last.
    pub fn knowledge(&self, source: SourceId) -> Knowledge {
        self.status
            .remembered
            .with(|remembered| remembered.get(source))
    }

    /// Reads the status endpoint again (when there is one and no read is on its way).
    pub(super) fn refresh_status(&self) {
        let Some(endpoint) = self.config.with_value(|c| c.status_endpoint.clone()) else {
            return;
        };
        if self.status.pending.get_value() {
            return;
        }
        self.status.pending.set_value(true);
        let timeout = self.config.with_value(|c| c.request_timeout_ms);
        let screen = *self;
        leptos::task::spawn_local(async move {
            let result = api::fetch_status(&endpoint, timeout).await;
            if screen.alive() {
                screen.status.pending.set_value(false);
                screen.on_status(result);
            }
        });
    }

    /// The status endpoint's answer replaces what this browser remembered (when it differs).
    fn on_status(&self, result: Result<std::collections::BTreeSet<SourceId>, ApiError>) {
        self.status.failed.set(result.is_err());
        match result {
            Ok(connected) => {
                let mut updated = self.status.remembered.get_untracked();
                updated.replace_with(&self.source_ids(), &connected);
                if updated != self.status.remembered.get_untracked() {
                    self.status.remembered.set(updated);
                    self.persist();
                }
            }
            Err(error) => self.emit(ScreenEvent::Error(Failure {
                context: ErrorContext::Status,
                kind: error.kind(),
                message: error.to_string(),
                source: None,
            })),
        }
    }

    /// Remembers a source's state after an outcome.
    pub(super) fn remember(&self, source: SourceId, connected: bool) {
        self.status.remembered.update(|r| r.set(source, connected));
        self.persist();
    }

    /// Another tab changed the remembered states.
    pub(super) fn reload_remembered(&self) {
        let stored = browser::load(Store::Local, STATES_KEY).unwrap_or_default();
        self.status.remembered.set(Remembered::from_json(&stored));
    }

    fn persist(&self) {
        let json = self.status.remembered.with_untracked(Remembered::to_json);
        browser::save(Store::Local, STATES_KEY, &json);
    }
}
