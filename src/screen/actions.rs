//! What each user action does: connect, disconnect (after a confirmation), retry, dismiss; and
//! the result read from the address when the user comes back from Thryve.

use super::flow::Notice;
use super::{Screen, ATTEMPT_KEY};
use crate::api;
use crate::browser::{self, Refused, Repeat, Store, Tab};
use crate::catalogue::SourceId;
use crate::config::{DisconnectMode, OpenMode};
use crate::events::{
    ErrorContext, ErrorKind, Failure, Finished, Mode, ScreenEvent, Started, Verdict,
};
use crate::outcome::{self, Attempt, Outcome, Resolution};
use leptos::prelude::*;
use thryve_connect_protocol::thryve::{direct_url, Action};

impl Screen {
    /// Connect was pressed.
    pub fn connect(&self, source: SourceId) {
        self.start(Action::Connect, source);
    }

    /// Disconnect was pressed: ask first.
    pub fn ask_disconnect(&self, source: SourceId) {
        self.flow.update(|flow| flow.ask(source));
    }

    /// The question was answered "Cancel".
    pub fn cancel_disconnect(&self) {
        self.flow.update(|flow| flow.stop_asking());
    }

    /// The question was answered "Yes".
    pub fn disconnect(&self, source: SourceId) {
        self.flow.update(|flow| flow.stop_asking());
        self.start(Action::Disconnect, source);
    }

    /// The message above the list was dismissed.
    pub fn dismiss_notice(&self) {
        self.flow.update(|flow| flow.dismiss());
    }

    /// "Try again" on a failed outcome or a blocked tab: the same action once more (a
    /// disconnect was already confirmed).
    pub fn retry_outcome(&self) {
        match self.flow.with_untracked(|flow| flow.notice.clone()) {
            Some(Notice::Outcome(outcome)) => self.start(outcome.action, outcome.source),
            Some(Notice::PopupBlocked(action, source)) => self.start(action, source),
            _ => {}
        }
    }

    fn opens_tab(&self, action: Action) -> bool {
        self.with_config(|c| {
            c.open == OpenMode::NewTab
                && (action == Action::Connect || c.disconnect == DisconnectMode::Navigate)
        })
    }

    /// Starts an action. With a fresh token it goes on at once, inside the click; with an old
    /// one it waits for a new token first.
    fn start(&self, action: Action, source: SourceId) {
        if !self
            .flow
            .try_update(|flow| flow.begin(source, action))
            .unwrap_or(false)
        {
            return;
        }
        if let Some(token) = self.token_if_fresh() {
            return self.proceed(action, source, &token, None);
        }
        // A tab must be opened now, inside the click, or popup blockers stop it; it waits blank
        // for the URL.
        let tab = if self.opens_tab(action) {
            match browser::open_tab("about:blank") {
                Ok(tab) => tab,
                Err(Refused) => return self.popup_blocked(action, source),
            }
        } else {
            None
        };
        let screen = *self;
        leptos::task::spawn_local(async move {
            let token = screen.fresh_token().await;
            if !screen.alive() {
                return;
            }
            match token {
                Ok(token) => screen.proceed(action, source, &token, tab),
                // The session alert tells the user; the click is over.
                Err(_) => {
                    if let Some(tab) = tab {
                        tab.close();
                    }
                    screen.flow.update(|flow| flow.end(None));
                }
            }
        });
    }

    /// Carries an action out with a usable token.
    fn proceed(&self, action: Action, source: SourceId, token: &str, tab: Option<Tab>) {
        let config = self.config();
        let name = self.source_name(source);
        if action == Action::Disconnect && config.disconnect == DisconnectMode::Background {
            return self.revoke_in_background(source, name, token);
        }
        if self.opens_tab(action) {
            let url = direct_url(&config.thryve_base, action, token, source, None);
            return self.open_in_tab(action, source, name, url.as_str(), tab);
        }
        let Some(current) = browser::current_url() else {
            return self.flow.update(|flow| flow.end(None));
        };
        let attempt = Attempt {
            action,
            source,
            started_at_ms: browser::now_ms(),
            nonce: browser::nonce(),
            screen: config.screen_key.clone(),
            reconnect: action == Action::Connect && self.needs_reconnect(source),
        };
        let redirect = outcome::redirect_with_nonce(&config.redirect_for(&current), &attempt);
        let url = direct_url(&config.thryve_base, action, token, source, Some(&redirect));
        browser::save(Store::Session, ATTEMPT_KEY, &attempt.to_json());
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
            let url = direct_url(&config.thryve_base, action, token, source, None);
            self.open_in_tab(action, source, name, url.as_str(), None);
        }
    }

    fn open_in_tab(
        &self,
        action: Action,
        source: SourceId,
        name: String,
        url: &str,
        tab: Option<Tab>,
    ) {
        let opened = match tab {
            Some(tab) if tab.go(url) => Ok(Some(tab)),
            Some(_) => Err(Refused),
            None => browser::open_tab(url),
        };
        match opened {
            Ok(tab) => {
                self.flow
                    .update(|flow| flow.end(Some(Notice::TabOpened(source))));
                self.emit(started(action, source, name, Mode::NewTab, None));
                if let Some(tab) = tab {
                    self.watch_tab(tab);
                }
            }
            Err(Refused) => self.popup_blocked(action, source),
        }
    }

    /// Closing the vendor's tab brings the user back here: refresh then, as on focus.
    fn watch_tab(&self, tab: Tab) {
        self.stop_watching_tab();
        let screen = *self;
        let repeat = Repeat::every(500, move || {
            if tab.is_closed() {
                screen.stop_watching_tab();
                screen.on_return_to_tab();
            }
        });
        self.browser(|k| k.tab_watch.replace(repeat));
    }

    pub(super) fn stop_watching_tab(&self) {
        if let Some(repeat) = self.browser(|k| k.tab_watch.take()).flatten() {
            repeat.stop();
        }
    }

    fn popup_blocked(&self, action: Action, source: SourceId) {
        self.flow
            .update(|flow| flow.end(Some(Notice::PopupBlocked(action, source))));
        self.emit(ScreenEvent::Error(Failure {
            context: ErrorContext::PopupBlocked,
            kind: ErrorKind::PopupBlocked,
            message: "the browser blocked the new tab".into(),
            source: Some(source),
        }));
    }

    fn revoke_in_background(&self, source: SourceId, name: String, token: &str) {
        let config = self.config();
        let url = direct_url(&config.thryve_base, Action::Disconnect, token, source, None);
        let timeout = config.request_timeout_ms;
        self.emit(started(
            Action::Disconnect,
            source,
            name,
            Mode::Background,
            None,
        ));
        let cancel = self.requests_signal();
        let screen = *self;
        leptos::task::spawn_local(async move {
            let result = api::revoke(&url, timeout, cancel.as_ref()).await;
            if !screen.alive() {
                return;
            }
            if let Err(error) = &result {
                screen.emit(ScreenEvent::Error(Failure {
                    context: ErrorContext::Disconnect,
                    kind: error.kind(),
                    message: error.to_string(),
                    source: Some(source),
                }));
            }
            screen.flow.update(|flow| flow.end(None));
            let success = result.is_ok();
            let outcome = Outcome {
                action: Action::Disconnect,
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
            if outcome.success {
                self.await_confirmation(outcome.source, outcome.connected_after());
            }
        }
        self.emit(ScreenEvent::Result(Finished {
            source: outcome.source,
            source_name: self.source_name(outcome.source),
            action: outcome.action,
            outcome: Verdict::from_success(outcome.success),
            connected: outcome.connected_after(),
            attempt: outcome.attempt.clone(),
        }));
        self.flow.update(|flow| flow.show(Notice::Outcome(outcome)));
    }

    /// Reads Thryve's result from the address, once, on load.
    pub(super) fn read_return(&self) {
        let Some(current) = browser::current_url() else {
            return;
        };
        let attempt =
            browser::load(Store::Session, ATTEMPT_KEY).and_then(|t| Attempt::from_json(&t));
        let key = self.with_config(|c| c.screen_key.clone());
        if !outcome::is_for_screen(attempt.as_ref(), &key, browser::now_ms()) {
            // Another screen on this page started it: that one reads the result.
            return;
        }
        // Whatever the address says, the recorded attempt is used up: a load without a result
        // means the user came back another way (the back button).
        browser::remove(Store::Session, ATTEMPT_KEY);
        let Some(ret) = outcome::read_return(&current) else {
            return;
        };
        if let Some(clean) = outcome::clean_address(&current) {
            browser::replace_address(&clean);
        }
        match outcome::resolve(&ret, attempt.as_ref(), browser::now_ms()) {
            Resolution::Matched(outcome)
                if self.with_config(|c| c.source(outcome.source).is_some()) =>
            {
                // A connect that fails cannot disconnect: a failed reconnect leaves the source
                // connected and still in need of the reconnect the status asked for. The attempt
                // says it was one (this page may not know the state yet: it arrives with the
                // session and the status).
                let reconnect = attempt.as_ref().is_some_and(|a| a.reconnect);
                let tells_state = outcome.success || !reconnect;
                // After the first render, so that screen readers announce it.
                let screen = *self;
                browser::next_frame(move || {
                    if screen.alive() {
                        screen.finish(outcome, tells_state);
                    }
                });
            }
            // Not an attempt of ours: trust nothing, show nothing; the list keeps its state.
            _ => {}
        }
    }
}

fn started(
    action: Action,
    source: SourceId,
    source_name: String,
    mode: Mode,
    attempt: Option<String>,
) -> ScreenEvent {
    ScreenEvent::Started(Started {
        action,
        source,
        source_name,
        mode,
        attempt,
    })
}
