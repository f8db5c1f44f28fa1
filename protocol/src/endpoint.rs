//! The host's endpoints the screen calls, as the reference server implements them: where they
//! live, who is asking, and the JSON that goes each way.

use crate::catalogue::SourceId;
use crate::json::Json;
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
        Json::object([("locale", locale.into())]).to_string()
    }
}

/// The optional field of the token endpoint's answer, beside Thryve's `type` and `data`: an
/// opaque key for the signed-in user (the reference server sends a keyed hash, never the user's
/// ID). The screen remembers connection states in the browser under this key only, so the next
/// person on a shared browser never sees them; without it, nothing is remembered across loads.
pub const USER_KEY_FIELD: &str = "user";

/// The longest user key accepted.
pub const MAX_USER_KEY_LEN: usize = 128;

/// The user key of a token endpoint's answer, when it has a usable one: 1 to 128 ASCII letters,
/// digits, `-`, `_` or `.` (it names a storage entry).
pub fn user_key_of(answer: &Json) -> Option<String> {
    let key = answer.get(USER_KEY_FIELD)?.as_str()?;
    let usable = !key.is_empty()
        && key.len() <= MAX_USER_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    usable.then(|| key.to_owned())
}

/// Adds `user` to a token endpoint's answer (an object).
pub fn with_user_key(mut answer: serde_json::Value, user: &str) -> serde_json::Value {
    if let Some(object) = answer.as_object_mut() {
        object.insert(USER_KEY_FIELD.to_owned(), user.into());
    }
    answer
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
        let json = Json::parse(body).ok()?;
        // Inserted one by one: `collect` into a BTreeSet would pull a sort into the wasm.
        let mut connected = BTreeSet::new();
        for id in json.get("connected")?.as_array()? {
            connected.insert(id.as_u64().and_then(|id| SourceId::try_from(id).ok())?);
        }
        Some(StatusAnswer { connected })
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
    fn user_keys() {
        // What the server adds, the screen reads.
        let answer = with_user_key(serde_json::json!({"type": "t", "data": {}}), "ab-C_9.x");
        let answer = Json::parse(&answer.to_string()).unwrap();
        assert_eq!(user_key_of(&answer).as_deref(), Some("ab-C_9.x"));
        for bad in [
            serde_json::json!({}),
            serde_json::json!({"user": ""}),
            serde_json::json!({"user": 7}),
            serde_json::json!({"user": "a b"}),
            serde_json::json!({"user": "ä"}),
            serde_json::json!({"user": "x".repeat(129)}),
        ] {
            let parsed = Json::parse(&bad.to_string()).unwrap();
            assert_eq!(user_key_of(&parsed), None, "{bad}");
        }
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
        assert_eq!(StatusAnswer::parse(r#"{"connected":[1.5]}"#), None);
        assert_eq!(StatusAnswer::parse(r#"{"connected":null}"#), None);
        assert_eq!(
            serde_json::to_string(&StatusAnswer {
                connected: BTreeSet::from([8, 2])
            })
            .unwrap(),
            r#"{"connected":[2,8]}"#
        );
    }
}
