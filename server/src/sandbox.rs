//! The sandbox's state: an offline stand-in for Thryve, with connection sessions whose tokens
//! expire, each user's connected sources, and a log of what it saw, all in memory. Its pages are
//! in `sandbox_pages` (routes) and `sandbox_html` (templates).

use rand::Rng;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use thryve_connect_protocol::SourceId;

/// How the sandbox's token endpoint behaves (switchable at run time, for tests and demos).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionFault {
    /// Answers like Thryve.
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
    /// `connect-page`, `authorize`, `revoke-page` or `revoke`.
    pub event: &'static str,
    /// The request's parameters, as sent.
    pub token: Option<String>,
    #[serde(rename = "dataSource")]
    pub data_source: Option<String>,
    pub redirect_uri: Option<String>,
    pub direct: Option<String>,
    /// What came of it: `connected`, `denied`, `refused`, `revoked`; none for a page shown.
    pub outcome: Option<&'static str>,
}

struct Token {
    user: String,
    expires: Instant,
}

#[derive(Default)]
struct State {
    tokens: HashMap<String, Token>,
    connected: HashMap<String, BTreeSet<SourceId>>,
    log: Vec<LogEntry>,
    fault: SessionFault,
}

/// The sandbox, shared by its token endpoint and its pages.
pub struct Sandbox {
    state: Mutex<State>,
    ttl: Duration,
}

/// Why a token cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    /// The sandbox never issued it.
    Unknown,
    /// It outlived its time to live.
    Expired,
}

impl fmt::Display for TokenProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenProblem::Unknown => "the sandbox did not issue this token",
            TokenProblem::Expired => "the token has expired",
        })
    }
}

impl std::error::Error for TokenProblem {}

impl Sandbox {
    /// An empty sandbox whose tokens live for `ttl`.
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

    /// How the token endpoint behaves now.
    pub fn fault(&self) -> SessionFault {
        self.with(|s| s.fault)
    }

    /// Switches how the token endpoint behaves.
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

    /// The sources `user` has connected.
    pub fn connected(&self, user: &str) -> BTreeSet<SourceId> {
        self.with(|s| s.connected.get(user).cloned().unwrap_or_default())
    }

    /// Connects or disconnects a source for `user`.
    pub fn set_connected(&self, user: &str, source: SourceId, connected: bool) {
        self.with(|s| {
            let set = s.connected.entry(user.to_owned()).or_default();
            if connected {
                set.insert(source);
            } else {
                set.remove(&source);
            }
        });
    }

    /// Adds to the log (which keeps the last 1000 entries).
    pub fn record(&self, entry: LogEntry) {
        self.with(|s| {
            if s.log.len() >= 1000 {
                s.log.remove(0);
            }
            s.log.push(entry);
        });
    }

    /// The log, oldest first.
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
}
