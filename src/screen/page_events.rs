//! The page around the screen: the user coming back to the tab, the page restored from the
//! back/forward cache, other tabs changing the remembered states. Listening stops, and timers
//! are cancelled, when the screen is disposed.

use super::{Screen, ATTEMPT_KEY};
use crate::browser::{self, PageEvent, Store};
use leptos::prelude::*;

impl Screen {
    /// Starts listening to the page until the screen is disposed.
    pub(super) fn watch_page(&self) {
        let screen = *self;
        let listener = browser::listen_to_page(move |event| screen.on_page_event(event));
        on_cleanup(move || {
            drop(listener);
            screen.cancel_requests();
            screen.cancel_refresh();
            screen.cancel_catch_up();
            screen.stop_watching_tab();
        });
    }

    fn on_page_event(&self, event: PageEvent) {
        if !self.alive() {
            return;
        }
        match event {
            PageEvent::Visible | PageEvent::Focus => self.on_return_to_tab(),
            PageEvent::Restored => {
                // Back from Thryve through the back button: the page was frozen mid-"Opening…",
                // and the attempt it recorded will never get its answer.
                browser::remove(Store::Session, ATTEMPT_KEY);
                self.flow.update(|flow| flow.end(None));
                self.on_return_to_tab();
            }
            PageEvent::StorageChanged(key) => self.on_storage_changed(key.as_deref()),
        }
    }

    /// The user is back on this tab: renew an old token, re-read the status.
    pub(super) fn on_return_to_tab(&self) {
        if !self.alive() {
            return;
        }
        if self.has_session() && self.token_if_fresh().is_none() {
            self.renew_session();
        }
        self.refresh_status();
    }
}
