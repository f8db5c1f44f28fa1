//! The server's settings, read once from environment variables (see the README, "Server
//! settings"; each also has a command-line flag, see `cli`) into checked, typed values: every
//! problem is reported at start, none is found (or quietly worked around) later.
//!
//! The variables: `THRYVE_MODE` (`sandbox` or `live`; without it, live when Thryve's credentials
//! are given, else sandbox, which then must listen on a loopback address), `THRYVE_USERNAME`,
//! `THRYVE_PASSWORD`, `THRYVE_AUTH_ID`, `THRYVE_AUTH_SECRET`, `THRYVE_USER_ID_KEY`,
//! `THRYVE_USER_HEADER`, `THRYVE_API_URL` and `THRYVE_CONNECT_URL` (`https://`, or `http://` on
//! a loopback host), `THRYVE_TIMEOUT_SECS` (10), `SANDBOX_TOKEN_TTL_SECS` (600),
//! `SANDBOX_TEST_HOOKS`, `LISTEN_ADDR` (127.0.0.1:3000), `ALLOWED_ORIGINS`, `FRAME_ANCESTORS`,
//! `DIST_DIR` (dist), and the [`Limits`]: `HEADER_TIMEOUT_SECS` (10), `REQUEST_TIMEOUT_SECS`
//! (30), `MAX_CONNECTIONS` (1024), `THRYVE_TOKEN_CACHE_SIZE` (10000),
//! `THRYVE_TOKEN_CACHE_TTL_SECS` (3600).

use crate::limits::Limits;
use crate::parse::{parse_origins, parse_secs, parse_url, secure};
use axum::http::{HeaderName, HeaderValue};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;
use thryve_connect_protocol::endpoint::DEFAULT_USER_HEADER;
use thryve_connect_protocol::thryve::{DEFAULT_API_URL, DEFAULT_CONNECT_BASE};
use url::Url;

/// Thryve's credentials. `Debug` never shows them.
#[derive(Clone)]
pub struct Credentials {
    /// The user of the `Authorization` Basic header (`THRYVE_USERNAME`).
    pub username: String,
    /// The password of the `Authorization` Basic header (`THRYVE_PASSWORD`).
    pub password: String,
    /// The user of the `AppAuthorization` Basic header (`THRYVE_AUTH_ID`).
    pub auth_id: String,
    /// The password of the `AppAuthorization` Basic header (`THRYVE_AUTH_SECRET`).
    pub auth_secret: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials { .. }")
    }
}

/// Live mode: talks to Thryve.
#[derive(Clone, Debug)]
pub struct Live {
    /// Thryve's credentials.
    pub credentials: Credentials,
    /// Thryve's API, `https://api.thryve.de` by default.
    pub api_url: Url,
    /// The request header in which the host's authentication passes the trusted user ID.
    pub user_header: HeaderName,
    /// The key for hashing user IDs into Thryve's `partnerUserID`.
    pub user_id_key: Secret,
}

/// A secret string that `Debug` does not show.
#[derive(Clone)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// How the server answers the screen.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Thryve answers, with the app's credentials.
    Live(Box<Live>),
    /// An offline stand-in for Thryve.
    Sandbox {
        /// How long a connection session token stays usable.
        token_ttl: Duration,
        /// Whether `/sandbox/_test/…` is exposed. Its log shows every visitor's tokens: for tests
        /// only (`SANDBOX_TEST_HOOKS=1`).
        test_hooks: bool,
    },
}

/// The CSP `frame-ancestors` source list: who may frame the app. Checked when it is made: it is
/// one directive's value and fits in a header, so the policy built from it is a valid header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameAncestors(String);

impl FrameAncestors {
    /// `'none'`: nobody may frame the app (the default).
    pub fn none() -> FrameAncestors {
        FrameAncestors("'none'".to_owned())
    }

    /// The source list, such as `'self' https://app.example.com`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether framing is forbidden altogether (then `X-Frame-Options: DENY` is sent as well).
    pub fn forbids_framing(&self) -> bool {
        self.0 == "'none'"
    }
}

impl Default for FrameAncestors {
    fn default() -> FrameAncestors {
        FrameAncestors::none()
    }
}

impl FromStr for FrameAncestors {
    type Err = SettingsError;

    /// Refuses an empty list, a value that would end the directive (`;`, `,`, a line break) and
    /// characters a header cannot carry.
    fn from_str(value: &str) -> Result<FrameAncestors, SettingsError> {
        let value = value.trim();
        if value.is_empty()
            || value.contains([';', ',', '\n', '\r'])
            || HeaderValue::from_str(value).is_err()
        {
            return Err(SettingsError::new(
                "FRAME_ANCESTORS must be a CSP source list such as 'self' https://app.example.com",
            ));
        }
        Ok(FrameAncestors(value.to_owned()))
    }
}

/// The server's settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Live or sandbox.
    pub mode: Mode,
    /// The address to listen on.
    pub listen: SocketAddr,
    /// Origins allowed to call the API cross-origin (CORS). Empty: same origin only.
    pub allowed_origins: Vec<HeaderValue>,
    /// Who may frame the app.
    pub frame_ancestors: FrameAncestors,
    /// The built frontend.
    pub dist_dir: PathBuf,
    /// Deadline for each call to Thryve.
    pub upstream_timeout: Duration,
    /// Thryve's direct connection pages (for the CSP `connect-src` of the background revoke).
    pub thryve_connect_url: Url,
    /// Time-outs, the connection cap, the live token cache.
    pub limits: Limits,
}

/// Why the settings are unusable: every problem found, one sentence each. Never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsError {
    problems: Vec<String>,
}

impl SettingsError {
    fn new(problem: impl Into<String>) -> SettingsError {
        SettingsError {
            problems: vec![problem.into()],
        }
    }

    /// Each problem.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for SettingsError {}

const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
const DEFAULT_TOKEN_TTL_SECS: u64 = 600;

impl Settings {
    /// Reads settings through `get` (an environment lookup). Every problem is reported at once.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut problems = Vec::new();

        let secrets = [
            "THRYVE_USERNAME",
            "THRYVE_PASSWORD",
            "THRYVE_AUTH_ID",
            "THRYVE_AUTH_SECRET",
        ]
        .map(|name| (name, get(name)));
        let given = secrets.iter().filter(|(_, v)| v.is_some()).count();
        let listen = get("LISTEN_ADDR").unwrap_or_else(|| DEFAULT_LISTEN.into());
        let listen = listen
            .parse::<SocketAddr>()
            .map_err(|_| {
                problems.push(format!(
                    "LISTEN_ADDR {listen:?} is not an address such as 127.0.0.1:3000"
                ))
            })
            .ok();
        let explicit = get("THRYVE_MODE").map(|m| m.to_ascii_lowercase());
        match (explicit.as_deref(), given) {
            (None, _) | (Some("live"), _) => {}
            (Some("sandbox"), 0) => {}
            (Some("sandbox"), _) => problems.push(
                "THRYVE_MODE is sandbox, but Thryve credentials are set: unset them or ask for live mode"
                    .into(),
            ),
            (Some(other), _) => {
                problems.push(format!("THRYVE_MODE {other:?} must be sandbox or live"))
            }
        }
        if explicit.is_none() && given == 0 {
            if let Some(listen) = listen.filter(|l| !l.ip().is_loopback()) {
                problems.push(format!(
                    "sandbox mode (no Thryve credentials) on {listen}, which other machines can reach: \
                     set THRYVE_MODE=sandbox (--mode sandbox) to mean it, or listen on 127.0.0.1"
                ));
            }
        }
        let mode = if given == 0 && explicit.as_deref() != Some("live") {
            let token_ttl = parse_secs(
                get("SANDBOX_TOKEN_TTL_SECS"),
                DEFAULT_TOKEN_TTL_SECS,
                "SANDBOX_TOKEN_TTL_SECS",
                &mut problems,
            );
            let test_hooks = get("SANDBOX_TEST_HOOKS").is_some_and(|v| v == "1" || v == "true");
            Some(Mode::Sandbox {
                token_ttl,
                test_hooks,
            })
        } else if given < secrets.len() {
            // Also when `THRYVE_MODE=live` is given without any credentials.
            let missing: Vec<&str> = secrets
                .iter()
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| *n)
                .collect();
            problems.push(format!(
                "live mode needs all four Thryve credentials; missing: {}",
                missing.join(", ")
            ));
            None
        } else {
            let [username, password, auth_id, auth_secret] =
                secrets.map(|(_, v)| v.unwrap_or_default());
            let api_url = parse_url(
                get("THRYVE_API_URL").as_deref().unwrap_or(DEFAULT_API_URL),
                "THRYVE_API_URL",
                &mut problems,
            );
            let api_url = api_url.filter(|url| secure(url, "THRYVE_API_URL", &mut problems));
            let key = get("THRYVE_USER_ID_KEY");
            match &key {
                None => problems.push("THRYVE_USER_ID_KEY is required in live mode (a random secret of at least 32 characters)".into()),
                Some(k) if k.len() < 32 => problems.push("THRYVE_USER_ID_KEY must be at least 32 characters".into()),
                _ => {}
            }
            let user_header = get("THRYVE_USER_HEADER")
                .unwrap_or_else(|| DEFAULT_USER_HEADER.into())
                .to_ascii_lowercase();
            let user_header = HeaderName::from_bytes(user_header.as_bytes())
                .map_err(|_| {
                    problems.push(format!(
                        "THRYVE_USER_HEADER {user_header:?} is not a header name"
                    ))
                })
                .ok();
            match (api_url, key, user_header) {
                (Some(api_url), Some(key), Some(user_header)) => Some(Mode::Live(Box::new(Live {
                    credentials: Credentials {
                        username,
                        password,
                        auth_id,
                        auth_secret,
                    },
                    api_url,
                    user_header,
                    user_id_key: Secret(key),
                }))),
                _ => None,
            }
        };

        let allowed_origins = parse_origins(get("ALLOWED_ORIGINS"), &mut problems);
        let frame_ancestors = match get("FRAME_ANCESTORS").map(|v| v.parse::<FrameAncestors>()) {
            None => FrameAncestors::none(),
            Some(Ok(frame_ancestors)) => frame_ancestors,
            Some(Err(error)) => {
                problems.extend(error.problems);
                FrameAncestors::none()
            }
        };
        let dist_dir = PathBuf::from(get("DIST_DIR").unwrap_or_else(|| "dist".into()));
        let upstream_timeout = parse_secs(
            get("THRYVE_TIMEOUT_SECS"),
            10,
            "THRYVE_TIMEOUT_SECS",
            &mut problems,
        );
        let thryve_connect_url = parse_url(
            get("THRYVE_CONNECT_URL")
                .as_deref()
                .unwrap_or(DEFAULT_CONNECT_BASE),
            "THRYVE_CONNECT_URL",
            &mut problems,
        )
        .filter(|url| secure(url, "THRYVE_CONNECT_URL", &mut problems));
        let limits = Limits::from_env(get, &mut problems);

        match (mode, listen, thryve_connect_url) {
            (Some(mode), Some(listen), Some(thryve_connect_url)) if problems.is_empty() => {
                Ok(Settings {
                    mode,
                    listen,
                    allowed_origins,
                    frame_ancestors,
                    dist_dir,
                    upstream_timeout,
                    thryve_connect_url,
                    limits,
                })
            }
            _ => Err(SettingsError { problems }),
        }
    }

    /// Sandbox settings for tests (with the test hooks), serving `dist_dir` on a free port.
    pub fn sandbox(dist_dir: PathBuf) -> Settings {
        Settings {
            mode: Mode::Sandbox {
                token_ttl: Duration::from_secs(DEFAULT_TOKEN_TTL_SECS),
                test_hooks: true,
            },
            listen: ([127, 0, 0, 1], 0).into(),
            allowed_origins: Vec::new(),
            frame_ancestors: FrameAncestors::none(),
            dist_dir,
            upstream_timeout: Duration::from_secs(10),
            thryve_connect_url: Url::parse(DEFAULT_CONNECT_BASE).expect("a valid constant"),
            limits: Limits::default(),
        }
    }

    /// Whether the sandbox answers instead of Thryve.
    pub fn is_sandbox(&self) -> bool {
        matches!(self.mode, Mode::Sandbox { .. })
    }

    /// Whether the sandbox's test hooks are mounted.
    pub(crate) fn test_hooks(&self) -> bool {
        matches!(
            self.mode,
            Mode::Sandbox {
                test_hooks: true,
                ..
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_env(|name| map.get(name).cloned())
    }

    const LIVE: [(&str, &str); 4] = [
        ("THRYVE_USERNAME", "u"),
        ("THRYVE_PASSWORD", "p"),
        ("THRYVE_AUTH_ID", "a"),
        ("THRYVE_AUTH_SECRET", "s"),
    ];

    fn live_with(extra: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let key = "k".repeat(32);
        let mut vars = LIVE.to_vec();
        vars.push(("THRYVE_USER_ID_KEY", &key));
        vars.extend_from_slice(extra);
        from(&vars)
    }

    #[test]
    fn no_credentials_means_sandbox() {
        let settings = from(&[]).unwrap();
        assert!(settings.is_sandbox());
        assert_eq!(settings.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(settings.frame_ancestors.as_str(), "'none'");
    }

    #[test]
    fn all_credentials_and_a_key_mean_live() {
        let settings = live_with(&[("THRYVE_USER_HEADER", "X-Forwarded-User")]).unwrap();
        let Mode::Live(live) = settings.mode else {
            panic!("expected live mode")
        };
        assert_eq!(live.api_url.as_str(), "https://api.thryve.de/");
        assert_eq!(live.user_header, "x-forwarded-user");
        assert!(!format!("{live:?}").contains("kkkk"), "Debug hides the key");
    }

    #[test]
    fn partial_credentials_and_bad_values_are_all_reported() {
        let err = from(&[
            ("THRYVE_USERNAME", "u"),
            ("LISTEN_ADDR", "nowhere"),
            ("ALLOWED_ORIGINS", "app.example.com"),
            ("THRYVE_TIMEOUT_SECS", "0"),
        ])
        .unwrap_err()
        .to_string();
        for needle in [
            "missing: THRYVE_PASSWORD",
            "LISTEN_ADDR",
            "ALLOWED_ORIGINS",
            "THRYVE_TIMEOUT_SECS",
        ] {
            assert!(err.contains(needle), "{needle} not in {err}");
        }
        assert!(!err.contains("\"u\""), "a secret value is never echoed");
    }

    #[test]
    fn live_mode_needs_a_long_key() {
        let mut vars = LIVE.to_vec();
        vars.push(("THRYVE_USER_ID_KEY", "short"));
        let err = from(&vars).unwrap_err().to_string();
        assert!(err.contains("at least 32"));
    }

    #[test]
    fn a_user_header_that_is_no_header_name_is_refused() {
        let err = live_with(&[("THRYVE_USER_HEADER", "x user")]).unwrap_err();
        assert_eq!(
            err.problems(),
            ["THRYVE_USER_HEADER \"x user\" is not a header name"]
        );
    }

    #[test]
    fn origins_are_checked_header_values() {
        let settings = from(&[(
            "ALLOWED_ORIGINS",
            "https://app.example.com/, http://localhost:8080",
        )])
        .unwrap();
        assert_eq!(
            settings.allowed_origins,
            ["https://app.example.com", "http://localhost:8080"]
        );
        // A control character cannot go into a header: refused, not left out.
        let err = from(&[(
            "ALLOWED_ORIGINS",
            "https://app.example.com,https://b.example.com\u{1}",
        )])
        .unwrap_err();
        assert_eq!(err.problems().len(), 1);
        assert!(err.problems()[0].starts_with("ALLOWED_ORIGINS: \"https://b.example.com\\u{1}\""));
    }

    #[test]
    fn frame_ancestors_must_make_a_valid_policy_header() {
        let settings = from(&[("FRAME_ANCESTORS", " 'self' https://app.example.com ")]).unwrap();
        assert_eq!(
            settings.frame_ancestors.as_str(),
            "'self' https://app.example.com"
        );
        assert!(!settings.frame_ancestors.forbids_framing());
        for bad in [
            "'self'; script-src *",
            "'self', https://x",
            "'self'\u{7f}",
            "'self' \u{1}",
        ] {
            let err = from(&[("FRAME_ANCESTORS", bad)]).unwrap_err();
            assert!(
                err.to_string().starts_with("FRAME_ANCESTORS must be"),
                "{bad:?}: {err}"
            );
        }
        assert!("".parse::<FrameAncestors>().is_err());
        assert!(FrameAncestors::default().forbids_framing());
    }

    #[test]
    fn thryve_urls_must_be_https_except_on_loopback() {
        for ok in [
            "https://api.example.com",
            "http://127.0.0.1:9000",
            "http://127.3.4.5",
            "http://[::1]:9000/x",
            "http://localhost:1234",
            "http://LOCALHOST",
        ] {
            assert!(live_with(&[("THRYVE_API_URL", ok)]).is_ok(), "{ok}");
            assert!(from(&[("THRYVE_CONNECT_URL", ok)]).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.thryve.de",
            "http://localhost.evil.example",
            "http://10.0.0.1",
            "http://[::2]",
        ] {
            let err = live_with(&[("THRYVE_API_URL", bad)]).unwrap_err();
            assert!(
                err.problems()[0].starts_with("THRYVE_API_URL")
                    && err.to_string().contains("https://"),
                "{bad}: {err}"
            );
            let err = from(&[("THRYVE_CONNECT_URL", bad)]).unwrap_err();
            assert!(
                err.problems()[0].starts_with("THRYVE_CONNECT_URL"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn mode_is_explicit_or_inferred_and_sandbox_stays_on_loopback() {
        assert!(from(&[("LISTEN_ADDR", "[::1]:3000")]).unwrap().is_sandbox());
        let err = from(&[("LISTEN_ADDR", "0.0.0.0:3000")]).unwrap_err();
        assert!(err.to_string().contains("THRYVE_MODE=sandbox"), "{err}");
        let explicit = from(&[("LISTEN_ADDR", "0.0.0.0:3000"), ("THRYVE_MODE", "sandbox")]);
        assert!(explicit.unwrap().is_sandbox());
        let err = from(&[("THRYVE_MODE", "live")]).unwrap_err();
        assert!(
            err.to_string()
                .contains("missing: THRYVE_USERNAME, THRYVE_PASSWORD"),
            "{err}"
        );
        let live = live_with(&[("THRYVE_MODE", "LIVE"), ("LISTEN_ADDR", "0.0.0.0:3000")]);
        assert!(!live.unwrap().is_sandbox(), "live on any address");
        assert!(live_with(&[("THRYVE_MODE", "sandbox")]).is_err());
        assert!(from(&[("THRYVE_MODE", "demo")])
            .unwrap_err()
            .to_string()
            .contains("must be sandbox or live"));
    }

    #[test]
    fn limits_are_read_with_the_rest() {
        let settings = from(&[("MAX_CONNECTIONS", "3"), ("HEADER_TIMEOUT_SECS", "2")]).unwrap();
        assert_eq!(settings.limits.max_connections, 3);
        assert_eq!(settings.limits.header_timeout, Duration::from_secs(2));
        assert_eq!(settings.limits.request_timeout, Duration::from_secs(30));
        assert!(from(&[("MAX_CONNECTIONS", "many")]).is_err());
    }
}
