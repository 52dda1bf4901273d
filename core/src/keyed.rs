//! Values by text key, for the audit's and the sheets' lookups.

use serde_json::{Map, Value};

/// Values by text key, in the order their keys were first inserted. It is a vector with an
/// index from each key to its value's place. The index is a JSON object (`serde_json::Map`, a
/// B-tree) holding the places as numbers: the browser package carries the code of JSON objects
/// anyway, and every map of other key/value types carries a copy of its own (more than this
/// index: a `HashMap<String, usize>` with SipHash 3.0 kB gzip, a `BTreeMap<String, usize>`
/// 1.8 kB; `build.sh`, 2026-12-06). A lookup among 10,000 keys is a few dozen key comparisons,
/// nothing beside the requests it serves.
#[derive(Debug, Clone)]
pub struct Keyed<T> {
    index: Map<String, Value>,
    values: Vec<T>,
}

/// A set of text keys.
pub type KeySet = Keyed<()>;

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed { index: Map::new(), values: Vec::new() }
    }
}

impl<T> Keyed<T> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }
    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
    /// Whether it holds `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }
    /// The place of `key`'s value in `values`.
    fn place(&self, key: &str) -> Option<usize> {
        self.index.get(key).and_then(Value::as_u64).map(|i| i as usize)
    }
    /// The place of `key`'s value, given to it now (the next place) when it has none; and the
    /// next place.
    fn claim(&mut self, key: String) -> (usize, usize) {
        let next = self.values.len();
        (self.index.entry(key).or_insert(Value::from(next)).as_u64().map_or(next, |i| i as usize), next)
    }
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.place(key).and_then(|i| self.values.get(i))
    }
    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        self.place(key).and_then(|i| self.values.get_mut(i))
    }
    /// The value of `key`, inserted by `make` first when it has none.
    pub fn get_or_insert_with(&mut self, key: String, make: impl FnOnce() -> T) -> &mut T {
        // Every index in `index` is below the vector's length (a key gets the next index when
        // its value is pushed, and nothing is removed), so the indexing below cannot panic.
        let (i, next) = self.claim(key);
        if i == next {
            self.values.push(make());
        }
        &mut self.values[i]
    }
    /// Sets the value of `key`; it returns `false` (and replaces the value) when `key` was
    /// already there.
    pub fn insert(&mut self, key: String, value: T) -> bool {
        let (i, next) = self.claim(key);
        if i == next {
            self.values.push(value);
            true
        } else {
            self.values[i] = value;
            false
        }
    }
    /// The values, in the order their keys were first inserted.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.values.iter()
    }
    /// The same keys with the values `f` makes of these.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> Keyed<U> {
        let mut values = Vec::with_capacity(self.values.len());
        for value in &self.values {
            values.push(f(value));
        }
        Keyed { index: self.index.clone(), values }
    }
    /// The values, in the order their keys were first inserted.
    pub fn into_values(self) -> Vec<T> {
        self.values
    }
}

impl FromIterator<String> for KeySet {
    fn from_iter<I: IntoIterator<Item = String>>(keys: I) -> Self {
        let mut set = KeySet::new();
        for key in keys {
            set.insert(key, ());
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_insertion_order_and_replaces_values() {
        let mut k = Keyed::new();
        assert!(k.insert("b".into(), 1));
        assert!(k.insert("a".into(), 2));
        assert!(!k.insert("b".into(), 3));
        *k.get_or_insert_with("c".into(), || 0) += 4;
        *k.get_or_insert_with("a".into(), || 0) += 10;
        assert_eq!(k.get("b"), Some(&3));
        assert_eq!(k.get("z"), None);
        assert!(k.contains("c") && !k.contains("z"));
        assert_eq!(k.map(|v| v * 2).into_values(), vec![6, 24, 8]);
        assert_eq!(k.values().copied().collect::<Vec<_>>(), vec![3, 12, 4]);
        let set: KeySet = ["x".to_string(), "x".to_string(), "y".to_string()].into_iter().collect();
        assert!(set.contains("x") && set.contains("y") && !set.is_empty());
        assert_eq!(set.into_values().len(), 2);
    }
}
