//! Bounded concurrency for the graph walk: a dependency-ordered task runner
//! and a counting semaphore for provider operations.

use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex};

/// Runs `task(i)` for every `i` in `0..needs.len()`, each only after every
/// task in `needs[i]` has finished, on up to `workers` threads.
///
/// `needs[i]` may only name tasks before `i` (the caller passes a
/// topological order), so with one worker the tasks run in index order on
/// the calling thread. Among ready tasks the lowest index runs first, which
/// keeps progress output close to the configuration's order.
pub fn run_dag(needs: &[Vec<usize>], workers: usize, task: impl Fn(usize) + Sync) {
    let n = needs.len();
    if workers <= 1 || n <= 1 {
        (0..n).for_each(task);
        return;
    }
    let mut waiting: Vec<usize> = Vec::with_capacity(n);
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, deps) in needs.iter().enumerate() {
        waiting.push(deps.len());
        for &d in deps {
            debug_assert!(d < i, "needs must follow a topological order");
            dependents[d].push(i);
        }
    }
    let ready: BinaryHeap<std::cmp::Reverse<usize>> =
        (0..n).filter(|&i| waiting[i] == 0).map(std::cmp::Reverse).collect();
    let shared = Mutex::new(Queue { ready, waiting, done: 0 });
    let wake = Condvar::new();
    let task = &task;
    let (shared, wake, dependents) = (&shared, &wake, &dependents);
    std::thread::scope(|scope| {
        for _ in 0..workers.min(n) {
            scope.spawn(move || loop {
                let next = {
                    let mut q = shared.lock().expect("no poisoned locks");
                    loop {
                        if let Some(std::cmp::Reverse(i)) = q.ready.pop() {
                            break Some(i);
                        }
                        if q.done == n {
                            break None;
                        }
                        q = wake.wait(q).expect("no poisoned locks");
                    }
                };
                let Some(i) = next else { return };
                // Marks the task finished even if it panics, so that the
                // other workers do not wait forever (the panic propagates
                // when the scope joins).
                let _finished = Finished { index: i, shared, wake, dependents };
                task(i);
            });
        }
    });
}

struct Queue {
    ready: BinaryHeap<std::cmp::Reverse<usize>>,
    waiting: Vec<usize>,
    done: usize,
}

struct Finished<'a> {
    index: usize,
    shared: &'a Mutex<Queue>,
    wake: &'a Condvar,
    dependents: &'a [Vec<usize>],
}

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        let mut q = match self.shared.lock() {
            Ok(q) => q,
            Err(poisoned) => poisoned.into_inner(),
        };
        q.done += 1;
        for &d in &self.dependents[self.index] {
            q.waiting[d] -= 1;
            if q.waiting[d] == 0 {
                q.ready.push(std::cmp::Reverse(d));
            }
        }
        self.wake.notify_all();
    }
}

/// A counting semaphore: at most `permits` provider operations at once,
/// however many resources are being walked concurrently.
pub struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

impl Semaphore {
    pub fn new(permits: usize) -> Semaphore {
        Semaphore { free: Mutex::new(permits.max(1)), released: Condvar::new() }
    }

    /// Waits for a permit; it is returned when the guard drops.
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.free.lock().expect("no poisoned locks");
        while *free == 0 {
            free = self.released.wait(free).expect("no poisoned locks");
        }
        *free -= 1;
        Permit(self)
    }
}

pub struct Permit<'a>(&'a Semaphore);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut free = match self.0.free.lock() {
            Ok(f) => f,
            Err(poisoned) => poisoned.into_inner(),
        };
        *free += 1;
        self.0.released.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_task_runs_after_what_it_needs() {
        // A diamond and a chain: 0 → {1, 2} → 3, 4 → 5.
        let needs = vec![vec![], vec![0], vec![0], vec![1, 2], vec![], vec![4]];
        for workers in [1, 2, 8] {
            let finished: Vec<AtomicUsize> = (0..needs.len()).map(|_| AtomicUsize::new(0)).collect();
            let clock = AtomicUsize::new(1);
            run_dag(&needs, workers, |i| {
                for &d in &needs[i] {
                    assert_ne!(finished[d].load(Ordering::SeqCst), 0, "task {i} ran before {d}");
                }
                finished[i].store(clock.fetch_add(1, Ordering::SeqCst), Ordering::SeqCst);
            });
            assert!(finished.iter().all(|f| f.load(Ordering::SeqCst) > 0));
        }
    }

    #[test]
    fn independent_tasks_overlap() {
        // Two tasks that each wait for the other to have started can only
        // finish if they run at the same time.
        let started = AtomicUsize::new(0);
        run_dag(&[vec![], vec![]], 2, |_| {
            started.fetch_add(1, Ordering::SeqCst);
            for _ in 0..5_000 {
                if started.load(Ordering::SeqCst) == 2 {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            panic!("the other task never started");
        });
    }

    #[test]
    fn one_worker_runs_in_index_order() {
        let order = Mutex::new(Vec::new());
        run_dag(&[vec![], vec![], vec![1]], 1, |i| order.lock().unwrap().push(i));
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2]);
    }

    #[test]
    fn semaphore_bounds_concurrency() {
        let sem = Semaphore::new(2);
        let (now, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        run_dag(&vec![vec![]; 8], 8, |_| {
            let _p = sem.acquire();
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(n, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(5));
            now.fetch_sub(1, Ordering::SeqCst);
        });
        assert!(peak.load(Ordering::SeqCst) <= 2);
    }
}
