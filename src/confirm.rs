//! A fresh result that the status has not caught up with yet. Thryve's records (and so a host's
//! status endpoint) can lag behind a connect or disconnect the user has just seen succeed; the
//! screen keeps the fresh result, re-reads the status with backoff, and only when it still
//! disagrees after that says the source is "still being confirmed", never flipping silently.

use crate::catalogue::SourceId;
use thryve_connect_protocol::ids::IdSet;

/// The waits before each re-read of the status while a fresh result is unconfirmed: 2, 4, 8,
/// 16 and 32 s, about a minute in all.
pub const DELAYS_MS: [u64; 5] = [2_000, 4_000, 8_000, 16_000, 32_000];

/// One fresh result waiting for the status to show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Awaited {
    /// The state the result left the source in.
    connected: bool,
    /// Status answers seen since that disagreed.
    disagreed: usize,
}

/// The fresh results waiting for the status, by source, in the order they came (a few at most).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Confirming(Vec<(SourceId, Awaited)>);

impl Confirming {
    /// A result just left `source` connected (or not): wait for the status to agree.
    pub fn expect(&mut self, source: SourceId, connected: bool) {
        self.0.retain(|(id, _)| *id != source);
        self.0.push((
            source,
            Awaited {
                connected,
                disagreed: 0,
            },
        ));
    }

    /// Takes a status answer: sources it agrees on are confirmed; where it disagrees with a
    /// fresh result, the answer is corrected to that result (and the disagreement counted).
    pub fn apply(&mut self, connected: &mut IdSet) {
        self.0.retain_mut(|(source, awaited)| {
            if connected.contains(source) == awaited.connected {
                return false;
            }
            awaited.disagreed += 1;
            if awaited.connected {
                connected.insert(*source);
            } else {
                connected.remove(source);
            }
            true
        });
    }

    /// A re-read got no answer (the status failed): it counts as one that disagreed, so that a
    /// failing status does not keep the re-reads going for ever.
    pub fn missed(&mut self) {
        for (_, awaited) in &mut self.0 {
            awaited.disagreed += 1;
        }
    }

    /// How long to wait before the next re-read: `None` when nothing waits, or every waiting
    /// result has had all its re-reads.
    pub fn next_delay(&self) -> Option<u64> {
        self.0
            .iter()
            .map(|(_, awaited)| awaited.disagreed)
            .filter(|disagreed| *disagreed < DELAYS_MS.len())
            .min()
            .map(|disagreed| DELAYS_MS[disagreed])
    }

    /// Whether the status still disagrees with `source`'s fresh result after every re-read.
    pub fn is_unconfirmed(&self, source: SourceId) -> bool {
        self.0
            .iter()
            .any(|(id, awaited)| *id == source && awaited.disagreed >= DELAYS_MS.len())
    }
}

// Host tests (`cargo test`); the browser tests are in tests/web/.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn answer(ids: &[SourceId]) -> IdSet {
        ids.iter().copied().collect()
    }

    #[test]
    fn a_lagging_status_does_not_undo_a_fresh_connect() {
        let mut confirming = Confirming::default();
        confirming.expect(1, true);
        assert_eq!(confirming.next_delay(), Some(2_000));

        let mut status = answer(&[11]);
        confirming.apply(&mut status);
        assert_eq!(status, answer(&[1, 11]), "the fresh result is kept");
        assert_eq!(confirming.next_delay(), Some(4_000), "then 4 s");
        assert!(!confirming.is_unconfirmed(1));

        let mut status = answer(&[1, 11]);
        confirming.apply(&mut status);
        assert_eq!(status, answer(&[1, 11]));
        assert_eq!(confirming.next_delay(), None, "confirmed: no more re-reads");
        assert_eq!(confirming, Confirming::default());
    }

    #[test]
    fn after_every_re_read_it_is_still_being_confirmed_and_a_late_agreement_ends_that() {
        let mut confirming = Confirming::default();
        confirming.expect(8, false);
        let mut waits = Vec::new();
        while let Some(delay) = confirming.next_delay() {
            waits.push(delay);
            let mut status = answer(&[8]);
            confirming.apply(&mut status);
            assert!(!status.contains(&8), "the fresh disconnect is kept");
        }
        assert_eq!(waits, DELAYS_MS);
        assert!(confirming.is_unconfirmed(8));
        let mut status = answer(&[8]);
        confirming.apply(&mut status);
        assert!(!status.contains(&8), "still kept, with the note");
        confirming.apply(&mut answer(&[]));
        assert!(!confirming.is_unconfirmed(8), "the status caught up");
    }

    #[test]
    fn a_failing_status_uses_up_the_re_reads_too() {
        let mut confirming = Confirming::default();
        confirming.expect(1, true);
        let mut waits = Vec::new();
        while let Some(delay) = confirming.next_delay() {
            waits.push(delay);
            confirming.missed();
        }
        assert_eq!(waits, DELAYS_MS, "the same schedule, then it stops");
        assert!(confirming.is_unconfirmed(1));
    }

    #[test]
    fn the_next_re_read_follows_the_result_that_waits_least_long() {
        let mut confirming = Confirming::default();
        confirming.expect(1, true);
        confirming.apply(&mut answer(&[]));
        confirming.apply(&mut answer(&[]));
        confirming.expect(2, true);
        assert_eq!(confirming.next_delay(), Some(2_000));
        confirming.expect(1, false);
        assert!(!confirming.is_unconfirmed(1), "a new result starts over");
    }
}
