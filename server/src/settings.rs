//! The server's settings, from environment variables (see the README, "Server settings").

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// Thryve's credentials. `Debug` never shows them.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    pub auth_id: String,
    pub auth_secret: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials { .. }")
    }
}

impl Credentials {
    /// Every secret, for tests that check none leaks.
    pub fn secrets(&self) -> [&str; 4] {
        [
            &self.username,
            &self.password,
            &self.auth_id,
            &self.auth_secret,
        ]
    }
}

/// Live mode: talks to Thryve.
#[derive(Clone, Debug)]
pub struct Live {
    pub credentials: Credentials,
    /// Thryve's API, `https://api.thryve.de` by default.
    pub api_url: Url,
    /// The request header in which the host's authentication passes the trusted user ID.
    pub user_header: String,
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
    Live(Box<Live>),
    /// An offline stand-in for Thryve. `test_hooks` exposes `/sandbox/_test/…` (its log shows
    /// every visitor's tokens: for tests only, `SANDBOX_TEST_HOOKS=1`).
    Sandbox {
        token_ttl: Duration,
        test_hooks: bool,
    },
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub mode: Mode,
    pub listen: SocketAddr,
    /// Origins allowed to call the API cross-origin (CORS). Empty: same origin only.
    pub allowed_origins: Vec<String>,
    /// The CSP `frame-ancestors` value: who may frame the app.
    pub frame_ancestors: String,
    /// The built frontend.
    pub dist_dir: PathBuf,
    /// Deadline for each call to Thryve.
    pub upstream_timeout: Duration,
    /// Thryve's direct connection pages (for the CSP `connect-src` of the background revoke).
    pub thryve_connect_url: Url,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
pub const DEFAULT_API_URL: &str = "https://api.thryve.de";
pub const DEFAULT_CONNECT_URL: &str = "https://service2.und-gesund.de/";
pub const DEFAULT_USER_HEADER: &str = "x-user-id";
pub const DEFAULT_TOKEN_TTL_SECS: u64 = 600;

// Thryve's full list of locales is unconfirmed; the token endpoint accepts the screen's own.
include!(concat!(env!("OUT_DIR"), "/locales.rs"));

impl Settings {
    /// Reads settings through `get` (an environment lookup). Every problem is reported at once.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Settings, String> {
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
        let mode = if given == 0 {
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
            let key = get("THRYVE_USER_ID_KEY");
            match &key {
                None => problems.push("THRYVE_USER_ID_KEY is required in live mode (a random secret of at least 32 characters)".into()),
                Some(k) if k.len() < 32 => problems.push("THRYVE_USER_ID_KEY must be at least 32 characters".into()),
                _ => {}
            }
            let user_header = get("THRYVE_USER_HEADER")
                .unwrap_or_else(|| DEFAULT_USER_HEADER.into())
                .to_ascii_lowercase();
            if axum::http::HeaderName::from_bytes(user_header.as_bytes()).is_err() {
                problems.push(format!(
                    "THRYVE_USER_HEADER {user_header:?} is not a header name"
                ));
            }
            api_url.zip(key).map(|(api_url, key)| {
                Mode::Live(Box::new(Live {
                    credentials: Credentials {
                        username,
                        password,
                        auth_id,
                        auth_secret,
                    },
                    api_url,
                    user_header,
                    user_id_key: Secret(key),
                }))
            })
        };

        let listen = get("LISTEN_ADDR").unwrap_or_else(|| DEFAULT_LISTEN.into());
        let listen = listen
            .parse::<SocketAddr>()
            .map_err(|_| {
                problems.push(format!(
                    "LISTEN_ADDR {listen:?} is not an address such as 127.0.0.1:3000"
                ))
            })
            .ok();
        let allowed_origins: Vec<String> = get("ALLOWED_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_owned())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        for origin in &allowed_origins {
            if !(origin.starts_with("https://") || origin.starts_with("http://"))
                || axum::http::HeaderValue::from_str(origin).is_err()
            {
                problems.push(format!(
                    "ALLOWED_ORIGINS: {origin:?} is not an origin such as https://app.example.com"
                ));
            }
        }
        let frame_ancestors = get("FRAME_ANCESTORS").unwrap_or_else(|| "'none'".into());
        if frame_ancestors.contains([';', ',', '\n', '\r']) {
            problems.push(
                "FRAME_ANCESTORS must be a CSP source list such as 'self' https://app.example.com"
                    .into(),
            );
        }
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
                .unwrap_or(DEFAULT_CONNECT_URL),
            "THRYVE_CONNECT_URL",
            &mut problems,
        );

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
                })
            }
            _ => Err(problems.join("\n")),
        }
    }

    /// Sandbox settings for tests (with the test hooks).
    pub fn sandbox(dist_dir: PathBuf) -> Settings {
        Settings {
            mode: Mode::Sandbox {
                token_ttl: Duration::from_secs(DEFAULT_TOKEN_TTL_SECS),
                test_hooks: true,
            },
            listen: ([127, 0, 0, 1], 0).into(),
            allowed_origins: Vec::new(),
            frame_ancestors: "'none'".into(),
            dist_dir,
            upstream_timeout: Duration::from_secs(10),
            thryve_connect_url: Url::parse(DEFAULT_CONNECT_URL).expect("a valid constant"),
        }
    }

    pub fn is_sandbox(&self) -> bool {
        matches!(self.mode, Mode::Sandbox { .. })
    }
}

fn parse_secs(
    value: Option<String>,
    default: u64,
    name: &str,
    problems: &mut Vec<String>,
) -> Duration {
    match value {
        None => Duration::from_secs(default),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n > 0 => Duration::from_secs(n),
            _ => {
                problems.push(format!(
                    "{name} {v:?} must be a whole number of seconds above 0"
                ));
                Duration::from_secs(default)
            }
        },
    }
}

fn parse_url(value: &str, name: &str, problems: &mut Vec<String>) -> Option<Url> {
    match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
        _ => {
            problems.push(format!("{name} {value:?} is not an http(s) URL"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Settings, String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_env(|name| map.get(name).cloned())
    }

    #[test]
    fn no_credentials_means_sandbox() {
        let settings = from(&[]).unwrap();
        assert!(settings.is_sandbox());
        assert_eq!(settings.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(settings.frame_ancestors, "'none'");
    }

    #[test]
    fn all_credentials_and_a_key_mean_live() {
        let settings = from(&[
            ("THRYVE_USERNAME", "u"),
            ("THRYVE_PASSWORD", "p"),
            ("THRYVE_AUTH_ID", "a"),
            ("THRYVE_AUTH_SECRET", "s"),
            ("THRYVE_USER_ID_KEY", "k".repeat(32).as_str()),
            ("THRYVE_USER_HEADER", "X-Forwarded-User"),
        ])
        .unwrap();
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
        .unwrap_err();
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
        let err = from(&[
            ("THRYVE_USERNAME", "u"),
            ("THRYVE_PASSWORD", "p"),
            ("THRYVE_AUTH_ID", "a"),
            ("THRYVE_AUTH_SECRET", "s"),
            ("THRYVE_USER_ID_KEY", "short"),
        ])
        .unwrap_err();
        assert!(err.contains("at least 32"));
    }
}
