//! Live mode's cache of Thryve access tokens: bounded (the least recently used goes first) and
//! with a time to live, so that it neither grows with the number of users nor keeps a token
//! forever.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

struct Entry {
    token: String,
    stored: Instant,
    used: u64,
}

/// Access tokens by `partnerUserID`.
pub struct TokenCache {
    capacity: usize,
    ttl: Duration,
    entries: HashMap<String, Entry>,
    /// Keys by their last use: the first is the least recently used.
    order: BTreeMap<u64, String>,
    clock: u64,
}

impl TokenCache {
    /// An empty cache of at most `capacity` tokens (at least one), each kept for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> TokenCache {
        TokenCache {
            capacity: capacity.max(1),
            ttl,
            entries: HashMap::new(),
            order: BTreeMap::new(),
            clock: 0,
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The token for `key`, if it is cached and younger than the time to live (it is then the
    /// most recently used).
    pub fn get(&mut self, key: &str, now: Instant) -> Option<String> {
        let stale = self
            .entries
            .get(key)
            .map(|e| now.saturating_duration_since(e.stored) >= self.ttl)?;
        if stale {
            self.remove(key);
            return None;
        }
        let used = self.tick();
        let entry = self.entries.get_mut(key)?;
        self.order.remove(&entry.used);
        entry.used = used;
        self.order.insert(used, key.to_owned());
        Some(entry.token.clone())
    }

    /// Caches `token` for `key`, dropping the least recently used token when full.
    pub fn insert(&mut self, key: &str, token: String, now: Instant) {
        self.remove(key);
        while self.entries.len() >= self.capacity {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            self.entries.remove(&oldest);
        }
        let used = self.tick();
        self.order.insert(used, key.to_owned());
        self.entries.insert(
            key.to_owned(),
            Entry {
                token,
                stored: now,
                used,
            },
        );
    }

    /// Forgets `key`'s token (Thryve no longer takes it).
    pub fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.order.remove(&entry.used);
        }
    }

    /// How many tokens are cached.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_its_capacity_dropping_the_least_recently_used() {
        let now = Instant::now();
        let mut cache = TokenCache::new(3, Duration::from_secs(60));
        for key in ["a", "b", "c"] {
            cache.insert(key, format!("t-{key}"), now);
        }
        assert_eq!(
            cache.get("a", now).as_deref(),
            Some("t-a"),
            "a is now the most recent"
        );
        cache.insert("d", "t-d".into(), now);
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get("b", now), None, "b was the least recently used");
        assert_eq!(cache.get("a", now).as_deref(), Some("t-a"));
        for i in 0..10_000 {
            cache.insert(&format!("user{i}"), "t".into(), now);
        }
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.order.len(), 3);
    }

    #[test]
    fn tokens_expire_and_can_be_dropped() {
        let now = Instant::now();
        let mut cache = TokenCache::new(10, Duration::from_secs(60));
        cache.insert("a", "t-a".into(), now);
        cache.insert("b", "t-b".into(), now);
        assert!(cache.get("a", now + Duration::from_secs(59)).is_some());
        assert_eq!(cache.get("a", now + Duration::from_secs(60)), None);
        assert_eq!(cache.len(), 1, "an expired token is forgotten");
        cache.remove("b");
        assert_eq!(cache.get("b", now), None);
        assert_eq!((cache.len(), cache.order.len()), (0, 0));
        cache.insert("c", "old".into(), now);
        cache.insert("c", "new".into(), now);
        assert_eq!(cache.get("c", now).as_deref(), Some("new"));
        assert_eq!(cache.order.len(), 1);
    }
}
