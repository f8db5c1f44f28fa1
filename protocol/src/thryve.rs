//! Thryve as the browser meets it: the direct connect and revoke URLs, the parameters Thryve
//! adds when it sends the user back, and the connection session token inside Thryve's widget
//! answer (`POST widget/v6/connection`).

use crate::address::Url;
use crate::catalogue::SourceId;
use crate::json::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// Where Thryve's direct connection pages live.
pub const DEFAULT_CONNECT_BASE: &str = "https://service2.und-gesund.de/";
/// Thryve's API (the token endpoint's upstream).
pub const DEFAULT_API_URL: &str = "https://api.thryve.de";

/// The connect page, relative to the connect base.
pub const CONNECT_PAGE: &str = "dataSourceDirectConnection.html";
/// The revoke page, relative to the connect base.
pub const REVOKE_PAGE: &str = "dataSourceDirectRevoke.html";
/// The result page Thryve ends on, relative to the connect base; it forwards to `redirect_uri`.
pub const RESULT_PAGE: &str = "dataSourceDirectConnectionResult.html";

/// Query parameter: the connection session token.
pub const TOKEN_PARAM: &str = "token";
/// Query parameter: the data source ID (also on the way back).
pub const SOURCE_PARAM: &str = "dataSource";
/// Query parameter: where Thryve sends the user afterwards.
pub const REDIRECT_PARAM: &str = "redirect_uri";
/// Query parameter of a revoke: `true` revokes without asking.
pub const DIRECT_PARAM: &str = "direct";
/// Query parameter on the way back: the source's state after the attempt (`true`/`false`).
pub const CONNECTED_PARAM: &str = "connected";
/// Query parameter of the widget URL that carries the connection session token.
pub const SESSION_TOKEN_PARAM: &str = "connectionSessionToken";
/// The `type` of Thryve's widget answer.
pub const WIDGET_ANSWER_TYPE: &str = "enduser.widget.connection";

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Connect a data source.
    Connect,
    /// Disconnect (revoke) a data source.
    Disconnect,
}

impl Action {
    /// The name used in events and `data-` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Connect => "connect",
            Action::Disconnect => "disconnect",
        }
    }

    /// The `connected` value Thryve reports when this action succeeded.
    pub fn connected_on_success(self) -> bool {
        self == Action::Connect
    }

    /// The page, relative to the connect base.
    pub fn page(self) -> &'static str {
        match self {
            Action::Connect => CONNECT_PAGE,
            Action::Disconnect => REVOKE_PAGE,
        }
    }
}

/// Builds the direct URL for an action.
///
/// `base` should end with `/`. Every value is form-encoded ([`Url::append_pairs`]), so a redirect
/// URI with its own query or fragment survives intact.
pub fn direct_url(
    base: &Url,
    action: Action,
    token: &str,
    source: SourceId,
    redirect_uri: Option<&Url>,
) -> Url {
    // Joining a relative file name onto an http(s) URL cannot fail; should it ever, the page
    // name is put on the base itself, so the result still carries every parameter.
    let mut url = base.join(action.page()).unwrap_or_else(|_| base.clone());
    url.set_fragment(None);
    url.set_query(None);
    let source = source.to_string();
    let mut pairs = vec![(TOKEN_PARAM, token), (SOURCE_PARAM, source.as_str())];
    if action == Action::Disconnect {
        pairs.push((DIRECT_PARAM, "true"));
    }
    if let Some(redirect) = redirect_uri {
        pairs.push((REDIRECT_PARAM, redirect.as_str()));
    }
    url.append_pairs(&pairs);
    url
}

/// The longest token accepted. Thryve's are about 30 characters; anything near this is garbage.
const MAX_TOKEN_LEN: usize = 512;

/// Why an answer holds no usable connection session token.
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

impl std::error::Error for TokenError {}

/// Extracts the token from either accepted answer shape:
/// Thryve's widget answer passed through (`{"data":{"url":"...?connectionSessionToken=..."}}`)
/// or the short form `{"connectionSessionToken":"..."}`.
pub fn extract_token(body: &str) -> Result<String, TokenError> {
    let json = Json::parse(body).map_err(|_| TokenError::NotJson)?;
    token_of(&json)
}

/// [`extract_token`] for an answer already parsed.
pub fn token_of(json: &Json) -> Result<String, TokenError> {
    if let Some(token) = json.get(SESSION_TOKEN_PARAM).and_then(Json::as_str) {
        return validate(token);
    }
    let widget_url = json
        .get("data")
        .and_then(|data| data.get("url"))
        .and_then(Json::as_str)
        .ok_or(TokenError::Missing)?;
    let url = Url::parse(widget_url).map_err(|_| TokenError::Missing)?;
    let token = url
        .query_pairs()
        .into_iter()
        .find(|(key, _)| key == SESSION_TOKEN_PARAM)
        .map(|(_, value)| value)
        .ok_or(TokenError::Missing)?;
    validate(&token)
}

/// Checks a bare token (from a host's own code): the rules of [`token_of`].
pub fn validate(token: &str) -> Result<String, TokenError> {
    let ok = !token.is_empty()
        && token.len() <= MAX_TOKEN_LEN
        && !token.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(token.to_owned())
    } else {
        Err(TokenError::Invalid)
    }
}

/// The language Thryve is asked for: its ISO 639-1 code, without a region ("pt-BR" -> "pt").
pub fn thryve_language(locale: &str) -> &str {
    locale.split('-').next().unwrap_or(locale)
}

/// Thryve's widget answer, as a token endpoint passes it through: `{"type": …, "data": {"url": …}}`
/// where the URL carries the token, the platform and the language (Thryve's: [`thryve_language`]).
pub fn widget_answer(widget_base: &Url, token: &str, locale: &str) -> Value {
    let mut url = widget_base.clone();
    url.append_pairs(&[
        (SESSION_TOKEN_PARAM, token),
        ("platform", "web"),
        ("lang", thryve_language(locale)),
    ]);
    serde_json::json!({ "type": WIDGET_ANSWER_TYPE, "data": { "url": url.as_str() } })
}

/// The URL Thryve's result page forwards to: `redirect_uri` with `dataSource` and `connected`
/// added to its query (a fragment stays at the end).
pub fn forward_url(redirect_uri: &Url, data_source: &str, connected: bool) -> Url {
    let mut url = redirect_uri.clone();
    let connected = if connected { "true" } else { "false" };
    url.append_pairs(&[(SOURCE_PARAM, data_source), (CONNECTED_PARAM, connected)]);
    url
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn base() -> Url {
        Url::parse("https://service2.und-gesund.de/").unwrap()
    }

    #[test]
    fn connect_url_with_redirect() {
        let redirect =
            Url::parse("https://app.example.com/settings/sources?tab=health#top").unwrap();
        let url = direct_url(
            &base(),
            Action::Connect,
            "1060285265X4247109939067552841",
            1,
            Some(&redirect),
        );
        assert_eq!(
            url.as_str(),
            "https://service2.und-gesund.de/dataSourceDirectConnection.html?token=1060285265X4247109939067552841&dataSource=1&redirect_uri=https%3A%2F%2Fapp.example.com%2Fsettings%2Fsources%3Ftab%3Dhealth%23top"
        );
    }

    #[test]
    fn connect_url_without_redirect() {
        let url = direct_url(&base(), Action::Connect, "tok", 11, None);
        assert_eq!(
            url.as_str(),
            "https://service2.und-gesund.de/dataSourceDirectConnection.html?token=tok&dataSource=11"
        );
    }

    #[test]
    fn revoke_url_is_direct() {
        let redirect = Url::parse("http://localhost:8080/").unwrap();
        let url = direct_url(&base(), Action::Disconnect, "tok", 8, Some(&redirect));
        assert_eq!(
            url.as_str(),
            "https://service2.und-gesund.de/dataSourceDirectRevoke.html?token=tok&dataSource=8&direct=true&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2F"
        );
        let background = direct_url(&base(), Action::Disconnect, "tok", 8, None);
        assert_eq!(
            background.as_str(),
            "https://service2.und-gesund.de/dataSourceDirectRevoke.html?token=tok&dataSource=8&direct=true"
        );
    }

    #[test]
    fn base_with_a_path_keeps_it() {
        let sandbox = Url::parse("http://127.0.0.1:3000/sandbox/").unwrap();
        let url = direct_url(&sandbox, Action::Connect, "t", 2, None);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:3000/sandbox/dataSourceDirectConnection.html?token=t&dataSource=2"
        );
    }

    #[test]
    fn token_is_encoded() {
        let url = direct_url(&base(), Action::Connect, "a&b=c d", 1, None);
        let token: Vec<_> = url
            .query_pairs()
            .into_iter()
            .filter(|(k, _)| k == "token")
            .map(|(_, v)| v)
            .collect();
        assert_eq!(token, vec!["a&b=c d".to_owned()]);
    }

    proptest! {
        #[test]
        fn every_parameter_round_trips(token in "\\PC{1,40}", source in any::<u32>(), path in "[a-z0-9/?=&#%+ ]{0,30}") {
            // Prefixed so that a generated "//…" stays a path, not a host-relative URL.
            let redirect = Url::parse("https://app.example.com/").unwrap().join(&format!("p/{path}")).unwrap();
            for action in [Action::Connect, Action::Disconnect] {
                let url = direct_url(&base(), action, &token, source, Some(&redirect));
                let pairs = url.query_pairs();
                let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
                prop_assert_eq!(get("token"), Some(token.clone()));
                prop_assert_eq!(get("dataSource"), Some(source.to_string()));
                prop_assert_eq!(get("redirect_uri"), Some(redirect.to_string()));
                prop_assert_eq!(get("direct").is_some(), action == Action::Disconnect);
                prop_assert_eq!(url.origin(), "https://service2.und-gesund.de");
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod token_tests {
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
            url.append_pairs(&[("connectionSessionToken", &token), ("platform", "web")]);
            let body = serde_json::json!({ "data": { "url": url.as_str() } }).to_string();
            prop_assert_eq!(extract_token(&body), Ok(token));
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod forward_tests {
    use super::*;

    #[test]
    fn forwarding_keeps_the_redirects_own_query_and_fragment() {
        let plain = Url::parse("http://127.0.0.1:3000/").unwrap();
        assert_eq!(
            forward_url(&plain, "8", true).as_str(),
            "http://127.0.0.1:3000/?dataSource=8&connected=true"
        );
        let with_query = Url::parse("http://127.0.0.1:3000/app?tab=a#top").unwrap();
        assert_eq!(
            forward_url(&with_query, "1", false).as_str(),
            "http://127.0.0.1:3000/app?tab=a&dataSource=1&connected=false#top"
        );
    }

    #[test]
    fn a_widget_answer_gives_back_its_token() {
        let base = Url::parse("http://localhost/sandbox/").unwrap();
        let answer = widget_answer(&base, "12X34", "de");
        assert_eq!(answer["type"], WIDGET_ANSWER_TYPE);
        let read = Json::parse(&answer.to_string()).unwrap();
        assert_eq!(token_of(&read), Ok("12X34".to_owned()));
        assert!(answer["data"]["url"]
            .as_str()
            .unwrap()
            .ends_with("&platform=web&lang=de"));
    }
}
