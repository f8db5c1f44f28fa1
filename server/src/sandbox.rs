//! The sandbox's state: an offline stand-in for Thryve, with connection sessions whose tokens
//! expire, each user's connected sources, and (with the test hooks) a log of what it saw, all in
//! memory and all bounded: expired tokens leave a queue ordered by expiry, each user keeps at
//! most [`TOKENS_PER_USER`] live tokens, a user with nothing connected takes no memory, and the
//! log keeps [`LOG_ENTRIES`] entries of short fields. Its pages are in `sandbox_pages` (routes)
//! and `sandbox_html` (templates).

use rand::Rng;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use thryve_connect_protocol::endpoint::{Connection, StatusAnswer};
use thryve_connect_protocol::{IdMap, SourceId};

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

/// How many live tokens a user keeps; a new session drops the user's oldest beyond this.
pub const TOKENS_PER_USER: usize = 16;
/// How many entries the log keeps (the oldest go first).
pub const LOG_ENTRIES: usize = 200;
/// The longest field the log keeps, in characters; longer ones are cut.
pub const LOG_FIELD: usize = 256;

/// What the sandbox saw, for tests: every page hit and revoke.
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    /// `connect-page`, `authorize`, `revoke-page` or `revoke`.
    pub event: &'static str,
    /// The request's parameters, as sent (cut to [`LOG_FIELD`] characters).
    pub token: Option<String>,
    #[serde(rename = "dataSource")]
    pub data_source: Option<String>,
    pub redirect_uri: Option<String>,
    pub direct: Option<String>,
    /// What came of it: `connected`, `denied`, `refused`, `revoked`; none for a page shown.
    pub outcome: Option<&'static str>,
}

impl LogEntry {
    /// The entry with every field cut to [`LOG_FIELD`] characters.
    fn truncated(mut self) -> LogEntry {
        for field in [
            &mut self.token,
            &mut self.data_source,
            &mut self.redirect_uri,
            &mut self.direct,
        ] {
            if let Some((cut, _)) = field
                .as_deref()
                .and_then(|f| f.char_indices().nth(LOG_FIELD))
            {
                if let Some(value) = field.as_mut() {
                    value.truncate(cut);
                }
            }
        }
        self
    }
}

struct Token {
    user: String,
    expires: Instant,
}

#[derive(Default)]
struct State {
    tokens: HashMap<String, Token>,
    /// Every issued token, in order of expiry (tokens share one time to live).
    expiry: VecDeque<(Instant, String)>,
    /// Each user's live tokens, oldest first; users without one have no entry.
    by_user: HashMap<String, VecDeque<String>>,
    /// Users with at least one connected source; others have no entry. Each connection has
    /// everything the richer status answer can say: since when, last data (the sandbox's data
    /// "arrives" when the source is connected), whether it must be connected again.
    connected: HashMap<String, BTreeMap<SourceId, Connection>>,
    log: VecDeque<LogEntry>,
    fault: SessionFault,
    no_user_key: bool,
    /// Status answers with plain IDs only (tests that look at something else).
    plain_status: bool,
}

impl State {
    /// Forgets a token (and its user's entry once the user has none).
    fn forget(&mut self, token: &str) {
        let Some(Token { user, .. }) = self.tokens.remove(token) else {
            return;
        };
        if let Some(list) = self.by_user.get_mut(&user) {
            list.retain(|t| t != token);
            if list.is_empty() {
                self.by_user.remove(&user);
            }
        }
    }

    /// Drops the tokens expired at `now` from the front of the expiry queue; returns how many
    /// queue entries it looked at (the expired ones and at most one more), whatever the number
    /// of live tokens.
    fn sweep(&mut self, now: Instant) -> usize {
        let mut looked = 0;
        while let Some((expires, _)) = self.expiry.front() {
            looked += 1;
            if *expires > now {
                break;
            }
            if let Some((_, token)) = self.expiry.pop_front() {
                self.forget(&token);
            }
        }
        looked
    }
}

/// The sandbox, shared by its token endpoint and its pages.
pub struct Sandbox {
    state: Mutex<State>,
    ttl: Duration,
    log: bool,
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

/// Now, in milliseconds since the Unix epoch, to the second.
fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| {
        i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 1000) * 1000
    })
}

impl Sandbox {
    /// An empty sandbox whose tokens live for `ttl`; `log` keeps a log (for the test hooks).
    pub fn new(ttl: Duration, log: bool) -> Sandbox {
        Sandbox {
            state: Mutex::new(State::default()),
            ttl,
            log,
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

    /// Whether session answers carry the user key (on by default; tests switch it off to see
    /// the screen without one).
    pub fn sends_user_key(&self) -> bool {
        !self.with(|s| s.no_user_key)
    }

    /// Switches the user key in session answers on or off.
    pub fn set_sends_user_key(&self, send: bool) {
        self.with(|s| s.no_user_key = !send);
    }

    /// A new session token for `user`, in Thryve's shape (`1060285265X4247109939067552841`).
    pub fn new_session(&self, user: &str) -> String {
        let mut rng = rand::thread_rng();
        let token = format!(
            "{:010}X{:019}",
            rng.gen_range(0..10_000_000_000u64),
            rng.gen_range(0..10_000_000_000_000_000_000u64)
        );
        let now = Instant::now();
        let expires = now + self.ttl;
        self.with(|s| {
            s.sweep(now);
            let list = s.by_user.entry(user.to_owned()).or_default();
            list.push_back(token.clone());
            let dropped = if list.len() > TOKENS_PER_USER {
                list.pop_front()
            } else {
                None
            };
            if let Some(oldest) = dropped {
                // Its queue entry stays until it is due and then finds nothing to forget.
                s.forget(&oldest);
            }
            s.tokens.insert(
                token.clone(),
                Token {
                    user: user.to_owned(),
                    expires,
                },
            );
            s.expiry.push_back((expires, token.clone()));
            // Tokens dropped by the cap leave their queue entries behind: compact now and then
            // (amortised constant work), so that the queue stays within twice the live tokens.
            if s.expiry.len() > 2 * s.tokens.len() + 64 {
                let State { expiry, tokens, .. } = s;
                expiry.retain(|(_, t)| tokens.contains_key(t));
            }
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

    /// The sources `user` has connected, with their details: the status endpoint's answer.
    pub fn connected(&self, user: &str) -> StatusAnswer {
        let (connections, plain) = self.with(|s| {
            let connections = s.connected.get(user).cloned().unwrap_or_default();
            (connections, s.plain_status)
        });
        StatusAnswer {
            connected: connections.keys().copied().collect(),
            details: if plain {
                IdMap::new()
            } else {
                connections.into_iter().collect()
            },
        }
    }

    /// Switches the details in status answers on (the default) or off (plain IDs).
    pub fn set_status_details(&self, details: bool) {
        self.with(|s| s.plain_status = !details);
    }

    /// Connects or disconnects a source for `user`. Connecting one that is connected already
    /// (a reconnect) keeps its `since` and clears `needsReconnect`.
    pub fn set_connected(&self, user: &str, source: SourceId, connected: bool) {
        self.with(|s| {
            if connected {
                let now = now_ms();
                let connection = s
                    .connected
                    .entry(user.to_owned())
                    .or_default()
                    .entry(source)
                    .or_insert(Connection {
                        since_ms: Some(now),
                        ..Connection::default()
                    });
                connection.last_data_ms = Some(now);
                connection.needs_reconnect = false;
            } else if let Some(sources) = s.connected.get_mut(user) {
                sources.remove(&source);
                if sources.is_empty() {
                    s.connected.remove(user);
                }
            }
        });
    }

    /// Marks a connected source as needing a reconnect (its authorisation expired at the
    /// source, as a demo and test hook); `false` when it is not connected.
    pub fn set_needs_reconnect(&self, user: &str, source: SourceId, needs: bool) -> bool {
        self.with(|s| {
            let connection = s.connected.get_mut(user).and_then(|c| c.get_mut(&source));
            connection.map(|c| c.needs_reconnect = needs).is_some()
        })
    }

    /// Adds to the log, when the sandbox keeps one (the last [`LOG_ENTRIES`] entries, each
    /// field cut to [`LOG_FIELD`] characters).
    pub fn record(&self, entry: LogEntry) {
        if !self.log {
            return;
        }
        let entry = entry.truncated();
        self.with(|s| {
            if s.log.len() >= LOG_ENTRIES {
                s.log.pop_front();
            }
            s.log.push_back(entry);
        });
    }

    /// The log, oldest first.
    pub fn log(&self) -> Vec<LogEntry> {
        self.with(|s| s.log.iter().cloned().collect())
    }

    /// Expires every token now (for tests of the expired-token path). They are kept (so that
    /// they answer "expired", not "unknown") until the next sweep.
    pub fn expire_tokens(&self) {
        self.with(|s| {
            let now = Instant::now();
            for token in s.tokens.values_mut() {
                token.expires = now;
            }
            for entry in s.expiry.iter_mut() {
                entry.0 = now;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use thryve_connect_protocol::IdSet;

    #[test]
    fn tokens_expire_and_belong_to_their_user() {
        let sandbox = Sandbox::new(Duration::from_secs(60), false);
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
        let sandbox = Sandbox::new(Duration::from_secs(60), false);
        sandbox.set_connected("alice", 1, true);
        sandbox.set_connected("alice", 11, true);
        sandbox.set_connected("alice", 1, false);
        assert_eq!(sandbox.connected("alice").connected, IdSet::from([11]));
        assert!(sandbox.connected("bob").connected.is_empty());
    }

    fn sizes(sandbox: &Sandbox) -> (usize, usize, usize, usize) {
        sandbox.with(|s| {
            (
                s.tokens.len(),
                s.expiry.len(),
                s.by_user.len(),
                s.connected.len(),
            )
        })
    }

    #[test]
    fn a_sweep_looks_only_at_expired_tokens_whatever_their_number() {
        // 10,000 live tokens of 1,000 users: a new session looks at one queue entry.
        let sandbox = Sandbox::new(Duration::from_secs(600), false);
        for i in 0..10_000 {
            sandbox.new_session(&format!("user{}", i % 1000));
        }
        assert_eq!(sizes(&sandbox), (10_000, 10_000, 1000, 0));
        assert_eq!(sandbox.with(|s| s.sweep(Instant::now())), 1);
        // Once all have expired, the next sweep pops exactly those, and the users go too.
        sandbox.expire_tokens();
        let looked = sandbox.with(|s| s.sweep(Instant::now() + Duration::from_millis(1)));
        assert_eq!(looked, 10_000);
        assert_eq!(sizes(&sandbox), (0, 0, 0, 0));
        sandbox.new_session("alice");
        assert_eq!(sandbox.with(|s| s.sweep(Instant::now())), 1);
    }

    #[test]
    fn each_user_keeps_at_most_sixteen_live_tokens() {
        let sandbox = Sandbox::new(Duration::from_secs(600), false);
        let tokens: Vec<String> = (0..40).map(|_| sandbox.new_session("mallory")).collect();
        let other = sandbox.new_session("alice");
        assert_eq!(sizes(&sandbox).0, TOKENS_PER_USER + 1);
        assert_eq!(
            sandbox.user_of(&tokens[0]),
            Err(TokenProblem::Unknown),
            "oldest dropped"
        );
        assert_eq!(sandbox.user_of(&tokens[39]), Ok("mallory".into()));
        assert_eq!(
            sandbox.user_of(&tokens[40 - TOKENS_PER_USER]),
            Ok("mallory".into())
        );
        assert_eq!(
            sandbox.user_of(&other),
            Ok("alice".into()),
            "others keep theirs"
        );
        for _ in 0..1000 {
            sandbox.new_session("mallory");
        }
        let (tokens, queue, users, _) = sizes(&sandbox);
        assert_eq!((tokens, users), (TOKENS_PER_USER + 1, 2));
        assert!(
            queue <= 2 * tokens + 65,
            "the queue stays bounded too: {queue}"
        );
    }

    #[test]
    fn users_with_nothing_connected_take_no_memory() {
        let sandbox = Sandbox::new(Duration::from_secs(60), false);
        for i in 0..100 {
            sandbox.set_connected(&format!("revoker{i}"), 1, false);
        }
        assert_eq!(sizes(&sandbox).3, 0, "a revoke of nothing adds nothing");
        sandbox.set_connected("alice", 1, true);
        sandbox.set_connected("alice", 1, false);
        assert_eq!(sizes(&sandbox).3, 0);
        assert!(sandbox.connected("alice").connected.is_empty());
    }

    #[test]
    fn connections_say_since_when_last_data_and_reconnect() {
        let sandbox = Sandbox::new(Duration::from_secs(60), false);
        let before = now_ms();
        assert_eq!(before % 1000, 0, "whole seconds");
        sandbox.set_connected("alice", 1, true);
        let first = sandbox.connected("alice").details[&1];
        assert!(first.since_ms.is_some_and(|t| t >= before));
        assert_eq!(first.last_data_ms, first.since_ms);
        assert!(!first.needs_reconnect);

        assert!(sandbox.set_needs_reconnect("alice", 1, true));
        assert!(
            !sandbox.set_needs_reconnect("alice", 8, true),
            "not connected"
        );
        assert!(!sandbox.set_needs_reconnect("bob", 1, true));
        assert!(sandbox.connected("alice").details[&1].needs_reconnect);
        assert!(sandbox.connected("bob").details.is_empty());
        sandbox.set_status_details(false);
        assert!(sandbox.connected("alice").details.is_empty());
        assert_eq!(sandbox.connected("alice").connected.len(), 1);
        sandbox.set_status_details(true);

        // A reconnect keeps `since` and clears the flag.
        sandbox.set_connected("alice", 1, true);
        let again = sandbox.connected("alice").details[&1];
        assert_eq!(again.since_ms, first.since_ms);
        assert!(!again.needs_reconnect);
    }

    fn entry(token: &str) -> LogEntry {
        LogEntry {
            event: "connect-page",
            token: Some(token.to_owned()),
            data_source: Some("é".repeat(1000)),
            redirect_uri: None,
            direct: None,
            outcome: None,
        }
    }

    #[test]
    fn the_log_is_kept_only_for_tests_and_bounded() {
        let quiet = Sandbox::new(Duration::from_secs(60), false);
        quiet.record(entry("t"));
        assert!(quiet.log().is_empty(), "no log without the test hooks");

        let sandbox = Sandbox::new(Duration::from_secs(60), true);
        for i in 0..LOG_ENTRIES + 50 {
            sandbox.record(entry(&format!("{i}{}", "x".repeat(1 << 20))));
        }
        let log = sandbox.log();
        assert_eq!(log.len(), LOG_ENTRIES);
        assert!(
            log[0].token.as_deref().unwrap().starts_with("50x"),
            "oldest go first"
        );
        assert_eq!(log[0].token.as_deref().unwrap().chars().count(), LOG_FIELD);
        assert_eq!(
            log[0].data_source.as_deref().unwrap().chars().count(),
            LOG_FIELD
        );
    }
}
