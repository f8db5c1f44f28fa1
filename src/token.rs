//! A connection session token in hand, and when it is too old to use. Reading it out of the
//! token endpoint's answer is the protocol crate's job (`thryve::extract_token`).

/// A connection session token and when this page received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub token: String,
    /// The token endpoint's opaque key for the signed-in user, if it sent one.
    pub user: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub received_at_ms: f64,
}

impl Session {
    /// Whether the token may still be used at `now_ms`. A clock that went backwards counts as old.
    pub fn is_fresh(&self, now_ms: f64, max_age_ms: u64) -> bool {
        let age = now_ms - self.received_at_ms;
        (0.0..max_age_ms as f64).contains(&age)
    }

    /// Milliseconds until the token is too old (0 when it already is).
    pub fn ms_until_stale(&self, now_ms: f64, max_age_ms: u64) -> u64 {
        let left = self.received_at_ms + max_age_ms as f64 - now_ms;
        if left.is_finite() && left > 0.0 {
            left as u64
        } else {
            0
        }
    }
}

// Host tests (`cargo test`); the browser tests are in tests/web/.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn freshness() {
        let session = Session {
            token: "t".into(),
            user: None,
            received_at_ms: 1_000_000.0,
        };
        let five_minutes = 5 * 60 * 1000;
        assert!(session.is_fresh(1_000_000.0, five_minutes));
        assert!(session.is_fresh(1_000_000.0 + 299_999.0, five_minutes));
        assert!(!session.is_fresh(1_000_000.0 + 300_000.0, five_minutes));
        assert!(
            !session.is_fresh(999_000.0, five_minutes),
            "clock went back"
        );
        assert_eq!(session.ms_until_stale(1_100_000.0, five_minutes), 200_000);
        assert_eq!(session.ms_until_stale(2_000_000.0, five_minutes), 0);
        assert_eq!(session.ms_until_stale(f64::NAN, five_minutes), 0);
    }
}
