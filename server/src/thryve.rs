//! Thryve's API as its documentation describes it: `v5/accessToken`, `widget/v6/connection`
//! and `v5/userInformation`, each with the two Basic authorization headers. Redirects are not
//! followed (the secrets stay with Thryve's host), answers are read up to [`MAX_ANSWER`], and
//! the users' access tokens are cached in a bounded [`TokenCache`].

use crate::limits::Limits;
use crate::settings::{Credentials, Live};
use crate::token_cache::TokenCache;
use axum::body::Bytes;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use thryve_connect_protocol::endpoint::{Connection, StatusAnswer};
use thryve_connect_protocol::json::Json;
use thryve_connect_protocol::thryve::{thryve_language, token_of, TokenError};
use thryve_connect_protocol::timestamp;
use thryve_connect_protocol::SourceId;
use url::Url;

/// Why Thryve gave no usable answer. Carries no secret and no upstream body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpstreamError {
    /// No answer before the deadline.
    Timeout,
    /// No connection (DNS, refused, TLS).
    Unreachable,
    /// A non-2xx status from Thryve.
    Status(u16),
    /// A 2xx answer that is not what the API documents.
    Malformed(&'static str),
}

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpstreamError::Timeout => f.write_str("Thryve did not answer in time"),
            UpstreamError::Unreachable => f.write_str("Thryve could not be reached"),
            UpstreamError::Status(status) => write!(f, "Thryve answered with status {status}"),
            UpstreamError::Malformed(what) => write!(f, "Thryve's answer was malformed: {what}"),
        }
    }
}

impl std::error::Error for UpstreamError {}

impl UpstreamError {
    fn from_reqwest(error: &reqwest::Error) -> UpstreamError {
        if error.is_timeout() {
            UpstreamError::Timeout
        } else {
            UpstreamError::Unreachable
        }
    }

    /// The upstream HTTP status, for logs and the error body.
    pub fn status(&self) -> Option<u16> {
        match self {
            UpstreamError::Status(status) => Some(*status),
            _ => None,
        }
    }
}

/// The largest answer read from Thryve; a longer one is an upstream error.
pub const MAX_ANSWER: usize = 256 * 1024;

/// The client. Caches each user's Thryve token for a while (see [`TokenCache`]); a token Thryve
/// refuses (401) is dropped and asked for again, once.
pub struct Thryve {
    http: reqwest::Client,
    api: Url,
    authorization: String,
    app_authorization: String,
    key: String,
    tokens: Mutex<TokenCache>,
}

impl fmt::Debug for Thryve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Thryve")
            .field("api", &self.api.as_str())
            .finish_non_exhaustive()
    }
}

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

/// The longest `partnerUserID` Thryve accepts.
pub const PARTNER_ID_MAX: usize = 80;

/// A stable pseudonym for the host's user ID: HMAC-SHA256 under the server's key, in hex
/// (64 characters). Thryve never sees the raw ID, and it cannot be reversed without the key.
pub fn partner_user_id(key: &str, user_id: &str) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(user_id.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The opaque user key the screen keys its remembered states by: a keyed hash of the user ID,
/// derived apart from the `partnerUserID` so that neither can be computed from the other.
pub fn screen_user_key(key: &str, user_id: &str) -> String {
    partner_user_id(key, &format!("thryve-connect/screen-user\n{user_id}"))
}

/// Reads the connected sources out of `v5/userInformation`'s answer. The field names are
/// unconfirmed: `connectedSources` (objects with `dataSource`/`dataSourceId`/`id`, or plain
/// numbers) and the same under `dataSources`, on each user object of the array (or the object).
/// An object's `connectedAt` becomes `since` when it reads as a time (RFC 3339, a date, a date
/// and time without offset taken as UTC, or epoch seconds or milliseconds); Thryve documents
/// nothing for "last data" or "needs reconnect", so those are never sent from here.
pub fn connected_sources(answer: &Value) -> Result<StatusAnswer, UpstreamError> {
    let users: Vec<&Value> = match answer {
        Value::Array(users) => users.iter().collect(),
        Value::Object(_) => vec![answer],
        _ => return Err(UpstreamError::Malformed("userInformation is not an array")),
    };
    let mut status = StatusAnswer::default();
    for user in users {
        for field in ["connectedSources", "dataSources"] {
            let Some(list) = user.get(field).and_then(Value::as_array) else {
                continue;
            };
            for entry in list {
                let id = entry.as_u64().or_else(|| {
                    ["dataSource", "dataSourceId", "id"].iter().find_map(|k| {
                        entry
                            .get(k)
                            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
                    })
                });
                let Some(id) = id.and_then(|id| SourceId::try_from(id).ok()) else {
                    continue;
                };
                status.connected.insert(id);
                if let Some(since) = entry.get("connectedAt").and_then(tolerant_time) {
                    status.details.insert(
                        id,
                        Connection {
                            since_ms: Some(since),
                            ..Connection::default()
                        },
                    );
                }
            }
        }
    }
    Ok(status)
}

/// A time as Thryve might write it (the format is unconfirmed), in epoch milliseconds: after
/// 1970 and before the year 10000 (so that the answer can write it), else none (a `0` is "not
/// known" rather than 1 January 1970).
fn tolerant_time(value: &Value) -> Option<i64> {
    let ms = if let Some(number) = value.as_i64() {
        // Before 2001-09-09 in milliseconds means it was seconds.
        if number.unsigned_abs() < 1_000_000_000_000 {
            number.checked_mul(1_000)?
        } else {
            number
        }
    } else {
        let text = value.as_str()?.trim();
        timestamp::parse(text)
            .or_else(|| timestamp::parse(&format!("{text}Z")))
            .or_else(|| timestamp::parse(&format!("{text}T00:00:00Z")))?
    };
    (ms > 0 && timestamp::RANGE.contains(&ms)).then_some(ms)
}

/// Whether Thryve's plain-text `accessToken` answer looks like a token (an HTML error page or a
/// JSON error does not).
pub fn is_token(text: &str) -> bool {
    (1..=512).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c))
}

/// Checks that a widget answer holds a connection session token the screen can read (the
/// protocol's [`token_of`]); returns it unchanged.
pub fn check_widget_answer(body: &[u8]) -> Result<Value, UpstreamError> {
    let json: Value =
        serde_json::from_slice(body).map_err(|_| UpstreamError::Malformed("not JSON"))?;
    // The screen reads it with the protocol's own JSON reader: check it the same way.
    let text = std::str::from_utf8(body).map_err(|_| UpstreamError::Malformed("not JSON"))?;
    let read = Json::parse(text).map_err(|_| UpstreamError::Malformed("not JSON"))?;
    match token_of(&read) {
        Ok(_) => Ok(json),
        Err(TokenError::NotJson) => Err(UpstreamError::Malformed("not JSON")),
        Err(TokenError::Missing) => Err(UpstreamError::Malformed("no connection session token")),
        Err(TokenError::Invalid) => Err(UpstreamError::Malformed(
            "the connection session token is malformed",
        )),
    }
}

impl Thryve {
    /// A client for `live`'s API and credentials; each call ends after `timeout`; `limits` size
    /// the token cache.
    pub fn new(live: &Live, timeout: Duration, limits: &Limits) -> Thryve {
        let Credentials {
            username,
            password,
            auth_id,
            auth_secret,
        } = &live.credentials;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent("thryve-connect-server")
            // A 3xx is an upstream error: following it would send the secrets to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            // Only fails if the TLS backend cannot start; a client that follows redirects (the
            // default) is no fallback.
            .expect("the HTTP client starts");
        Thryve {
            http,
            api: live.api_url.clone(),
            authorization: basic(username, password),
            app_authorization: basic(auth_id, auth_secret),
            key: live.user_id_key.0.clone(),
            tokens: Mutex::new(TokenCache::new(
                limits.token_cache_size,
                limits.token_cache_ttl,
            )),
        }
    }

    fn endpoint(&self, path: &str) -> Url {
        let mut url = self.api.clone();
        let base = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base}/{path}"));
        url
    }

    /// POSTs to Thryve's `path` with both Basic headers (`body` adds the form or JSON) and returns
    /// a 2xx answer's body.
    async fn call(
        &self,
        path: &str,
        body: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<Bytes, UpstreamError> {
        let response = body(self.http.post(self.endpoint(path)))
            .header("Authorization", &self.authorization)
            .header("AppAuthorization", &self.app_authorization)
            .send()
            .await
            .map_err(|e| UpstreamError::from_reqwest(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(UpstreamError::Status(status.as_u16()));
        }
        read_capped(response, MAX_ANSWER).await
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, TokenCache> {
        // A panic while holding the lock leaves a cache behind; keep using it.
        self.tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `call` with the user's access token; if Thryve refuses a cached one (401), drops it
    /// and runs `call` once more with a new one.
    async fn with_token<T, F, Fut>(&self, user_id: &str, call: F) -> Result<T, UpstreamError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<T, UpstreamError>>,
    {
        let (token, cached) = self.end_user_token(user_id).await?;
        match call(token).await {
            Err(UpstreamError::Status(401)) if cached => {
                self.cache().remove(&partner_user_id(&self.key, user_id));
                let (token, _) = self.end_user_token(user_id).await?;
                call(token).await
            }
            other => other,
        }
    }

    /// The Thryve user token for a host user (created on first use, then cached), and whether
    /// it came from the cache.
    pub async fn end_user_token(&self, user_id: &str) -> Result<(String, bool), UpstreamError> {
        let partner = partner_user_id(&self.key, user_id);
        debug_assert!(partner.len() <= PARTNER_ID_MAX);
        if let Some(token) = self.cache().get(&partner, Instant::now()) {
            return Ok((token, true));
        }
        let body = self
            .call("v5/accessToken", |r| {
                r.form(&[("partnerUserID", partner.as_str())])
            })
            .await?;
        let token = String::from_utf8(body.to_vec())
            .map_err(|_| UpstreamError::Malformed("accessToken is not text"))?
            .trim()
            .trim_matches('"')
            .to_owned();
        if !is_token(&token) {
            return Err(UpstreamError::Malformed("accessToken is not a token"));
        }
        self.cache().insert(&partner, token.clone(), Instant::now());
        Ok((token, false))
    }

    /// The screen's key for this user ([`screen_user_key`] under this server's key).
    pub fn user_key(&self, user_id: &str) -> String {
        screen_user_key(&self.key, user_id)
    }

    /// A connection session for the user: Thryve's widget answer, checked and unchanged.
    pub async fn connection(
        &self,
        user_id: &str,
        locale: Option<&str>,
    ) -> Result<Value, UpstreamError> {
        let answer = self
            .with_token(user_id, |end_user_id| async move {
                let mut body = serde_json::json!({ "endUserId": end_user_id });
                if let Some(locale) = locale {
                    body["locale"] = Value::from(thryve_language(locale));
                }
                self.call("widget/v6/connection", |r| r.json(&body)).await
            })
            .await?;
        check_widget_answer(&answer)
    }

    /// The user's connected sources (with `since` where Thryve says when).
    pub async fn status(&self, user_id: &str) -> Result<StatusAnswer, UpstreamError> {
        let answer = self
            .with_token(user_id, |token| async move {
                self.call("v5/userInformation", |r| {
                    r.form(&[("authenticationToken", token.as_str())])
                })
                .await
            })
            .await?;
        let json: Value = serde_json::from_slice(&answer)
            .map_err(|_| UpstreamError::Malformed("userInformation is not JSON"))?;
        connected_sources(&json)
    }
}

/// Reads `response`'s body, up to `cap` bytes: a longer one (declared or sent) is an error.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Bytes, UpstreamError> {
    const TOO_LARGE: UpstreamError = UpstreamError::Malformed("the answer is too large");
    if response
        .content_length()
        .is_some_and(|length| length > cap as u64)
    {
        return Err(TOO_LARGE);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| UpstreamError::from_reqwest(&e))?
    {
        if body.len() + chunk.len() > cap {
            return Err(TOO_LARGE);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use thryve_connect_protocol::ids::IdSet;

    #[test]
    fn partner_ids_are_keyed_hashes_within_thryves_limit() {
        let a = partner_user_id("key-one-key-one-key-one-key-one!", "alice@example.com");
        assert_eq!(a.len(), 64);
        assert!(a.len() <= PARTNER_ID_MAX);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!a.contains("alice"));
        assert_eq!(
            a,
            partner_user_id("key-one-key-one-key-one-key-one!", "alice@example.com")
        );
        assert_ne!(
            a,
            partner_user_id("key-two-key-two-key-two-key-two!", "alice@example.com")
        );
        assert_ne!(
            a,
            partner_user_id("key-one-key-one-key-one-key-one!", "bob@example.com")
        );
    }

    #[test]
    fn reads_connected_sources_in_every_reported_shape() {
        let answer = json!([{
            "authenticationToken": "t",
            "connectedSources": [{"dataSource": 1, "connectedAt": "2024-01-01"}, {"dataSourceId": "11"}, 8],
            "dataSources": [{"id": 18}]
        }]);
        let ids = |answer: &Value| connected_sources(answer).unwrap().connected;
        assert_eq!(ids(&answer), IdSet::from([1, 8, 11, 18]));
        assert_eq!(ids(&json!([{}])), IdSet::new());
        assert_eq!(ids(&json!({"connectedSources": [2]})), IdSet::from([2]));
        // `connectedAt`, in whatever shape it comes, becomes `since`; nothing else is invented.
        let since = |value: Value| {
            let answer = json!({"connectedSources": [{"dataSource": 1, "connectedAt": value}]});
            connected_sources(&answer).unwrap().details.get(&1).copied()
        };
        let midnight = timestamp::parse("2024-01-01T00:00:00Z").unwrap();
        for shape in [
            json!("2024-01-01"),
            json!("2024-01-01T00:00:00Z"),
            json!("2024-01-01T01:00:00+01:00"),
            json!("2024-01-01T00:00:00"),
            json!(midnight / 1000),
            json!(midnight),
        ] {
            assert_eq!(
                since(shape.clone()),
                Some(Connection {
                    since_ms: Some(midnight),
                    last_data_ms: None,
                    needs_reconnect: false
                }),
                "{shape}"
            );
        }
        assert_eq!(since(json!("last tuesday")), None);
        assert_eq!(since(json!(null)), None);
        // Nothing the answer could not write (the screen would refuse the whole answer).
        for odd in [
            json!(0),
            json!(-5),
            json!(i64::MIN),
            json!(i64::MAX),
            json!(1_700_000_000_000_000i64),
            json!("0000-01-01T00:00:00+01:00"),
        ] {
            assert_eq!(since(odd.clone()), None, "{odd}");
        }
        assert!(connected_sources(&json!("nope")).is_err());
    }

    #[test]
    fn widget_answers_are_checked() {
        let good = br#"{"type":"enduser.widget.connection","data":{"url":"https://connect.thryve.de/?connectionSessionToken=1X2&platform=web"}}"#;
        assert!(check_widget_answer(good).is_ok());
        assert!(check_widget_answer(b"<html>").is_err());
        assert!(
            check_widget_answer(br#"{"data":{"url":"https://connect.thryve.de/?lang=en"}}"#)
                .is_err()
        );
        assert!(check_widget_answer(br#"{"data":{}}"#).is_err());
        assert!(check_widget_answer(
            br#"{"data":{"url":"https://connect.thryve.de/?connectionSessionToken=&lang=en"}}"#
        )
        .is_err());
    }

    #[test]
    fn access_tokens_are_plain_tokens() {
        assert!(is_token("a1b2c3d4e5f60718293a4b5c6d7e8f90"));
        assert!(!is_token("<html>maintenance</html>"));
        assert!(!is_token(r#"{"error":"x"}"#));
        assert!(!is_token(""));
        assert!(!is_token(&"x".repeat(513)));
    }

    #[test]
    fn basic_header() {
        assert_eq!(basic("user", "pass"), "Basic dXNlcjpwYXNz");
    }
}
