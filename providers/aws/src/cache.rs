//! Batched refresh: the first read of an object of one kind describes every
//! object of that kind in its scope (a subnet's VPC) in one call; reads of
//! the others are answered from that result. Concurrent readers of one
//! scope wait for one fill. Any change this provider makes, and age, end a
//! fill's validity, so a read never returns what this process changed.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a fill answers reads: one refresh pass, not across a prompt.
const FRESH_FOR: Duration = Duration::from_secs(20);

type Objects = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
pub struct ReadCache {
    state: Mutex<State>,
    /// One lock per scope, held while it is being filled.
    fills: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

#[derive(Default)]
struct State {
    generation: u64,
    entries: HashMap<String, (u64, Instant, Objects)>,
}

impl ReadCache {
    /// Forgets every fill (called after each change this provider makes).
    pub fn invalidate(&self) {
        let mut s = self.state.lock().expect("no poisoned locks");
        s.generation += 1;
        s.entries.clear();
    }

    /// The object `id` of `scope`, from a fresh fill or from `fill` (which
    /// returns every object of the scope by id). `None`: the scope has no such object.
    pub fn get_or_fill<T, E>(
        &self,
        scope: &str,
        id: &str,
        fill: impl FnOnce() -> Result<HashMap<String, T>, E>,
    ) -> Result<Option<T>, E>
    where
        T: Clone + Send + Sync + 'static,
    {
        let lock = self.fills.lock().expect("no poisoned locks").entry(scope.to_string()).or_default().clone();
        let _filling = lock.lock().expect("no poisoned locks");
        let generation = {
            let s = self.state.lock().expect("no poisoned locks");
            if let Some((g, at, objects)) = s.entries.get(scope) {
                if *g == s.generation && at.elapsed() < FRESH_FOR {
                    if let Some(m) = objects.downcast_ref::<HashMap<String, T>>() {
                        return Ok(m.get(id).cloned());
                    }
                }
            }
            s.generation
        };
        let objects = fill()?;
        let found = objects.get(id).cloned();
        let mut s = self.state.lock().expect("no poisoned locks");
        if s.generation == generation {
            s.entries.insert(scope.to_string(), (generation, Instant::now(), Arc::new(objects)));
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_fill_answers_every_read_of_a_scope_until_invalidated() {
        let cache = ReadCache::default();
        let fills = std::sync::atomic::AtomicUsize::new(0);
        let fill = || {
            fills.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, ()>(HashMap::from([("a".to_string(), 1), ("b".to_string(), 2)]))
        };
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| assert_eq!(cache.get_or_fill("vpc-1", "a", fill), Ok(Some(1))));
            }
        });
        assert_eq!(cache.get_or_fill("vpc-1", "b", fill), Ok(Some(2)));
        assert_eq!(cache.get_or_fill("vpc-1", "gone", fill), Ok(None));
        assert_eq!(fills.load(std::sync::atomic::Ordering::SeqCst), 1);
        cache.get_or_fill("vpc-2", "a", fill).unwrap();
        assert_eq!(fills.load(std::sync::atomic::Ordering::SeqCst), 2);
        cache.invalidate();
        cache.get_or_fill("vpc-1", "a", fill).unwrap();
        assert_eq!(fills.load(std::sync::atomic::Ordering::SeqCst), 3);
    }
}
