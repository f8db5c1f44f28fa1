//! The host's endpoints the screen calls, as the reference server implements them: where they
//! live, who is asking, and the JSON that goes each way.

use crate::catalogue::SourceId;
use crate::ids::{IdMap, IdSet};
use crate::json::Json;
use crate::timestamp;
use serde::{Deserialize, Serialize};

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

/// What the status endpoint may tell about a connected source beyond that it is connected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Connection {
    /// When it was connected (`since`), in milliseconds since the Unix epoch.
    pub since_ms: Option<i64>,
    /// When data last arrived from it (`lastData`), in milliseconds since the Unix epoch.
    pub last_data_ms: Option<i64>,
    /// Whether the user must connect it again (`needsReconnect`: its authorisation expired or
    /// was withdrawn at the source).
    pub needs_reconnect: bool,
}

impl Connection {
    /// Whether there is nothing beyond "connected" (the plain ID form says all).
    pub fn is_plain(&self) -> bool {
        *self == Connection::default()
    }
}

/// The status endpoint's answer: `{"connected":[1,11]}`, where an entry may also be an object
/// with more to say: `{"id":1,"since":"2026-01-31T10:00:00Z","lastData":"…","needsReconnect":false}`
/// (every field but `id` optional; the times RFC 3339; unknown fields ignored).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusAnswer {
    /// The IDs of the connected sources.
    pub connected: IdSet,
    /// What the answer said about some of them, by ID (not every connected source has an entry).
    pub details: IdMap<Connection>,
}

impl StatusAnswer {
    /// Reads an answer; `None` when it is not `{"connected":[…]}` with source IDs or entries as
    /// above (a time that is not RFC 3339, a `needsReconnect` that is not a boolean, … make the
    /// whole answer unreadable, as a bad ID does).
    pub fn parse(body: &str) -> Option<StatusAnswer> {
        let json = Json::parse(body).ok()?;
        let mut answer = StatusAnswer::default();
        for entry in json.get("connected")?.as_array()? {
            let id = match entry {
                Json::Object(_) => {
                    let id = entry.get("id")?;
                    let time = |name: &str| match entry.get(name) {
                        None | Some(Json::Null) => Some(None),
                        Some(value) => timestamp::parse(value.as_str()?).map(Some),
                    };
                    let needs_reconnect = match entry.get("needsReconnect") {
                        None | Some(Json::Null) => false,
                        Some(value) => value.as_bool()?,
                    };
                    let connection = Connection {
                        since_ms: time("since")?,
                        last_data_ms: time("lastData")?,
                        needs_reconnect,
                    };
                    let id = source_id(id)?;
                    if !connection.is_plain() {
                        answer.details.insert(id, connection);
                    }
                    id
                }
                _ => source_id(entry)?,
            };
            answer.connected.insert(id);
        }
        Some(answer)
    }

    /// The answer's JSON: plain IDs, and objects for the sources with details.
    pub fn to_json(&self) -> Json {
        let entries = self.connected.iter().map(|id| {
            let Some(connection) = self.details.get(id).filter(|c| !c.is_plain()) else {
                return Json::from(*id);
            };
            let mut entry = Json::object([("id", (*id).into())]);
            // A time RFC 3339 cannot write is left out (the answer stays readable).
            if let Some(since) = connection.since_ms.and_then(timestamp::format) {
                entry.set("since", since.into());
            }
            if let Some(last) = connection.last_data_ms.and_then(timestamp::format) {
                entry.set("lastData", last.into());
            }
            if connection.needs_reconnect {
                entry.set("needsReconnect", true.into());
            }
            entry
        });
        Json::object([("connected", Json::Array(entries.collect()))])
    }
}

fn source_id(value: &Json) -> Option<SourceId> {
    value.as_u64().and_then(|id| SourceId::try_from(id).ok())
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
            Some(IdSet::from([1, 11]))
        );
        assert!(StatusAnswer::parse(r#"{"connected":[],"extra":true}"#).is_some());
        assert_eq!(StatusAnswer::parse(r#"{"connected":["1"]}"#), None);
        assert_eq!(StatusAnswer::parse(r#"{"connected":[-1]}"#), None);
        assert_eq!(StatusAnswer::parse(r#"{"connected":[4294967296]}"#), None);
        assert_eq!(StatusAnswer::parse("[]"), None);
        assert_eq!(StatusAnswer::parse(r#"{"connected":[1.5]}"#), None);
        assert_eq!(StatusAnswer::parse(r#"{"connected":null}"#), None);
        assert_eq!(
            StatusAnswer {
                connected: IdSet::from([8, 2]),
                details: IdMap::new(),
            }
            .to_json()
            .to_string(),
            r#"{"connected":[2,8]}"#
        );
    }

    #[test]
    fn status_answers_with_details() {
        let body = r#"{"connected":[{"id":1,"since":"2026-01-31T10:00:00Z","lastData":"2026-11-30T08:15:00+01:00","needsReconnect":true,"extra":"ignored"},11,{"id":8},{"id":2,"since":null,"needsReconnect":false}]}"#;
        let answer = StatusAnswer::parse(body).unwrap();
        assert_eq!(answer.connected, IdSet::from([1, 2, 8, 11]));
        assert_eq!(
            answer.details,
            IdMap::from([(
                1,
                Connection {
                    since_ms: Some(1_769_853_600_000),
                    last_data_ms: Some(timestamp::parse("2026-11-30T07:15:00Z").unwrap()),
                    needs_reconnect: true,
                }
            )])
        );
        // Written back: objects only where there is something to say, times in UTC.
        assert_eq!(
            answer.to_json().to_string(),
            r#"{"connected":[{"id":1,"since":"2026-01-31T10:00:00Z","lastData":"2026-11-30T07:15:00Z","needsReconnect":true},2,8,11]}"#
        );
        assert_eq!(
            StatusAnswer::parse(&answer.to_json().to_string()),
            Some(answer)
        );
        for bad in [
            r#"{"connected":[{}]}"#,
            r#"{"connected":[{"id":"1"}]}"#,
            r#"{"connected":[{"id":1,"since":"yesterday"}]}"#,
            r#"{"connected":[{"id":1,"since":1769853600000}]}"#,
            r#"{"connected":[{"id":1,"lastData":"2026-01-31"}]}"#,
            r#"{"connected":[{"id":1,"needsReconnect":"true"}]}"#,
            r#"{"connected":[{"id":1},[2]]}"#,
        ] {
            assert_eq!(StatusAnswer::parse(bad), None, "{bad}");
        }
    }
}
