//! A map and a set keyed by source ID, kept in ID order in one sorted vector.
//!
//! They do what `BTreeMap<SourceId, V>` and `BTreeSet<SourceId>` did for the screen, for the
//! tens of sources a screen lists, where a binary search in a vector is as quick as a tree. The
//! difference is in the wasm: each value type of a B-tree brought its own insert, remove,
//! rebalancing, iteration and drop code (about 14 KB for the five the screen had); a vector's is
//! a fraction of that. Iteration is in ascending ID order, as with the B-tree.

use crate::catalogue::SourceId;
use std::fmt;

/// A map from source ID to `V`, in ascending ID order.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdMap<V> {
    entries: Vec<(SourceId, V)>,
}

impl<V> IdMap<V> {
    /// An empty map.
    pub const fn new() -> Self {
        IdMap {
            entries: Vec::new(),
        }
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, id: SourceId) -> Result<usize, usize> {
        self.entries.binary_search_by(|(key, _)| key.cmp(&id))
    }

    /// The value for `id`.
    pub fn get(&self, id: &SourceId) -> Option<&V> {
        let at = self.position(*id).ok()?;
        Some(&self.entries[at].1)
    }

    /// The value for `id`, to change it in place.
    pub fn get_mut(&mut self, id: &SourceId) -> Option<&mut V> {
        let at = self.position(*id).ok()?;
        Some(&mut self.entries[at].1)
    }

    /// Whether there is a value for `id`.
    pub fn contains_key(&self, id: &SourceId) -> bool {
        self.position(*id).is_ok()
    }

    /// Sets the value for `id`; returns the one it replaces.
    pub fn insert(&mut self, id: SourceId, value: V) -> Option<V> {
        match self.position(id) {
            Ok(at) => Some(std::mem::replace(&mut self.entries[at].1, value)),
            Err(at) => {
                self.entries.insert(at, (id, value));
                None
            }
        }
    }

    /// Takes the value for `id` out.
    pub fn remove(&mut self, id: &SourceId) -> Option<V> {
        let at = self.position(*id).ok()?;
        Some(self.entries.remove(at).1)
    }

    /// Keeps only the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&SourceId, &mut V) -> bool) {
        self.entries.retain_mut(|(id, value)| keep(id, value));
    }

    /// The entries, in ascending ID order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&SourceId, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(id, value)| (id, value))
    }

    /// The IDs, in ascending order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &SourceId> + ExactSizeIterator {
        self.entries.iter().map(|(id, _)| id)
    }

    /// The values, in ascending order of their IDs.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, value)| value)
    }
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap::new()
    }
}

impl<V: fmt::Debug> fmt::Debug for IdMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V> std::ops::Index<&SourceId> for IdMap<V> {
    type Output = V;

    /// The value for `id`. Panics when there is none, as `BTreeMap`'s index does.
    fn index(&self, id: &SourceId) -> &V {
        match self.get(id) {
            Some(value) => value,
            None => panic!("no entry for source {id}"),
        }
    }
}

impl<V> Extend<(SourceId, V)> for IdMap<V> {
    /// Inserts each entry in turn (a later value for an ID replaces an earlier one).
    fn extend<I: IntoIterator<Item = (SourceId, V)>>(&mut self, entries: I) {
        for (id, value) in entries {
            self.insert(id, value);
        }
    }
}

impl<V> FromIterator<(SourceId, V)> for IdMap<V> {
    fn from_iter<I: IntoIterator<Item = (SourceId, V)>>(entries: I) -> Self {
        let mut map = IdMap::new();
        map.extend(entries);
        map
    }
}

impl<V, const N: usize> From<[(SourceId, V); N]> for IdMap<V> {
    fn from(entries: [(SourceId, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<V> IntoIterator for IdMap<V> {
    type Item = (SourceId, V);
    type IntoIter = std::vec::IntoIter<(SourceId, V)>;

    /// The entries, in ascending ID order.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a IdMap<V> {
    type Item = (&'a SourceId, &'a V);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (SourceId, V)>,
        fn(&'a (SourceId, V)) -> (&'a SourceId, &'a V),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(id, value)| (id, value))
    }
}

/// A set of source IDs, in ascending order.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct IdSet(IdMap<()>);

impl IdSet {
    /// An empty set.
    pub const fn new() -> Self {
        IdSet(IdMap::new())
    }

    /// How many IDs there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: &SourceId) -> bool {
        self.0.contains_key(id)
    }

    /// Adds `id`; `false` when it was there already.
    pub fn insert(&mut self, id: SourceId) -> bool {
        self.0.insert(id, ()).is_none()
    }

    /// Takes `id` out; `false` when it was not there.
    pub fn remove(&mut self, id: &SourceId) -> bool {
        self.0.remove(id).is_some()
    }

    /// Keeps only the IDs `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&SourceId) -> bool) {
        self.0.retain(|id, _| keep(id));
    }

    /// The IDs, in ascending order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &SourceId> + ExactSizeIterator {
        self.0.keys()
    }
}

impl fmt::Debug for IdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Extend<SourceId> for IdSet {
    fn extend<I: IntoIterator<Item = SourceId>>(&mut self, ids: I) {
        for id in ids {
            self.insert(id);
        }
    }
}

impl FromIterator<SourceId> for IdSet {
    fn from_iter<I: IntoIterator<Item = SourceId>>(ids: I) -> Self {
        let mut set = IdSet::new();
        set.extend(ids);
        set
    }
}

impl<const N: usize> From<[SourceId; N]> for IdSet {
    fn from(ids: [SourceId; N]) -> Self {
        ids.into_iter().collect()
    }
}

impl IntoIterator for IdSet {
    type Item = SourceId;
    type IntoIter =
        std::iter::Map<std::vec::IntoIter<(SourceId, ())>, fn((SourceId, ())) -> SourceId>;

    /// The IDs, in ascending order.
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().map(|(id, ())| id)
    }
}

impl<'a> IntoIterator for &'a IdSet {
    type Item = &'a SourceId;
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (SourceId, ())>,
        fn(&'a (SourceId, ())) -> &'a SourceId,
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.entries.iter().map(|(id, ())| id)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn a_map_keeps_ids_in_order_and_one_value_each() {
        let mut map = IdMap::from([(11, "Oura"), (1, "Fitbit"), (11, "Oura Ring")]);
        assert_eq!(map.len(), 2);
        assert_eq!(map[&11], "Oura Ring");
        assert_eq!(map.insert(5, "Apple"), None);
        assert_eq!(map.insert(5, "Apple Health"), Some("Apple"));
        assert_eq!(map.keys().copied().collect::<Vec<_>>(), [1, 5, 11]);
        assert_eq!(map.remove(&1), Some("Fitbit"));
        assert_eq!(map.remove(&1), None);
        assert_eq!(map.get(&2), None);
        *map.get_mut(&5).unwrap() = "Health";
        assert_eq!(format!("{map:?}"), r#"{5: "Health", 11: "Oura Ring"}"#);
        map.retain(|id, _| *id > 5);
        assert_eq!(map.into_iter().collect::<Vec<_>>(), [(11, "Oura Ring")]);
    }

    #[test]
    #[should_panic(expected = "no entry for source 3")]
    fn indexing_a_missing_id_panics() {
        let _ = IdMap::from([(1, true)])[&3];
    }

    #[test]
    fn a_set_is_a_sorted_list_without_repeats() {
        let mut set = IdSet::from([18, 1, 11, 1]);
        assert_eq!(set.iter().copied().collect::<Vec<_>>(), [1, 11, 18]);
        assert!(set.insert(2));
        assert!(!set.insert(2));
        assert!(set.remove(&1));
        assert!(!set.remove(&1));
        assert!(set.contains(&18) && !set.contains(&1));
        assert_eq!(format!("{set:?}"), "{2, 11, 18}");
        set.retain(|id| id % 2 == 0);
        assert_eq!(set.into_iter().collect::<Vec<_>>(), [2, 18]);
    }

    #[derive(Clone, Debug)]
    enum Op {
        Insert(SourceId, u8),
        Remove(SourceId),
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        // A narrow range of IDs, so that inserts replace and removes find entries.
        let op = prop_oneof![
            (0u32..40, any::<u8>()).prop_map(|(id, v)| Op::Insert(id, v)),
            (0u32..40).prop_map(Op::Remove),
        ];
        proptest::collection::vec(op, 0..200)
    }

    proptest! {
        /// The same operations on an `IdMap` and a `BTreeMap` answer the same and leave the
        /// same entries in the same order; likewise for the set.
        #[test]
        fn they_do_what_the_b_trees_did(ops in ops()) {
            let (mut ours, mut theirs) = (IdMap::new(), BTreeMap::new());
            let (mut our_set, mut their_set) = (IdSet::new(), BTreeSet::new());
            for op in ops {
                match op {
                    Op::Insert(id, value) => {
                        prop_assert_eq!(ours.insert(id, value), theirs.insert(id, value));
                        prop_assert_eq!(our_set.insert(id), their_set.insert(id));
                    }
                    Op::Remove(id) => {
                        prop_assert_eq!(ours.remove(&id), theirs.remove(&id));
                        prop_assert_eq!(our_set.remove(&id), their_set.remove(&id));
                    }
                }
                prop_assert_eq!(ours.len(), theirs.len());
            }
            prop_assert!(ours.iter().eq(theirs.iter()));
            prop_assert!(our_set.iter().eq(their_set.iter()));
            for id in 0..40 {
                prop_assert_eq!(ours.get(&id), theirs.get(&id));
                prop_assert_eq!(our_set.contains(&id), their_set.contains(&id));
            }
        }
    }
}
