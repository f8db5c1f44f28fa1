//! The host's endpoints the screen calls, as the reference server implements them: where they
//! live, who is asking, and the JSON that goes each way.

use crate::catalogue::SourceId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// `POST`: a new connection session for the signed-in user. Answers Thryve's widget answer
/// (or `{"connectionSessionToken": "…"}`).
pub const SESSION_PATH: &str = "/api/connection-session";
/// `GET`: which sources the signed-in user has connected: a [`StatusAnswer`].
pub const STATUS_PATH: &str = "/api/connection-status";
/// The header a reverse proxy sets to the authenticated user's ID (the reference server's
/// default; configurable there).
pub const DEFAULT_USER_HEADER: &str = "x-user-id";

/// The body the screen sends to the token endpoint: `{"locale":"de"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRequest {
    /// The screen's language (one of [`crate::LOCALES`]); Thryve's pages use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl SessionRequest {
    /// The exact body text for `locale` (the page's early request must send the same bytes).
    pub fn body(locale: &str) -> String {
        let request = SessionRequest {
            locale: Some(locale.to_owned()),
        };
        // Serialising a struct of strings cannot fail.
        serde_json::to_string(&request).unwrap_or_default()
    }
}

/// The status endpoint's answer: `{"connected":[1,11]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusAnswer {
    /// The IDs of the connected sources.
    pub connected: BTreeSet<SourceId>,
}

impl StatusAnswer {
    /// Reads an answer; `None` when it is not `{"connected":[…]}` with source IDs.
    pub fn parse(body: &str) -> Option<StatusAnswer> {
        serde_json::from_str(body).ok()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn session_request_body_is_what_serde_writes() {
        let body = SessionRequest::body("de");
        assert_eq!(body, r#"{"locale":"de"}"#);
        let parsed: SessionRequest = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed.locale.as_deref(), Some("de"));
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            body,
            "the server and the screen agree on the bytes"
        );
        assert_eq!(SessionRequest::body("a\"b"), r#"{"locale":"a\"b"}"#);
    }

    #[test]
    fn status_answers() {
        assert_eq!(
            StatusAnswer::parse(r#"{"connected":[11,1]}"#).map(|a| a.connected),
            Some(BTreeSet::from([1, 11]))
        );
        assert!(StatusAnswer::parse(r#"{"connected":[],"extra":true}"#).is_some());
        assert_eq!(StatusAnswer::parse(r#"{"connected":["1"]}"#), None);
        assert_eq!(StatusAnswer::parse(r#"{"connected":[-1]}"#), None);
        assert_eq!(StatusAnswer::parse(r#"{"connected":[4294967296]}"#), None);
        assert_eq!(StatusAnswer::parse("[]"), None);
        assert_eq!(
            serde_json::to_string(&StatusAnswer {
                connected: BTreeSet::from([8, 2])
            })
            .unwrap(),
            r#"{"connected":[2,8]}"#
        );
    }
}
