//! What the screen tells its host page: bubbling `CustomEvent`s on the mount element (and the
//! `on_event` callback of the Leptos components). Names and `detail` fields are public contract;
//! the README lists them.

use crate::catalogue::SourceId;
use crate::urls::Action;
use serde_json::{json, Value};

/// Every event name starts with this.
pub const PREFIX: &str = "thryve-connect:";

/// How an action leaves (or does not leave) the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    SameTab,
    NewTab,
    Background,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::SameTab => "same-tab",
            Mode::NewTab => "new-tab",
            Mode::Background => "background",
        }
    }
}

/// One event for the host.
#[derive(Clone, Debug, PartialEq)]
pub enum ScreenEvent {
    /// A connection session token arrived (on load, on retry, and on every refresh).
    SessionReady { locale: &'static str },
    /// The user started a connect.
    ConnectStarted {
        source: SourceId,
        source_name: String,
        mode: Mode,
        attempt: Option<String>,
    },
    /// The user confirmed a disconnect.
    DisconnectStarted {
        source: SourceId,
        source_name: String,
        mode: Mode,
        attempt: Option<String>,
    },
    /// A connect or disconnect finished: from Thryve's answer on return, or from a background
    /// disconnect.
    Result {
        source: SourceId,
        source_name: String,
        action: Action,
        success: bool,
        /// The source's state after the attempt.
        connected: bool,
        attempt: Option<String>,
    },
    /// Something failed that the user sees as an error.
    Error {
        /// `session`, `status`, `disconnect` or `popup-blocked`.
        context: &'static str,
        /// A short machine-readable cause (`network`, `timeout`, `http-status`, ...).
        kind: &'static str,
        message: String,
        source: Option<SourceId>,
    },
}

impl ScreenEvent {
    /// The DOM event name.
    pub fn name(&self) -> &'static str {
        match self {
            ScreenEvent::SessionReady { .. } => "thryve-connect:session-ready",
            ScreenEvent::ConnectStarted { .. } => "thryve-connect:connect",
            ScreenEvent::DisconnectStarted { .. } => "thryve-connect:disconnect",
            ScreenEvent::Result { .. } => "thryve-connect:result",
            ScreenEvent::Error { .. } => "thryve-connect:error",
        }
    }

    /// The `detail` object, with camelCase field names.
    pub fn detail(&self) -> Value {
        match self {
            ScreenEvent::SessionReady { locale } => json!({ "locale": locale }),
            ScreenEvent::ConnectStarted {
                source,
                source_name,
                mode,
                attempt,
            }
            | ScreenEvent::DisconnectStarted {
                source,
                source_name,
                mode,
                attempt,
            } => json!({
                "source": source,
                "sourceName": source_name,
                "mode": mode.as_str(),
                "attempt": attempt,
            }),
            ScreenEvent::Result {
                source,
                source_name,
                action,
                success,
                connected,
                attempt,
            } => json!({
                "source": source,
                "sourceName": source_name,
                "action": action.as_str(),
                "outcome": if *success { "success" } else { "failure" },
                "connected": connected,
                "attempt": attempt,
            }),
            ScreenEvent::Error {
                context,
                kind,
                message,
                source,
            } => json!({
                "context": context,
                "kind": kind,
                "message": message,
                "source": source,
            }),
        }
    }
}

// Host tests (`cargo test`); the browser tests are in tests/web.rs.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn names_share_the_prefix() {
        let events = [
            ScreenEvent::SessionReady { locale: "en" },
            ScreenEvent::ConnectStarted {
                source: 1,
                source_name: "Fitbit".into(),
                mode: Mode::SameTab,
                attempt: None,
            },
            ScreenEvent::DisconnectStarted {
                source: 1,
                source_name: "Fitbit".into(),
                mode: Mode::Background,
                attempt: None,
            },
            ScreenEvent::Result {
                source: 1,
                source_name: "Fitbit".into(),
                action: Action::Connect,
                success: true,
                connected: true,
                attempt: None,
            },
            ScreenEvent::Error {
                context: "session",
                kind: "timeout",
                message: "m".into(),
                source: None,
            },
        ];
        let mut names: Vec<_> = events.iter().map(ScreenEvent::name).collect();
        assert!(names.iter().all(|n| n.starts_with(PREFIX)));
        names.dedup();
        assert_eq!(names.len(), events.len());
    }

    #[test]
    fn result_detail() {
        let event = ScreenEvent::Result {
            source: 8,
            source_name: "Withings".into(),
            action: Action::Disconnect,
            success: false,
            connected: true,
            attempt: Some("ab".into()),
        };
        assert_eq!(
            event.detail(),
            json!({"source": 8, "sourceName": "Withings", "action": "disconnect",
                   "outcome": "failure", "connected": true, "attempt": "ab"})
        );
    }

    #[test]
    fn start_detail() {
        let event = ScreenEvent::ConnectStarted {
            source: 11,
            source_name: "Strava".into(),
            mode: Mode::NewTab,
            attempt: None,
        };
        assert_eq!(
            event.detail(),
            json!({"source": 11, "sourceName": "Strava", "mode": "new-tab", "attempt": null})
        );
    }
}
