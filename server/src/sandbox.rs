//! An offline stand-in for Thryve: connection sessions with expiring tokens, the direct
//! connect/revoke pages, the result page that forwards to `redirect_uri`, and per-user state in
//! memory. It behaves like Thryve as seen from the browser (see the reference).

use rand::Rng;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use url::Url;

/// The sources the sandbox lets a user connect (Thryve's web sources).
pub const WEB_SOURCES: &[(u32, &str)] = &[
    (1, "Fitbit"),
    (2, "Garmin"),
    (3, "Polar"),
    (8, "Withings"),
    (11, "Strava"),
    (16, "Omron Connect"),
    (17, "Suunto"),
    (18, "Oura"),
    (21, "iHealth"),
    (27, "Beurer"),
    (38, "Huawei Health"),
    (41, "Dexcom"),
    (42, "Whoop"),
    (43, "Decathlon"),
    (45, "Komoot"),
    (46, "FreeStyle Libre"),
];

pub fn source_name(id: u32) -> Option<&'static str> {
    WEB_SOURCES.iter().find(|(i, _)| *i == id).map(|(_, n)| *n)
}

/// How the sandbox's token endpoint behaves (switchable at run time, for tests and demos).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionFault {
    #[default]
    Ok,
    /// 503 with a JSON error.
    Down,
    /// 200 with an HTML body.
    Garbage,
}

/// What the sandbox saw, for tests: every page hit and revoke.
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub event: &'static str,
    pub token: Option<String>,
    #[serde(rename = "dataSource")]
    pub data_source: Option<String>,
    pub redirect_uri: Option<String>,
    pub direct: Option<String>,
    pub outcome: Option<&'static str>,
}

struct Token {
    user: String,
    expires: Instant,
}

#[derive(Default)]
struct State {
    tokens: HashMap<String, Token>,
    connected: HashMap<String, BTreeSet<u32>>,
    log: Vec<LogEntry>,
    fault: SessionFault,
}

pub struct Sandbox {
    state: Mutex<State>,
    ttl: Duration,
}

/// Why a token cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Unknown,
    Expired,
}

impl Sandbox {
    pub fn new(ttl: Duration) -> Sandbox {
        Sandbox {
            state: Mutex::new(State::default()),
            ttl,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        // A panic while holding the lock leaves plain data behind; keep serving.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut state)
    }

    pub fn fault(&self) -> SessionFault {
        self.with(|s| s.fault)
    }

    pub fn set_fault(&self, fault: SessionFault) {
        self.with(|s| s.fault = fault);
    }

    /// A new session token for `user`, in Thryve's shape (`1060285265X4247109939067552841`).
    pub fn new_session(&self, user: &str) -> String {
        let mut rng = rand::thread_rng();
        let token = format!(
            "{:010}X{:019}",
            rng.gen_range(0..10_000_000_000u64),
            rng.gen_range(0..10_000_000_000_000_000_000u64)
        );
        let expires = Instant::now() + self.ttl;
        self.with(|s| {
            s.tokens.retain(|_, t| t.expires > Instant::now());
            s.tokens.insert(
                token.clone(),
                Token {
                    user: user.to_owned(),
                    expires,
                },
            );
        });
        token
    }

    /// The user a token belongs to, if it is known and not expired.
    pub fn user_of(&self, token: &str) -> Result<String, TokenProblem> {
        self.with(|s| match s.tokens.get(token) {
            None => Err(TokenProblem::Unknown),
            Some(t) if t.expires <= Instant::now() => Err(TokenProblem::Expired),
            Some(t) => Ok(t.user.clone()),
        })
    }

    pub fn connected(&self, user: &str) -> BTreeSet<u32> {
        self.with(|s| s.connected.get(user).cloned().unwrap_or_default())
    }

    pub fn set_connected(&self, user: &str, source: u32, connected: bool) {
        self.with(|s| {
            let set = s.connected.entry(user.to_owned()).or_default();
            if connected {
                set.insert(source);
            } else {
                set.remove(&source);
            }
        });
    }

    pub fn record(&self, entry: LogEntry) {
        self.with(|s| {
            if s.log.len() >= 1000 {
                s.log.remove(0);
            }
            s.log.push(entry);
        });
    }

    pub fn log(&self) -> Vec<LogEntry> {
        self.with(|s| s.log.clone())
    }

    /// Expires every token now (for tests of the expired-token path).
    pub fn expire_tokens(&self) {
        self.with(|s| {
            for token in s.tokens.values_mut() {
                token.expires = Instant::now();
            }
        });
    }
}

/// The URL Thryve's result page forwards to: `redirect_uri` with `dataSource` and `connected`
/// added to its query (a fragment stays at the end).
pub fn forward_url(redirect_uri: &Url, data_source: &str, connected: bool) -> Url {
    let mut url = redirect_uri.clone();
    url.query_pairs_mut()
        .append_pair("dataSource", data_source)
        .append_pair("connected", if connected { "true" } else { "false" });
    url
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A sandbox page: plain HTML, no script, styled by `/sandbox/sandbox.css`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Thryve sandbox</title>
<link rel="stylesheet" href="/sandbox/sandbox.css">
</head>
<body>
<main class="sandbox">
<p class="sandbox__brand">Thryve sandbox <span>offline stand-in, no real data</span></p>
{body}
</main>
</body>
</html>
"#,
        title = escape(title)
    )
}

/// The consent page of a connect.
pub fn consent_page(
    source: &str,
    token: &str,
    data_source: &str,
    redirect_uri: Option<&str>,
) -> String {
    let redirect = redirect_uri
        .map(|r| {
            format!(
                r#"<input type="hidden" name="redirect_uri" value="{}">"#,
                escape(r)
            )
        })
        .unwrap_or_default();
    page(
        &format!("Connect {source}"),
        &format!(
            r#"<h1>Allow Demo App to read your {source} data?</h1>
<p>Demo App will receive your activity, sleep and heart rate data from {source}. You can disconnect at any time.</p>
<form method="post" action="/sandbox/authorize">
<input type="hidden" name="token" value="{token}">
<input type="hidden" name="dataSource" value="{data_source}">
{redirect}
<button type="submit" name="decision" value="allow" class="sandbox__allow">Allow</button>
<button type="submit" name="decision" value="deny" class="sandbox__deny">Deny</button>
</form>"#,
            source = escape(source),
            token = escape(token),
            data_source = escape(data_source),
        ),
    )
}

/// The result page shown when there is no `redirect_uri` to forward to.
pub fn result_page(source: Option<&str>, data_source: &str, connected: bool) -> String {
    let name = source
        .map(escape)
        .unwrap_or_else(|| format!("Data source {}", escape(data_source)));
    let (title, text) = if connected {
        ("Connected", format!("{name} is connected."))
    } else {
        ("Not connected", format!("{name} is not connected."))
    };
    page(
        title,
        &format!(
            r#"<h1 data-connected="{connected}">{text}</h1>
<p>You can close this tab and return to the app.</p>"#
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_and_belong_to_their_user() {
        let sandbox = Sandbox::new(Duration::from_secs(60));
        let token = sandbox.new_session("alice");
        assert_eq!(token.len(), 30);
        assert_eq!(token.as_bytes()[10], b'X');
        assert_eq!(sandbox.user_of(&token), Ok("alice".into()));
        assert_eq!(sandbox.user_of("nope"), Err(TokenProblem::Unknown));
        sandbox.expire_tokens();
        assert_eq!(sandbox.user_of(&token), Err(TokenProblem::Expired));
    }

    #[test]
    fn state_is_per_user() {
        let sandbox = Sandbox::new(Duration::from_secs(60));
        sandbox.set_connected("alice", 1, true);
        sandbox.set_connected("alice", 11, true);
        sandbox.set_connected("alice", 1, false);
        assert_eq!(sandbox.connected("alice"), BTreeSet::from([11]));
        assert!(sandbox.connected("bob").is_empty());
    }

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
    fn pages_escape_what_they_echo() {
        let html = consent_page("Fitbit", "t\"><script>", "1", Some("http://x/?a=1&b=<2>"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("t&quot;&gt;&lt;script&gt;"));
        assert!(html.contains("a=1&amp;b=&lt;2&gt;"));
        assert!(html.contains("Allow Demo App to read your Fitbit data?"));
    }
}
