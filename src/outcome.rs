//! What happened when the user comes back from Thryve: reading `connected`/`dataSource` from the
//! address, tying it to the attempt this page recorded before it left, and cleaning the address.
//!
//! Thryve's `connected` flag is unsigned: anybody can craft `?connected=true`. A result is only
//! taken when it carries the nonce of the attempt this tab started and is still waiting for (kept
//! in sessionStorage, sent out inside `redirect_uri` as [`ATTEMPT_PARAM`], used up on the first
//! return). A link without it, with another nonce, or replayed later changes nothing. The flag
//! itself stays unsigned: whoever holds the redirect with the nonce can still choose `true` or
//! `false`; the status endpoint, where there is one, is the truth.

use crate::catalogue::SourceId;
use thryve_connect_protocol::address::{form_encode, form_pairs, Url};
use thryve_connect_protocol::json::Json;
use thryve_connect_protocol::thryve::{Action, CONNECTED_PARAM, SOURCE_PARAM};

/// The parameter of ours that `redirect_uri` carries: the attempt's nonce. Removed from the
/// address with Thryve's result parameters.
pub const ATTEMPT_PARAM: &str = "tc_attempt";

/// How long a recorded attempt may wait for its result. A vendor login with two-factor
/// authentication takes minutes, not hours.
pub const ATTEMPT_TTL_MS: f64 = 30.0 * 60.0 * 1000.0;

/// The result parameters found in an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Return {
    /// `Some` when every `connected` value is a clean `true` or `false` and they agree.
    pub connected: Option<bool>,
    /// `Some` when every `dataSource` value is a number and they agree.
    pub source: Option<SourceId>,
    /// The attempt's nonce, when every `tc_attempt` value agrees.
    pub attempt: Option<String>,
    /// Something was present but unreadable (a bad value, or values that disagree).
    pub malformed: bool,
}

/// Reads the result parameters. `None` when the address carries no `connected` parameter at all.
///
/// Tolerates the ways Thryve might append to a `redirect_uri` that already had a query or a
/// hash-router fragment (`?tab=a?connected=true`, `#/sources?connected=true`): that part of
/// Thryve's behaviour is unconfirmed.
pub fn read_return(url: &Url) -> Option<Return> {
    let pairs = result_pairs(url);
    let connected: Vec<&str> = values(&pairs, CONNECTED_PARAM);
    if connected.is_empty() {
        return None;
    }
    let sources: Vec<&str> = values(&pairs, SOURCE_PARAM);
    let mut malformed = false;

    let connected = agree(connected.iter().map(|v| parse_bool(v)));
    malformed |= connected.is_none();

    let source = if sources.is_empty() {
        None
    } else {
        let source = agree(sources.iter().map(|v| v.trim().parse::<SourceId>().ok()));
        malformed |= source.is_none();
        source
    };
    let attempts = values(&pairs, ATTEMPT_PARAM);
    let attempt = if attempts.is_empty() {
        None
    } else {
        let attempt = agree(attempts.iter().map(|v| Some(*v))).map(str::to_owned);
        malformed |= attempt.is_none();
        attempt
    };
    Some(Return {
        connected,
        source,
        attempt,
        malformed,
    })
}

fn parse_bool(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The single value all items share; `None` if any is `None` or two differ.
fn agree<T: PartialEq>(mut items: impl Iterator<Item = Option<T>>) -> Option<T> {
    let first = items.next()??;
    for item in items {
        if item? != first {
            return None;
        }
    }
    Some(first)
}

fn values<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Every key/value pair that may carry a result: the query, a second `?...` glued onto a query
/// value, and a `?...` inside the fragment.
fn result_pairs(url: &Url) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if let Some(query) = url.query() {
        collect_pairs(query, &mut pairs);
    }
    if let Some((_, tail)) = url.fragment().and_then(|f| f.split_once('?')) {
        collect_pairs(tail, &mut pairs);
    }
    pairs
}

/// How many `?` deep a glued-on query is followed. Thryve appends once; a crafted address with
/// thousands of them must cost neither stack nor quadratic time.
const MAX_GLUED: usize = 4;

fn collect_pairs(query: &str, out: &mut Vec<(String, String)>) {
    let mut queue = vec![query.to_owned()];
    let mut depth = 0;
    while let Some(next) = queue.pop() {
        for (key, value) in form_pairs(&next) {
            match value.split_once('?') {
                Some((head, tail)) if depth < MAX_GLUED => {
                    out.push((key, head.to_owned()));
                    queue.push(tail.to_owned());
                }
                _ => out.push((key, value)),
            }
        }
        depth += 1;
    }
}

/// The address without result parameters (Thryve's and our nonce), for `history.replaceState`,
/// so that a reload does not show the result again. Returns `None` when there is nothing to
/// remove.
pub fn clean_address(url: &Url) -> Option<Url> {
    if !result_pairs(url).iter().any(|(k, _)| is_result_key(k)) {
        return None;
    }
    let mut clean = url.clone();
    let query = url.query().map(kept_pairs).unwrap_or_default();
    if query.is_empty() {
        clean.set_query(None);
    } else {
        clean.set_query(Some(&encode(&query)));
    }
    if let Some((route, tail)) = url.fragment().and_then(|f| f.split_once('?')) {
        let kept = kept_pairs(tail);
        let fragment = if kept.is_empty() {
            route.to_owned()
        } else {
            format!("{route}?{}", encode(&kept))
        };
        clean.set_fragment(Some(&fragment));
    }
    Some(clean)
}

fn encode(pairs: &[(String, String)]) -> String {
    form_encode(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The pairs of a query (glued-on parts included) without the result parameters.
fn kept_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    collect_pairs(query, &mut pairs);
    pairs.retain(|(k, _)| !is_result_key(k));
    pairs
}

fn is_result_key(key: &str) -> bool {
    key == CONNECTED_PARAM || key == SOURCE_PARAM || key == ATTEMPT_PARAM
}

/// Where Thryve sends the user back for `attempt`: `back_to` with the attempt's nonce added.
pub fn redirect_with_nonce(back_to: &Url, attempt: &Attempt) -> Url {
    let mut url = back_to.clone();
    url.append_pairs(&[(ATTEMPT_PARAM, &attempt.nonce)]);
    url
}

/// An attempt this page started, recorded before it leaves for Thryve.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub action: Action,
    pub source: SourceId,
    /// Milliseconds since the Unix epoch.
    pub started_at_ms: f64,
    /// A random ID: it travels in `redirect_uri`, binds the return to this attempt, and names
    /// the attempt in events.
    pub nonce: String,
    /// The key of the screen that started it ([`crate::Config::screen_key`]): with several
    /// screens on a page, only that one shows the result.
    pub screen: String,
    /// A connect of a source the status said must be connected again: if it fails, the source
    /// is still connected (a failed connect cannot disconnect).
    pub reconnect: bool,
}

impl Attempt {
    pub fn to_json(&self) -> String {
        let mut json = Json::object([
            ("action", self.action.as_str().into()),
            ("source", self.source.into()),
            // Whole milliseconds (the clock gives no finer ones).
            ("started_at_ms", (self.started_at_ms.max(0.0) as u64).into()),
            ("nonce", self.nonce.as_str().into()),
            ("screen", self.screen.as_str().into()),
        ]);
        if self.reconnect {
            json.set("reconnect", true.into());
        }
        json.to_string()
    }

    /// Reads a stored attempt; anything unreadable counts as no attempt. Attempts stored by
    /// earlier versions (`started_at_ms` written as `1796055386448.0`, no `screen`) still read.
    pub fn from_json(text: &str) -> Option<Attempt> {
        let json = Json::parse(text).ok()?;
        let action = match json.get("action")?.as_str()? {
            "connect" => Action::Connect,
            "disconnect" => Action::Disconnect,
            _ => return None,
        };
        let started_at_ms = match json.get("started_at_ms")? {
            Json::Number(text) => text
                .strip_suffix(".0")
                .unwrap_or(text)
                .parse::<u64>()
                .ok()?,
            _ => return None,
        };
        Some(Attempt {
            action,
            source: SourceId::try_from(json.get("source")?.as_u64()?).ok()?,
            started_at_ms: started_at_ms as f64,
            nonce: json.get("nonce")?.as_str()?.to_owned(),
            screen: match json.get("screen") {
                Some(screen) => screen.as_str()?.to_owned(),
                None => String::new(),
            },
            reconnect: json.get("reconnect").and_then(Json::as_bool) == Some(true),
        })
    }

    fn is_current(&self, now_ms: f64) -> bool {
        let age = now_ms - self.started_at_ms;
        (0.0..=ATTEMPT_TTL_MS).contains(&age)
    }
}

/// A finished connect or disconnect, as the screen reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub action: Action,
    pub source: SourceId,
    pub success: bool,
    /// The attempt's nonce, when the outcome came back from Thryve.
    pub attempt: Option<String>,
}

impl Outcome {
    /// Whether the source is connected after this outcome.
    pub fn connected_after(&self) -> bool {
        self.action.connected_on_success() == self.success
    }
}

/// What a return means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// It answers the attempt this tab recorded.
    Matched(Outcome),
    /// Nothing this tab started (or it is unreadable): never shown as a success, and it does not
    /// change the state the screen shows.
    Unmatched,
}

/// Whether the screen with key `screen` reads the result in the address: yes, unless a recent
/// attempt recorded by another screen on this page is waiting for it (that screen will). An
/// attempt without a key (recorded by a screen without one, or by an earlier version) is anyone's.
pub fn is_for_screen(attempt: Option<&Attempt>, screen: &str, now_ms: f64) -> bool {
    attempt.is_none_or(|attempt| {
        attempt.screen.is_empty() || attempt.screen == screen || !attempt.is_current(now_ms)
    })
}

/// Ties a return to the recorded attempt: the nonce must be the attempt's, the source (when
/// given) its source, and the attempt recent.
pub fn resolve(ret: &Return, attempt: Option<&Attempt>, now_ms: f64) -> Resolution {
    let (Some(connected), Some(attempt)) = (ret.connected, attempt) else {
        return Resolution::Unmatched;
    };
    let same_source = ret.source.is_none_or(|source| source == attempt.source);
    let same_attempt = ret.attempt.as_deref() == Some(attempt.nonce.as_str());
    if ret.malformed || !same_source || !same_attempt || !attempt.is_current(now_ms) {
        return Resolution::Unmatched;
    }
    Resolution::Matched(Outcome {
        action: attempt.action,
        source: attempt.source,
        success: connected == attempt.action.connected_on_success(),
        attempt: Some(attempt.nonce.clone()),
    })
}

// Host tests (`cargo test`); the browser tests are in tests/web/.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_result_belongs_to_the_screen_that_started_the_attempt() {
        let mut started = attempt(Action::Connect, 1);
        started.screen = "left".into();
        let now = started.started_at_ms + 1_000.0;
        assert!(is_for_screen(Some(&started), "left", now));
        assert!(!is_for_screen(Some(&started), "right", now));
        assert!(
            is_for_screen(None, "right", now),
            "no attempt: anyone cleans up"
        );
        let later = started.started_at_ms + ATTEMPT_TTL_MS + 1.0;
        assert!(
            is_for_screen(Some(&started), "right", later),
            "a stale attempt blocks nobody"
        );
        // Attempts stored by an earlier version have no screen: anyone's.
        let old = format!(
            r#"{{"action":"connect","source":1,"started_at_ms":{}.0,"nonce":"n"}}"#,
            started.started_at_ms
        );
        let old = Attempt::from_json(&old).unwrap();
        assert_eq!(old.screen, "");
        assert_eq!(old.started_at_ms, started.started_at_ms);
        assert!(is_for_screen(Some(&old), "right", now));
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn attempt(action: Action, source: SourceId) -> Attempt {
        Attempt {
            action,
            source,
            started_at_ms: 1_000.0,
            nonce: "n1".into(),
            screen: String::new(),
            reconnect: false,
        }
    }

    #[test]
    fn reads_the_documented_shape() {
        let ret = read_return(&url("https://app.test/?dataSource=8&connected=true")).unwrap();
        assert_eq!(
            ret,
            Return {
                connected: Some(true),
                source: Some(8),
                attempt: None,
                malformed: false
            }
        );
        assert_eq!(read_return(&url("https://app.test/?dataSource=8")), None);
        assert_eq!(read_return(&url("https://app.test/")), None);
    }

    #[test]
    fn tolerates_missing_and_marks_malformed_values() {
        let no_source = read_return(&url("https://app.test/?connected=false")).unwrap();
        assert_eq!(no_source.source, None);
        assert!(!no_source.malformed);

        for bad in [
            "?connected=yes",
            "?connected=",
            "?connected=true&connected=false",
            "?connected=true&dataSource=abc",
            "?connected=true&dataSource=1&dataSource=2",
            "?connected=true&dataSource=-1",
            "?connected=true&tc_attempt=a&tc_attempt=b",
        ] {
            let ret = read_return(&url(&format!("https://app.test/{bad}"))).unwrap();
            assert!(ret.malformed, "{bad}");
        }
        let repeated =
            read_return(&url("https://app.test/?connected=TRUE&connected=true")).unwrap();
        assert_eq!(repeated.connected, Some(true));
        assert!(!repeated.malformed);
    }

    #[test]
    fn reads_results_glued_onto_an_existing_query_or_fragment() {
        let glued =
            read_return(&url("https://app.test/p?tab=a?connected=true&dataSource=1")).unwrap();
        assert_eq!((glued.connected, glued.source), (Some(true), Some(1)));

        let hash = read_return(&url(
            "https://app.test/#/sources?dataSource=11&connected=false",
        ))
        .unwrap();
        assert_eq!((hash.connected, hash.source), (Some(false), Some(11)));
    }

    #[test]
    fn deeply_glued_queries_are_cheap() {
        let crafted = format!("https://app.test/?x={}&connected=true", "?=".repeat(50_000));
        let url = url(&crafted);
        let started = std::time::Instant::now();
        let ret = read_return(&url).expect("the plain connected parameter is still read");
        assert_eq!(ret.connected, Some(true));
        assert!(clean_address(&url).is_some());
        assert!(started.elapsed().as_millis() < 500, "linear, not quadratic");
    }

    #[test]
    fn cleans_only_the_result_parameters() {
        let cases = [
            (
                "https://app.test/?dataSource=8&connected=true",
                "https://app.test/",
            ),
            (
                "https://app.test/p?tab=a&connected=true&dataSource=8#top",
                "https://app.test/p?tab=a#top",
            ),
            (
                "https://app.test/p?tab=a?connected=true&dataSource=1",
                "https://app.test/p?tab=a",
            ),
            (
                "https://app.test/#/sources?dataSource=11&connected=false&x=1",
                "https://app.test/#/sources?x=1",
            ),
            (
                "https://app.test/#/sources?connected=false",
                "https://app.test/#/sources",
            ),
            (
                "https://app.test/p?tab=a&tc_attempt=n1?dataSource=1&connected=true",
                "https://app.test/p?tab=a",
            ),
            // Thryve dropped its parameters: our nonce still goes.
            (
                "https://app.test/p?tab=a&tc_attempt=n1",
                "https://app.test/p?tab=a",
            ),
        ];
        for (dirty, clean) in cases {
            assert_eq!(
                clean_address(&url(dirty)).unwrap().as_str(),
                clean,
                "{dirty}"
            );
        }
        assert_eq!(clean_address(&url("https://app.test/?tab=a")), None);
    }

    #[test]
    fn the_four_outcomes() {
        let cases = [
            (Action::Connect, "true", true, true),
            (Action::Connect, "false", false, false),
            (Action::Disconnect, "false", true, false),
            (Action::Disconnect, "true", false, true),
        ];
        for (action, connected, success, connected_after) in cases {
            let ret = read_return(&url(&format!(
                "https://app.test/?tc_attempt=n1&dataSource=8&connected={connected}"
            )))
            .unwrap();
            let Resolution::Matched(outcome) = resolve(&ret, Some(&attempt(action, 8)), 2_000.0)
            else {
                panic!("expected a match for {action:?} {connected}");
            };
            assert_eq!(outcome.success, success);
            assert_eq!(outcome.connected_after(), connected_after);
            assert_eq!(outcome.attempt.as_deref(), Some("n1"));
        }
    }

    #[test]
    fn a_crafted_result_never_matches() {
        let ret = read_return(&url(
            "https://app.test/?tc_attempt=n1&connected=true&dataSource=1",
        ))
        .unwrap();
        assert_eq!(resolve(&ret, None, 2_000.0), Resolution::Unmatched);
        assert!(matches!(
            resolve(&ret, Some(&attempt(Action::Connect, 1)), 2_000.0),
            Resolution::Matched(_)
        ));
        // Our attempt was for another source.
        assert_eq!(
            resolve(&ret, Some(&attempt(Action::Connect, 2)), 2_000.0),
            Resolution::Unmatched
        );
        // Our attempt is too old, or from the future.
        assert_eq!(
            resolve(
                &ret,
                Some(&attempt(Action::Connect, 1)),
                1_000.0 + ATTEMPT_TTL_MS + 1.0
            ),
            Resolution::Unmatched
        );
        assert_eq!(
            resolve(&ret, Some(&attempt(Action::Connect, 1)), 500.0),
            Resolution::Unmatched
        );
        // Unreadable.
        let bad = read_return(&url(
            "https://app.test/?tc_attempt=n1&connected=maybe&dataSource=1",
        ))
        .unwrap();
        assert_eq!(
            resolve(&bad, Some(&attempt(Action::Connect, 1)), 2_000.0),
            Resolution::Unmatched
        );
    }

    #[test]
    fn only_the_pending_attempts_nonce_matches() {
        let pending = attempt(Action::Connect, 1);
        for crafted in [
            "https://app.test/?connected=true&dataSource=1",
            "https://app.test/?tc_attempt=n2&connected=true&dataSource=1",
            "https://app.test/?tc_attempt=&connected=true&dataSource=1",
            "https://app.test/?tc_attempt=N1&connected=true&dataSource=1",
        ] {
            let ret = read_return(&url(crafted)).unwrap();
            assert_eq!(
                resolve(&ret, Some(&pending), 2_000.0),
                Resolution::Unmatched,
                "{crafted}"
            );
        }
    }

    #[test]
    fn the_redirect_carries_the_nonce_and_the_return_reads_it_back() {
        let pending = attempt(Action::Disconnect, 8);
        let back_to = url("https://app.test/settings?tab=a#sources");
        let redirect = redirect_with_nonce(&back_to, &pending);
        assert_eq!(
            redirect.as_str(),
            "https://app.test/settings?tab=a&tc_attempt=n1#sources"
        );
        // Thryve appends its result the documented way.
        let mut returned = redirect.clone();
        returned.append_pairs(&[("dataSource", "8"), ("connected", "false")]);
        let ret = read_return(&returned).unwrap();
        assert_eq!(ret.attempt.as_deref(), Some("n1"));
        assert!(matches!(
            resolve(&ret, Some(&pending), 2_000.0),
            Resolution::Matched(Outcome { success: true, .. })
        ));
        assert_eq!(clean_address(&returned), Some(back_to));
    }

    #[test]
    fn a_result_without_data_source_uses_the_attempts_source() {
        let ret = read_return(&url("https://app.test/?tc_attempt=n1&connected=true")).unwrap();
        let Resolution::Matched(outcome) =
            resolve(&ret, Some(&attempt(Action::Connect, 18)), 2_000.0)
        else {
            panic!("expected a match");
        };
        assert_eq!(outcome.source, 18);
    }

    #[test]
    fn attempts_round_trip_and_garbage_is_no_attempt() {
        let a = attempt(Action::Disconnect, 3);
        assert!(!a.to_json().contains("reconnect"), "written only when true");
        assert_eq!(Attempt::from_json(&a.to_json()), Some(a));
        let reconnect = Attempt {
            reconnect: true,
            ..attempt(Action::Connect, 11)
        };
        assert!(reconnect.to_json().contains(r#""reconnect":true"#));
        assert_eq!(Attempt::from_json(&reconnect.to_json()), Some(reconnect));
        assert_eq!(Attempt::from_json("{"), None);
        assert_eq!(
            Attempt::from_json(r#"{"action":"explode","source":1}"#),
            None
        );
    }

    proptest! {
        #[test]
        fn arbitrary_queries_never_panic(query in ".*", fragment in ".*") {
            if let Ok(u) = Url::parse(&format!("https://app.test/?{query}#{fragment}")) {
                if let Some(ret) = read_return(&u) {
                    let _ = resolve(&ret, Some(&attempt(Action::Connect, 1)), 2_000.0);
                    let cleaned = clean_address(&u).expect("a return can be cleaned");
                    prop_assert_eq!(read_return(&cleaned), None);
                }
            }
        }

        #[test]
        fn arbitrary_pairs_never_panic(pairs in proptest::collection::vec(("(connected|dataSource|tc_attempt|[a-z?&=#%]{0,6})", "\\PC{0,12}"), 0..6)) {
            let mut u = Url::parse("https://app.test/").unwrap();
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            u.append_pairs(&pairs);
            if let Some(ret) = read_return(&u) {
                let _ = resolve(&ret, None, 0.0);
                let cleaned = clean_address(&u).expect("a return can be cleaned");
                prop_assert_eq!(read_return(&cleaned), None);
            }
        }
    }
}
