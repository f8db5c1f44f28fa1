//! What the screen tells its host page: bubbling `CustomEvent`s on the mount element (and the
//! `on_event` callback of the Leptos components). Names and `detail` fields are public contract;
//! the README lists them.

use crate::catalogue::SourceId;
use thryve_connect_protocol::json::Json;
use thryve_connect_protocol::thryve::Action;

/// The DOM event names. Every one starts with `thryve-connect:`.
pub mod names {
    /// Every event name starts with this.
    pub const PREFIX: &str = "thryve-connect:";
    /// [`super::ScreenEvent::SessionReady`].
    pub const SESSION_READY: &str = "thryve-connect:session-ready";
    /// [`super::ScreenEvent::Started`] for a connect.
    pub const CONNECT: &str = "thryve-connect:connect";
    /// [`super::ScreenEvent::Started`] for a disconnect.
    pub const DISCONNECT: &str = "thryve-connect:disconnect";
    /// [`super::ScreenEvent::Result`].
    pub const RESULT: &str = "thryve-connect:result";
    /// [`super::ScreenEvent::Error`].
    pub const ERROR: &str = "thryve-connect:error";
}

/// How an action leaves (or does not leave) the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mode {
    /// This window goes to Thryve and comes back with the result.
    SameTab,
    /// Thryve opens in a new tab; the user closes it.
    NewTab,
    /// A disconnect sent in the background; the user stays.
    Background,
}

/// One event for the host.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ScreenEvent {
    /// A connection session token arrived (on load, on retry, and on every refresh).
    SessionReady(SessionReady),
    /// The user started a connect, or confirmed a disconnect.
    Started(Started),
    /// A connect or disconnect finished: from Thryve's answer on return, or from a background
    /// disconnect.
    Result(Finished),
    /// Something failed that the user sees as an error.
    Error(Failure),
}

/// The `detail` of `thryve-connect:session-ready`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionReady {
    /// The screen's language.
    pub locale: &'static str,
}

/// The `detail` of `thryve-connect:connect` and `thryve-connect:disconnect`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Started {
    /// Connect or disconnect: names the DOM event, so it is not repeated in `detail`.
    pub action: Action,
    /// The data source.
    pub source: SourceId,
    /// Its name as shown.
    pub source_name: String,
    /// How it is opened.
    pub mode: Mode,
    /// Same-tab mode: the attempt's ID, repeated in the matching result.
    pub attempt: Option<String>,
}

/// The `detail` of `thryve-connect:result`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finished {
    /// The data source.
    pub source: SourceId,
    /// Its name as shown.
    pub source_name: String,
    /// What was attempted.
    pub action: Action,
    /// Whether it worked.
    pub outcome: Verdict,
    /// The source's state after the attempt.
    pub connected: bool,
    /// The attempt's ID (same-tab mode).
    pub attempt: Option<String>,
}

/// Whether an attempt worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It did what the user asked.
    Success,
    /// It did not (refused, cancelled, or no answer).
    Failure,
}

impl Verdict {
    /// `Success` when `success`.
    pub fn from_success(success: bool) -> Verdict {
        if success {
            Verdict::Success
        } else {
            Verdict::Failure
        }
    }
}

/// The `detail` of `thryve-connect:error`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// What was going on.
    pub context: ErrorContext,
    /// A short machine-readable cause.
    pub kind: ErrorKind,
    /// A developer-facing description (English).
    pub message: String,
    /// The data source concerned, if any.
    pub source: Option<SourceId>,
}

/// What was going on when an error happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorContext {
    /// Getting a connection session from the token endpoint.
    Session,
    /// Reading the status endpoint.
    Status,
    /// A background disconnect.
    Disconnect,
    /// Opening a new tab.
    PopupBlocked,
}

/// A short machine-readable cause of an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No answer (offline, DNS, CORS, refused).
    Network,
    /// No answer in time.
    Timeout,
    /// An answer with a non-2xx status.
    HttpStatus,
    /// The token endpoint's answer holds no usable token.
    BadTokenResponse,
    /// The status endpoint's answer is not `{"connected":[...]}`.
    BadStatusResponse,
    /// The browser refused to open a tab.
    PopupBlocked,
    /// The host's `getSession` or `getStatus` failed.
    Rejected,
}

impl ScreenEvent {
    /// The DOM event name.
    pub fn name(&self) -> &'static str {
        match self {
            ScreenEvent::SessionReady(_) => names::SESSION_READY,
            ScreenEvent::Started(Started {
                action: Action::Connect,
                ..
            }) => names::CONNECT,
            ScreenEvent::Started(_) => names::DISCONNECT,
            ScreenEvent::Result(_) => names::RESULT,
            ScreenEvent::Error(_) => names::ERROR,
        }
    }

    /// The `detail` object as JSON, with camelCase field names.
    pub fn detail_json(&self) -> String {
        let json = match self {
            ScreenEvent::SessionReady(detail) => Json::object([("locale", detail.locale.into())]),
            ScreenEvent::Started(detail) => Json::object([
                ("source", detail.source.into()),
                ("sourceName", detail.source_name.as_str().into()),
                ("mode", detail.mode.as_str().into()),
                ("attempt", detail.attempt.clone().into()),
            ]),
            ScreenEvent::Result(detail) => Json::object([
                ("source", detail.source.into()),
                ("sourceName", detail.source_name.as_str().into()),
                ("action", detail.action.as_str().into()),
                ("outcome", detail.outcome.as_str().into()),
                ("connected", detail.connected.into()),
                ("attempt", detail.attempt.clone().into()),
            ]),
            ScreenEvent::Error(detail) => Json::object([
                ("context", detail.context.as_str().into()),
                ("kind", detail.kind.as_str().into()),
                ("message", detail.message.as_str().into()),
                ("source", detail.source.into()),
            ]),
        };
        json.to_string()
    }
}

impl Mode {
    /// The name in event details: `same-tab`, `new-tab`, `background`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::SameTab => "same-tab",
            Mode::NewTab => "new-tab",
            Mode::Background => "background",
        }
    }
}

impl Verdict {
    /// The name in event details: `success`, `failure`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Success => "success",
            Verdict::Failure => "failure",
        }
    }
}

impl ErrorContext {
    /// The name in event details (`popup-blocked`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorContext::Session => "session",
            ErrorContext::Status => "status",
            ErrorContext::Disconnect => "disconnect",
            ErrorContext::PopupBlocked => "popup-blocked",
        }
    }
}

impl ErrorKind {
    /// The name in event details (`bad-token-response`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::HttpStatus => "http-status",
            ErrorKind::BadTokenResponse => "bad-token-response",
            ErrorKind::BadStatusResponse => "bad-status-response",
            ErrorKind::PopupBlocked => "popup-blocked",
            ErrorKind::Rejected => "rejected",
        }
    }
}

// Host tests (`cargo test`); the browser tests are in tests/web/.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn detail(event: &ScreenEvent) -> Value {
        serde_json::from_str(&event.detail_json()).unwrap()
    }

    fn started(action: Action, mode: Mode) -> ScreenEvent {
        ScreenEvent::Started(Started {
            action,
            source: 11,
            source_name: "Strava".into(),
            mode,
            attempt: None,
        })
    }

    #[test]
    fn names_share_the_prefix_and_differ() {
        let events = [
            ScreenEvent::SessionReady(SessionReady { locale: "en" }),
            started(Action::Connect, Mode::SameTab),
            started(Action::Disconnect, Mode::Background),
            ScreenEvent::Result(Finished {
                source: 1,
                source_name: "Fitbit".into(),
                action: Action::Connect,
                outcome: Verdict::Success,
                connected: true,
                attempt: None,
            }),
            ScreenEvent::Error(Failure {
                context: ErrorContext::Session,
                kind: ErrorKind::Timeout,
                message: "m".into(),
                source: None,
            }),
        ];
        let mut names: Vec<_> = events.iter().map(ScreenEvent::name).collect();
        assert!(names.iter().all(|n| n.starts_with(names::PREFIX)));
        names.dedup();
        assert_eq!(names.len(), events.len());
    }

    #[test]
    fn result_detail() {
        let event = ScreenEvent::Result(Finished {
            source: 8,
            source_name: "Withings".into(),
            action: Action::Disconnect,
            outcome: Verdict::from_success(false),
            connected: true,
            attempt: Some("ab".into()),
        });
        assert_eq!(
            detail(&event),
            json!({"source": 8, "sourceName": "Withings", "action": "disconnect",
                   "outcome": "failure", "connected": true, "attempt": "ab"})
        );
    }

    #[test]
    fn start_detail() {
        let event = started(Action::Connect, Mode::NewTab);
        assert_eq!(event.name(), names::CONNECT);
        assert_eq!(
            detail(&event),
            json!({"source": 11, "sourceName": "Strava", "mode": "new-tab", "attempt": null})
        );
        assert_eq!(
            started(Action::Disconnect, Mode::SameTab).name(),
            names::DISCONNECT
        );
    }

    #[test]
    fn error_detail() {
        let event = ScreenEvent::Error(Failure {
            context: ErrorContext::PopupBlocked,
            kind: ErrorKind::BadTokenResponse,
            message: "m".into(),
            source: Some(2),
        });
        assert_eq!(
            detail(&event),
            json!({"context": "popup-blocked", "kind": "bad-token-response", "message": "m", "source": 2})
        );
        assert_eq!(
            detail(&ScreenEvent::SessionReady(SessionReady { locale: "de" })),
            json!({"locale": "de"})
        );
    }
}
