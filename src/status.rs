//! What the screen believes about each source's connection, and where that belief comes from.
//!
//! Two sources of truth, best first: the host's status endpoint (`{"connected":[1,11]}`), and
//! otherwise the last state this browser saw for a source (kept in localStorage), "unknown"
//! before that. The status endpoint's answers are written into the remembered states
//! ([`Remembered::replace_with`]), so the screen reads one place.

use crate::catalogue::SourceId;
use thryve_connect_protocol::endpoint::StatusAnswer;
use thryve_connect_protocol::ids::{IdMap, IdSet};
use thryve_connect_protocol::json::Json;

/// A source's connection as far as this page knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Knowledge {
    Connected,
    NotConnected,
    Unknown,
}

impl Knowledge {
    pub fn from_connected(connected: bool) -> Knowledge {
        if connected {
            Knowledge::Connected
        } else {
            Knowledge::NotConnected
        }
    }

    /// Which buttons a web source offers: a known state offers the one action that changes it,
    /// an unknown state offers both.
    pub fn offers(self) -> Offers {
        Offers {
            connect: self != Knowledge::Connected,
            disconnect: self != Knowledge::NotConnected,
        }
    }

    /// [`Knowledge::offers`] while this load may still learn the state (`learning`: the session,
    /// which names the user, or the first status read is on its way): an unknown row then offers
    /// Connect only, so that the answer swaps one button for another instead of moving the list.
    pub fn offers_while(self, learning: bool) -> Offers {
        match self {
            Knowledge::Unknown if learning => Offers {
                connect: true,
                disconnect: false,
            },
            _ => self.offers(),
        }
    }

    /// The value of the row's `data-state` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Knowledge::Connected => "connected",
            Knowledge::NotConnected => "not-connected",
            Knowledge::Unknown => "unknown",
        }
    }
}

/// The actions a row offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offers {
    pub connect: bool,
    pub disconnect: bool,
}

/// Reads the status endpoint's answer: `{"connected":[1,11]}`, entries optionally objects with
/// `since`, `lastData` and `needsReconnect` (see [`StatusAnswer`]).
pub fn parse_status(body: &str) -> Option<StatusAnswer> {
    StatusAnswer::parse(body)
}

/// The states this browser has seen, by source: what localStorage keeps between visits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Remembered(pub IdMap<bool>);

impl Remembered {
    /// Reads the stored form (`{"1":true,"8":false}`); anything unreadable is forgotten, never a crash.
    pub fn from_json(text: &str) -> Remembered {
        let mut remembered = Remembered::default();
        if let Some(members) = Json::parse(text).as_ref().ok().and_then(Json::as_object) {
            for (id, connected) in members {
                if let (Ok(id), Some(connected)) = (id.parse(), connected.as_bool()) {
                    remembered.0.insert(id, connected);
                }
            }
        }
        remembered
    }

    pub fn to_json(&self) -> String {
        let members = self
            .0
            .iter()
            .map(|(id, connected)| (id.to_string(), Json::Bool(*connected)));
        Json::Object(members.collect()).to_string()
    }

    /// Takes every state `newer` knows, over this one's.
    pub fn overlay(&mut self, newer: &Remembered) {
        for (id, connected) in &newer.0 {
            self.0.insert(*id, *connected);
        }
    }

    pub fn set(&mut self, source: SourceId, connected: bool) {
        self.0.insert(source, connected);
    }

    /// Takes the status endpoint's full answer: listed sources are connected, the rest are not.
    pub fn replace_with(&mut self, sources: &[SourceId], connected: &IdSet) {
        for id in sources {
            self.0.insert(*id, connected.contains(id));
        }
    }

    pub fn get(&self, source: SourceId) -> Knowledge {
        self.0
            .get(&source)
            .map_or(Knowledge::Unknown, |c| Knowledge::from_connected(*c))
    }
}

// Host tests (`cargo test`); the browser tests are in tests/web/.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_unknown_row_offers_connect_only_while_its_state_may_still_arrive() {
        let one = Offers {
            connect: true,
            disconnect: false,
        };
        assert_eq!(Knowledge::Unknown.offers_while(true), one);
        assert_eq!(
            Knowledge::Unknown.offers_while(false),
            Knowledge::Unknown.offers()
        );
        for known in [Knowledge::Connected, Knowledge::NotConnected] {
            assert_eq!(known.offers_while(true), known.offers());
        }
    }

    #[test]
    fn offers_follow_knowledge() {
        assert_eq!(
            Knowledge::Connected.offers(),
            Offers {
                connect: false,
                disconnect: true
            }
        );
        assert_eq!(
            Knowledge::NotConnected.offers(),
            Offers {
                connect: true,
                disconnect: false
            }
        );
        assert_eq!(
            Knowledge::Unknown.offers(),
            Offers {
                connect: true,
                disconnect: true
            }
        );
    }

    #[test]
    fn status_body() {
        let ids = |body: &str| parse_status(body).map(|answer| answer.connected);
        assert_eq!(ids(r#"{"connected":[1,11]}"#), Some(IdSet::from([1, 11])));
        assert_eq!(ids(r#"{"connected":[],"extra":true}"#), Some(IdSet::new()));
        let detailed = parse_status(r#"{"connected":[{"id":1,"needsReconnect":true},11]}"#);
        assert_eq!(
            detailed.map(|answer| (answer.connected, answer.details.get(&1).copied())),
            Some((
                IdSet::from([1, 11]),
                Some(thryve_connect_protocol::endpoint::Connection {
                    needs_reconnect: true,
                    ..Default::default()
                })
            ))
        );
        assert_eq!(parse_status(r#"{"connected":["1"]}"#), None);
        assert_eq!(parse_status(r#"{"connected":[-1]}"#), None);
        assert_eq!(parse_status(r#"{"connected":[4294967296]}"#), None);
        assert_eq!(parse_status("[]"), None);
        assert_eq!(parse_status("nope"), None);
    }

    #[test]
    fn overlay_takes_the_newer_states() {
        let mut stored = Remembered::from_json(r#"{"1":true,"8":true}"#);
        stored.overlay(&Remembered::from_json(r#"{"8":false,"11":true}"#));
        assert_eq!(stored.to_json(), r#"{"1":true,"8":false,"11":true}"#);
    }

    #[test]
    fn remembered_round_trips_and_forgets_garbage() {
        let mut remembered = Remembered::default();
        remembered.set(1, true);
        remembered.set(18, false);
        assert_eq!(Remembered::from_json(&remembered.to_json()), remembered);
        assert_eq!(Remembered::from_json("garbage"), Remembered::default());
        assert_eq!(
            Remembered::from_json(r#"{"x":true,"2":true}"#).0,
            IdMap::from([(2, true)])
        );

        remembered.replace_with(&[1, 18, 11], &IdSet::from([18]));
        assert_eq!(remembered.get(1), Knowledge::NotConnected);
        assert_eq!(remembered.get(18), Knowledge::Connected);
        assert_eq!(remembered.get(11), Knowledge::NotConnected);
    }

    proptest! {
        #[test]
        fn arbitrary_stored_text_never_panics(text in ".*") {
            let _ = Remembered::from_json(&text);
            let _ = parse_status(&text);
        }
    }
}
