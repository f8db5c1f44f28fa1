//! Reading a connection session token out of the token endpoint's answer, and deciding when a
//! token in hand is too old to use.

use serde_json::Value;
use std::fmt;
use url::Url;

/// The longest token accepted. Thryve's are about 30 characters; anything near this is garbage.
const MAX_TOKEN_LEN: usize = 512;

/// Why a token endpoint answer holds no usable token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// The body is not JSON.
    NotJson,
    /// JSON, but neither `connectionSessionToken` nor `data.url` with that query parameter.
    Missing,
    /// A token was found but is empty, too long, or holds spaces or control characters.
    Invalid,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenError::NotJson => "the token endpoint did not answer with JSON",
            TokenError::Missing => "the token endpoint's answer holds no connection session token",
            TokenError::Invalid => "the token endpoint's answer holds a malformed token",
        })
    }
}

/// Extracts the token from either accepted answer shape:
/// Thryve's widget response passed through (`{"data":{"url":"...?connectionSessionToken=..."}}`)
/// or the short form `{"connectionSessionToken":"..."}`.
pub fn extract_token(body: &str) -> Result<String, TokenError> {
    let json: Value = serde_json::from_str(body).map_err(|_| TokenError::NotJson)?;
    if let Some(token) = json.get("connectionSessionToken").and_then(Value::as_str) {
        return validate(token);
    }
    let widget_url = json
        .get("data")
        .and_then(|data| data.get("url"))
        .and_then(Value::as_str)
        .ok_or(TokenError::Missing)?;
    let url = Url::parse(widget_url).map_err(|_| TokenError::Missing)?;
    let token = url
        .query_pairs()
        .find(|(key, _)| key == "connectionSessionToken")
        .map(|(_, value)| value.into_owned())
        .ok_or(TokenError::Missing)?;
    validate(&token)
}

fn validate(token: &str) -> Result<String, TokenError> {
    let ok = !token.is_empty()
        && token.len() <= MAX_TOKEN_LEN
        && !token.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(token.to_owned())
    } else {
        Err(TokenError::Invalid)
    }
}

/// A connection session token and when this page received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub token: String,
    /// Milliseconds since the Unix epoch.
    pub received_at_ms: f64,
}

impl Session {
    /// Whether the token may still be used at `now_ms`. A clock that went backwards counts as old.
    pub fn is_fresh(&self, now_ms: f64, max_age_ms: u64) -> bool {
        let age = now_ms - self.received_at_ms;
        (0.0..max_age_ms as f64).contains(&age)
    }

    /// Milliseconds until the token is too old (0 when it already is).
    pub fn ms_until_stale(&self, now_ms: f64, max_age_ms: u64) -> u64 {
        let left = self.received_at_ms + max_age_ms as f64 - now_ms;
        if left.is_finite() && left > 0.0 {
            left as u64
        } else {
            0
        }
    }
}

// Host tests (`cargo test`); the browser tests are in tests/web.rs.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_thryves_widget_response() {
        let body = r#"{"type":"enduser.widget.connection","data":{"url":"https://connect.thryve.de/?connectionSessionToken=1060285265X4247109939067552841&platform=web&lang=en"}}"#;
        assert_eq!(
            extract_token(body).unwrap(),
            "1060285265X4247109939067552841"
        );
    }

    #[test]
    fn reads_the_short_form() {
        assert_eq!(
            extract_token(r#"{"connectionSessionToken":"abc123"}"#).unwrap(),
            "abc123"
        );
    }

    #[test]
    fn decodes_a_percent_encoded_token() {
        let body = r#"{"data":{"url":"https://connect.thryve.de/?platform=web&connectionSessionToken=a%2Bb%3D"}}"#;
        assert_eq!(extract_token(body).unwrap(), "a+b=");
    }

    #[test]
    fn does_not_slice_strings() {
        // A look-alike parameter name must not be mistaken for the token.
        let body =
            r#"{"data":{"url":"https://connect.thryve.de/?xconnectionSessionToken=nope&lang=en"}}"#;
        assert_eq!(extract_token(body), Err(TokenError::Missing));
    }

    #[test]
    fn rejects_what_is_not_a_token() {
        assert_eq!(extract_token("<html>oops</html>"), Err(TokenError::NotJson));
        assert_eq!(extract_token(""), Err(TokenError::NotJson));
        assert_eq!(extract_token("{}"), Err(TokenError::Missing));
        assert_eq!(extract_token("[1,2]"), Err(TokenError::Missing));
        assert_eq!(
            extract_token(r#"{"data":{"url":"not a url"}}"#),
            Err(TokenError::Missing)
        );
        assert_eq!(
            extract_token(r#"{"data":{"url":42}}"#),
            Err(TokenError::Missing)
        );
        assert_eq!(
            extract_token(r#"{"connectionSessionToken":""}"#),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            extract_token(r#"{"connectionSessionToken":"a b"}"#),
            Err(TokenError::Invalid)
        );
        let long = format!(r#"{{"connectionSessionToken":"{}"}}"#, "x".repeat(600));
        assert_eq!(extract_token(&long), Err(TokenError::Invalid));
    }

    #[test]
    fn freshness() {
        let session = Session {
            token: "t".into(),
            received_at_ms: 1_000_000.0,
        };
        let five_minutes = 5 * 60 * 1000;
        assert!(session.is_fresh(1_000_000.0, five_minutes));
        assert!(session.is_fresh(1_000_000.0 + 299_999.0, five_minutes));
        assert!(!session.is_fresh(1_000_000.0 + 300_000.0, five_minutes));
        assert!(
            !session.is_fresh(999_000.0, five_minutes),
            "clock went back"
        );
        assert_eq!(session.ms_until_stale(1_100_000.0, five_minutes), 200_000);
        assert_eq!(session.ms_until_stale(2_000_000.0, five_minutes), 0);
        assert_eq!(session.ms_until_stale(f64::NAN, five_minutes), 0);
    }

    proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(body in ".*") {
            let _ = extract_token(&body);
        }

        #[test]
        fn arbitrary_widget_urls_never_panic(url in ".*") {
            let body = serde_json::json!({ "data": { "url": url } }).to_string();
            let _ = extract_token(&body);
        }

        #[test]
        fn any_plain_token_round_trips_through_the_widget_url(token in "[A-Za-z0-9+/=_.~-]{1,64}") {
            let mut url = Url::parse("https://connect.thryve.de/").unwrap();
            url.query_pairs_mut()
                .append_pair("connectionSessionToken", &token)
                .append_pair("platform", "web");
            let body = serde_json::json!({ "data": { "url": url.as_str() } }).to_string();
            prop_assert_eq!(extract_token(&body), Ok(token));
        }
    }
}
