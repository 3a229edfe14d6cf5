//! The attributes of an object value, or the elements of a map value,
//! sorted by key. Most are small — a resource's attributes, `each`, a
//! `for` result's items — and are kept as a sorted vector: a B-tree node
//! reserves room for eleven entries however few there are, and a plan of
//! 100,000 instances holds several such values per instance. Large ones
//! (a `for_each` map of every instance) are a B-tree, so inserting stays
//! logarithmic. Its API is the part of `BTreeMap`'s the engine uses.

use crate::value::Value;
use std::collections::{btree_map, BTreeMap};

/// Above this many entries a `Fields` is a B-tree.
const SMALL: usize = 32;

#[derive(Clone, Default)]
pub struct Fields(Repr);

#[derive(Clone)]
enum Repr {
    /// Sorted by key, keys unique.
    Small(Vec<(String, Value)>),
    Large(BTreeMap<String, Value>),
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::Small(Vec::new())
    }
}

impl Fields {
    pub fn new() -> Fields {
        Fields::default()
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Small(v) => v.len(),
            Repr::Large(m) => m.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.0 {
            Repr::Small(v) => v.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().map(|i| &v[i].1),
            Repr::Large(m) => m.get(key),
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match &mut self.0 {
            Repr::Small(v) => match v.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
                Ok(i) => Some(&mut v[i].1),
                Err(_) => None,
            },
            Repr::Large(m) => m.get_mut(key),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match &mut self.0 {
            Repr::Small(v) => match v.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
                Ok(i) => Some(std::mem::replace(&mut v[i].1, value)),
                Err(i) => {
                    v.insert(i, (key, value));
                    if v.len() > SMALL {
                        let m = std::mem::take(v).into_iter().collect();
                        self.0 = Repr::Large(m);
                    }
                    None
                }
            },
            Repr::Large(m) => m.insert(key, value),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match &mut self.0 {
            Repr::Small(v) => match v.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
                Ok(i) => Some(v.remove(i).1),
                Err(_) => None,
            },
            Repr::Large(m) => m.remove(key),
        }
    }

    pub fn entry(&mut self, key: String) -> Entry<'_> {
        Entry { fields: self, key }
    }

    pub fn iter(&self) -> Iter<'_> {
        match &self.0 {
            Repr::Small(v) => Iter::Small(v.iter()),
            Repr::Large(m) => Iter::Large(m.iter()),
        }
    }

    pub fn iter_mut(&mut self) -> Box<dyn Iterator<Item = (&String, &mut Value)> + '_> {
        match &mut self.0 {
            Repr::Small(v) => Box::new(v.iter_mut().map(|(k, x)| (&*k, x))),
            Repr::Large(m) => Box::new(m.iter_mut()),
        }
    }

    pub fn keys(&self) -> Keys<'_> {
        Keys(self.iter())
    }

    pub fn values(&self) -> Values<'_> {
        Values(self.iter())
    }
}

/// A slot of a `Fields`, as `BTreeMap::entry` gives.
pub struct Entry<'f> {
    fields: &'f mut Fields,
    key: String,
}

impl<'f> Entry<'f> {
    pub fn or_insert_with(self, make: impl FnOnce() -> Value) -> &'f mut Value {
        if !self.fields.contains_key(&self.key) {
            self.fields.insert(self.key.clone(), make());
        }
        self.fields.get_mut(&self.key).expect("just inserted")
    }

    pub fn or_insert(self, value: Value) -> &'f mut Value {
        self.or_insert_with(|| value)
    }
}

#[derive(Clone)]
pub enum Iter<'a> {
    Small(std::slice::Iter<'a, (String, Value)>),
    Large(btree_map::Iter<'a, String, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(i) => i.next().map(|(k, v)| (k, v)),
            Iter::Large(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Small(i) => i.size_hint(),
            Iter::Large(i) => i.size_hint(),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(i) => i.next_back().map(|(k, v)| (k, v)),
            Iter::Large(i) => i.next_back(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The keys of a `Fields`, in order.
#[derive(Clone)]
pub struct Keys<'a>(Iter<'a>);

impl<'a> Iterator for Keys<'a> {
    type Item = &'a String;
    fn next(&mut self) -> Option<&'a String> {
        self.0.next().map(|(k, _)| k)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Keys<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, _)| k)
    }
}

impl ExactSizeIterator for Keys<'_> {}

/// The values of a `Fields`, in key order.
#[derive(Clone)]
pub struct Values<'a>(Iter<'a>);

impl<'a> Iterator for Values<'a> {
    type Item = &'a Value;
    fn next(&mut self) -> Option<&'a Value> {
        self.0.next().map(|(_, v)| v)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Values<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(_, v)| v)
    }
}

impl ExactSizeIterator for Values<'_> {}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Fields {
    type Item = (String, Value);
    type IntoIter = Box<dyn DoubleEndedIterator<Item = (String, Value)>>;
    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Repr::Small(v) => Box::new(v.into_iter()),
            Repr::Large(m) => Box::new(m.into_iter()),
        }
    }
}

impl FromIterator<(String, Value)> for Fields {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Fields {
        let mut v: Vec<(String, Value)> = iter.into_iter().collect();
        // Later duplicates win, as inserting them one by one would.
        v.reverse();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|later, earlier| later.0 == earlier.0);
        Fields::from_sorted(v)
    }
}

impl From<BTreeMap<String, Value>> for Fields {
    fn from(m: BTreeMap<String, Value>) -> Fields {
        if m.len() > SMALL {
            Fields(Repr::Large(m))
        } else {
            Fields(Repr::Small(m.into_iter().collect()))
        }
    }
}

impl<const N: usize> From<[(String, Value); N]> for Fields {
    fn from(pairs: [(String, Value); N]) -> Fields {
        pairs.into_iter().collect()
    }
}

impl Fields {
    /// From entries already sorted by key, keys unique (as an object
    /// type's attributes are).
    pub fn from_sorted_vec(v: Vec<(String, Value)>) -> Fields {
        debug_assert!(v.windows(2).all(|w| w[0].0 < w[1].0), "sorted, unique keys");
        Fields::from_sorted(v)
    }

    /// From entries sorted by key, keys unique.
    fn from_sorted(v: Vec<(String, Value)>) -> Fields {
        if v.len() > SMALL {
            Fields(Repr::Large(v.into_iter().collect()))
        } else {
            let mut v = v;
            v.shrink_to_fit();
            Fields(Repr::Small(v))
        }
    }
}

impl std::ops::Index<&str> for Fields {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).expect("no such key")
    }
}

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_behave_as_a_sorted_map() {
        let mut f = Fields::new();
        for i in (0..100).rev() {
            assert!(f.insert(format!("k{i:03}"), Value::int(i)).is_none());
            assert_eq!(f.len(), (100 - i) as usize);
        }
        let keys: Vec<&String> = f.keys().collect();
        assert_eq!(keys.len(), 100);
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(f.insert("k005".into(), Value::int(-5)).is_some());
        assert!(f.get("k005").unwrap().raw_equal(&Value::int(-5)));
        assert!(f.remove("k007").is_some() && !f.contains_key("k007"));
        let small: Fields =
            [("b".to_string(), Value::int(1)), ("a".to_string(), Value::int(2)), ("b".to_string(), Value::int(3))]
                .into_iter()
                .collect();
        assert_eq!(small.len(), 2);
        assert!(small.get("b").unwrap().raw_equal(&Value::int(3)), "the last duplicate wins");
        assert_eq!(small.keys().cloned().collect::<Vec<_>>(), ["a", "b"]);
    }
}
