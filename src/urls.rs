//! Thryve's direct connect and revoke URLs.

use crate::catalogue::SourceId;
use serde::{Deserialize, Serialize};
use url::Url;

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Connect,
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
}

/// Page names relative to the Thryve base URL.
pub const CONNECT_PAGE: &str = "dataSourceDirectConnection.html";
pub const REVOKE_PAGE: &str = "dataSourceDirectRevoke.html";

/// Builds the direct URL for an action.
///
/// `base` must end with `/` (the config guarantees it). Every value is percent-encoded by the
/// `url` crate, so a redirect URI with its own query or fragment survives intact.
pub fn direct_url(
    base: &Url,
    action: Action,
    token: &str,
    source: SourceId,
    redirect_uri: Option<&Url>,
) -> Url {
    let page = match action {
        Action::Connect => CONNECT_PAGE,
        Action::Disconnect => REVOKE_PAGE,
    };
    // Joining a plain file name onto a base ending in '/' cannot fail; fall back to the base's
    // own origin root rather than panicking if that invariant is ever broken.
    let mut url = base.join(page).unwrap_or_else(|_| base.clone());
    url.set_fragment(None);
    {
        let mut query = url.query_pairs_mut();
        query.clear();
        query.append_pair("token", token);
        query.append_pair("dataSource", &source.to_string());
        if action == Action::Disconnect {
            query.append_pair("direct", "true");
        }
        if let Some(redirect) = redirect_uri {
            query.append_pair("redirect_uri", redirect.as_str());
        }
    }
    url
}

// Host tests (`cargo test`); the browser tests are in tests/web.rs.
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
            .filter(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned())
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
                let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
                prop_assert_eq!(get("token"), Some(token.clone()));
                prop_assert_eq!(get("dataSource"), Some(source.to_string()));
                prop_assert_eq!(get("redirect_uri"), Some(redirect.to_string()));
                prop_assert_eq!(get("direct").is_some(), action == Action::Disconnect);
                prop_assert_eq!(url.host_str(), Some("service2.und-gesund.de"));
            }
        }
    }
}
