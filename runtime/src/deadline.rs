//! Per-attempt timeouts kept by one shared watchdog thread.
//!
//! Every attempt has a deadline, and almost none reaches it. `tokio::time::timeout` makes a
//! timer per attempt (the runtime's handle cloned, the clock read, an entry put into and
//! taken out of the timer wheel, a waker registered at every poll), which on loopback is
//! about two percent of a call. Here an attempt that has to wait puts its waker into one
//! slot of a coarse ring of time slots, one short lock, and takes it out when it ends, a
//! second. One thread, started on first use, walks the ring every [`TICK`] while any
//! attempt waits, and wakes the attempts whose deadline has passed; it sleeps when the ring
//! is empty.
//!
//! A timeout fires between its duration and one tick after it, when the thread gets to run
//! in time. It follows the real clock, not tokio's test clock: `tokio::time::pause` does not
//! hasten it. Where no thread can be started, an attempt falls back to tokio's timer.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// The watchdog's resolution: a timeout fires at most this much late, when the thread gets
/// to run in time.
pub(crate) const TICK: Duration = Duration::from_nanos(TICK_NANOS);
const TICK_NANOS: u64 = 10_000_000;

/// Slots in the ring, one per tick; a deadline further ahead than a lap waits in its slot
/// for as many laps as it needs.
const SLOTS: u64 = 64;

/// What [`WithDeadline`] gives when the deadline passed first.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Elapsed;

/// Runs `future` until it ends or `timeout` passes, whichever comes first.
pub(crate) fn within<F: Future>(timeout: Duration, future: F) -> WithDeadline<F> {
    WithDeadline {
        future,
        timeout,
        deadline: deadline_tick(Instant::now(), timeout),
        waiting: Waiting::No,
    }
}

pin_project_lite::pin_project! {
    /// A future with a deadline; see [`within`].
    pub(crate) struct WithDeadline<F> {
        #[pin]
        future: F,
        timeout: Duration,
        // The tick at which the deadline has passed.
        deadline: u64,
        waiting: Waiting,
    }
}

/// How a [`WithDeadline`] waits for its deadline.
enum Waiting {
    /// Not yet: it has not had to wait so far.
    No,
    /// Its waker is in the watchdog's ring.
    Ring(Registration),
    /// With tokio's timer, where the watchdog could not start.
    Timer(Pin<Box<tokio::time::Sleep>>),
}

impl<F: Future> Future for WithDeadline<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            // The waker leaves the ring now, not when the future is dropped.
            *this.waiting = Waiting::No;
            return Poll::Ready(Ok(output));
        }
        match this.waiting {
            Waiting::Ring(registration) => {
                if registration.watchdog.passed(*this.deadline) {
                    *this.waiting = Waiting::No;
                    return Poll::Ready(Err(Elapsed));
                }
                registration.follow(cx.waker());
            }
            Waiting::Timer(sleep) => {
                if sleep.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(Elapsed));
                }
            }
            Waiting::No => match watchdog() {
                Some(watchdog) => match watchdog.register(*this.deadline, cx.waker()) {
                    Some(registration) => *this.waiting = Waiting::Ring(registration),
                    None => return Poll::Ready(Err(Elapsed)),
                },
                None => {
                    let mut sleep = Box::pin(tokio::time::sleep(*this.timeout));
                    if sleep.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Err(Elapsed));
                    }
                    *this.waiting = Waiting::Timer(sleep);
                }
            },
        }
        Poll::Pending
    }
}

/// The tick by which `timeout` from `now` has passed, rounded up.
fn deadline_tick(now: Instant, timeout: Duration) -> u64 {
    let nanos = nanos_since_epoch(now).saturating_add(timeout.as_nanos());
    u64::try_from(nanos.div_ceil(u128::from(TICK_NANOS))).unwrap_or(u64::MAX)
}

/// The current tick, rounded down.
fn tick_now() -> u64 {
    u64::try_from(nanos_since_epoch(Instant::now()) / u128::from(TICK_NANOS)).unwrap_or(u64::MAX)
}

fn nanos_since_epoch(at: Instant) -> u128 {
    at.saturating_duration_since(epoch()).as_nanos()
}

/// The instant tick 0 began: the first time anything asked.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// The watchdog, its thread started on first use; `None` when no thread could be started
/// (tried again on a later call).
fn watchdog() -> Option<&'static Watchdog> {
    static WATCHDOG: OnceLock<Watchdog> = OnceLock::new();
    let watchdog = WATCHDOG.get_or_init(Watchdog::new);
    watchdog.thread().map(|_| watchdog)
}

/// A waker in the ring, taken out when this is dropped.
struct Registration {
    watchdog: &'static Watchdog,
    slot: usize,
    key: usize,
    id: u64,
    /// The registered waker's identity, to see when the task's waker changes without a
    /// lock: its data pointer and vtable address, as `Waker::will_wake` compares them.
    waker: (usize, usize),
}

impl Registration {
    /// Puts `waker` in place of the registered one when the task's waker changed.
    fn follow(&mut self, waker: &Waker) {
        let identity = identity(waker);
        if identity == self.waker {
            return;
        }
        let old = {
            let mut slot = self.watchdog.lock(self.slot);
            match slot.entries.get_mut(self.key) {
                Some(entry) if entry.id == self.id => {
                    Some(std::mem::replace(&mut entry.waker, waker.clone()))
                }
                _ => None,
            }
        };
        self.waker = identity;
        match old {
            Some(old) => drop(old),
            // The deadline passed since the caller looked, and the old waker was woken:
            // this one is, so that the next poll sees it.
            None => waker.wake_by_ref(),
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let entry = {
            let mut slot = self.watchdog.lock(self.slot);
            match slot.entries.get(self.key) {
                Some(entry) if entry.id == self.id => Some(slot.entries.remove(self.key)),
                _ => None,
            }
        };
        // Dropped outside the lock: dropping a waker may drop its task.
        drop(entry);
    }
}

fn identity(waker: &Waker) -> (usize, usize) {
    (
        waker.data() as usize,
        std::ptr::from_ref(waker.vtable()) as usize,
    )
}

/// One waiting attempt.
struct Entry {
    id: u64,
    deadline: u64,
    waker: Waker,
}

/// The attempts whose deadline falls on the slot's ticks, for one shard.
#[derive(Default)]
struct Slot {
    entries: slab::Slab<Entry>,
    next_id: u64,
}

struct Watchdog {
    /// Every tick up to this one has been walked: a deadline at or before it has passed.
    passed: AtomicU64,
    /// `SLOTS` rows of `shards` slots: threads register in different shards, so attempts
    /// started in the same tick on different threads do not contend for one lock.
    slots: Box<[Mutex<Slot>]>,
    shards: usize,
    /// Set while the thread sleeps for want of waiting attempts; whoever registers next
    /// wakes it.
    sleeping: AtomicBool,
    thread: OnceLock<std::thread::Thread>,
    /// Hands each registering thread its shard, in turn.
    next_shard: AtomicUsize,
}

impl Watchdog {
    fn new() -> Watchdog {
        let shards = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .next_power_of_two()
            .min(32);
        Watchdog {
            passed: AtomicU64::new(tick_now()),
            slots: (0..SLOTS as usize * shards)
                .map(|_| Mutex::default())
                .collect(),
            shards,
            sleeping: AtomicBool::new(false),
            thread: OnceLock::new(),
            next_shard: AtomicUsize::new(0),
        }
    }

    /// The watchdog's thread, started if it is not running yet; `None` if it cannot be.
    fn thread(&'static self) -> Option<&'static std::thread::Thread> {
        if let Some(thread) = self.thread.get() {
            return Some(thread);
        }
        static STARTING: Mutex<()> = Mutex::new(());
        let _starting = STARTING.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(thread) = self.thread.get() {
            return Some(thread);
        }
        let handle = std::thread::Builder::new()
            .name("huaweicloud-deadlines".into())
            .spawn(move || self.run())
            .ok()?;
        Some(self.thread.get_or_init(|| handle.thread().clone()))
    }

    fn lock(&self, slot: usize) -> MutexGuard<'_, Slot> {
        // No code panics while holding a slot, but a poisoned one is still sound.
        self.slots[slot]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn passed(&self, deadline: u64) -> bool {
        self.passed.load(Ordering::Acquire) >= deadline
    }

    /// Puts `waker` in the ring until `deadline`; `None` when the deadline has already
    /// passed.
    fn register(&'static self, deadline: u64, waker: &Waker) -> Option<Registration> {
        let shard = self.shard();
        let row = usize::try_from(deadline % SLOTS).unwrap_or(0);
        let index = row * self.shards + shard;
        let (key, id) = {
            let mut slot = self.lock(index);
            // The thread stores `passed` before it walks a slot: checked under the slot's
            // lock, either the walk sees this entry or this sees the tick passed.
            if self.passed(deadline) {
                return None;
            }
            let id = slot.next_id;
            slot.next_id += 1;
            let key = slot.entries.insert(Entry {
                id,
                deadline,
                waker: waker.clone(),
            });
            (key, id)
        };
        if self.sleeping.load(Ordering::SeqCst) && self.sleeping.swap(false, Ordering::SeqCst) {
            if let Some(thread) = self.thread.get() {
                thread.unpark();
            }
        }
        Some(Registration {
            watchdog: self,
            slot: index,
            key,
            id,
            waker: identity(waker),
        })
    }

    /// This thread's shard.
    fn shard(&self) -> usize {
        thread_local! {
            static SHARD: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
        }
        // The thread's turn, reduced here: each watchdog (tests make their own) has its
        // own number of shards.
        let turn = SHARD.with(|shard| {
            shard.get().unwrap_or_else(|| {
                let turn = self.next_shard.fetch_add(1, Ordering::Relaxed);
                shard.set(Some(turn));
                turn
            })
        });
        turn % self.shards
    }

    /// The thread: every tick, wakes the attempts whose deadline passed; sleeps while no
    /// attempt waits.
    fn run(&'static self) {
        let mut walked = self.passed.load(Ordering::Acquire);
        let mut due = Vec::new();
        let mut woken = Vec::new();
        loop {
            // Until the next tick begins; a tick past what `Instant` can hold is a tick away.
            let next = epoch().checked_add(Duration::from_nanos(
                walked.saturating_add(1).saturating_mul(TICK_NANOS),
            ));
            let wait = next.map_or(TICK, |next| next.saturating_duration_since(Instant::now()));
            if !wait.is_zero() {
                std::thread::park_timeout(wait);
            }
            let now = tick_now();
            if now <= walked {
                continue;
            }
            self.passed.store(now, Ordering::SeqCst);
            // Each row once at most, however far behind the thread fell.
            for row in (walked + 1..=now).take(SLOTS as usize) {
                let row = usize::try_from(row % SLOTS).unwrap_or(0);
                for shard in 0..self.shards {
                    let mut slot = self.lock(row * self.shards + shard);
                    due.extend(
                        slot.entries
                            .iter()
                            .filter(|(_, entry)| entry.deadline <= now)
                            .map(|(key, _)| key),
                    );
                    woken.extend(due.drain(..).map(|key| slot.entries.remove(key).waker));
                }
            }
            let lap = walked / SLOTS != now / SLOTS;
            walked = now;
            // Woken outside the locks: waking may run code that takes them.
            for waker in woken.drain(..) {
                // A waker is the executor's code: one that panics must not take the
                // thread, and every later timeout, with it.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| waker.wake()));
            }
            // Once a lap, sleep if nothing waits.
            if lap {
                self.sleeping.store(true, Ordering::SeqCst);
                if (0..self.slots.len()).all(|index| self.lock(index).entries.is_empty()) {
                    while self.sleeping.load(Ordering::SeqCst) {
                        std::thread::park();
                    }
                } else {
                    self.sleeping.store(false, Ordering::SeqCst);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::task::Wake;

    use super::*;

    /// A waker that counts its wakes.
    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    impl Count {
        fn woken(&self) -> usize {
            self.0.load(Ordering::SeqCst)
        }
    }

    /// A watchdog of the test's own, so that other tests' attempts are not in its ring.
    fn own_watchdog() -> &'static Watchdog {
        let watchdog: &'static Watchdog = Box::leak(Box::new(Watchdog::new()));
        assert!(watchdog.thread().is_some(), "the thread starts");
        watchdog
    }

    fn waiting(watchdog: &Watchdog) -> usize {
        watchdog
            .slots
            .iter()
            .map(|slot| slot.lock().unwrap().entries.len())
            .sum()
    }

    /// Waits, at most five seconds, for `done`.
    fn wait_for(done: impl Fn() -> bool) -> bool {
        let started = Instant::now();
        while !done() {
            if started.elapsed() > Duration::from_secs(5) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        true
    }

    #[test]
    fn a_registered_waker_is_woken_once_its_deadline_passes_and_not_before() {
        let watchdog = own_watchdog();
        let count = Arc::new(Count::default());
        let started = Instant::now();
        let deadline = deadline_tick(started, Duration::from_millis(300));
        let registration = watchdog
            .register(deadline, &Waker::from(count.clone()))
            .expect("the deadline is ahead");
        assert_eq!(waiting(watchdog), 1);
        assert!(wait_for(|| count.woken() > 0), "woken");
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert!(watchdog.passed(deadline));
        assert_eq!(count.woken(), 1);
        // The thread took the entry out; dropping the registration finds it gone.
        assert_eq!(waiting(watchdog), 0);
        drop(registration);
        assert_eq!(waiting(watchdog), 0);
    }

    #[test]
    fn a_dropped_registration_leaves_the_ring_and_is_never_woken() {
        let watchdog = own_watchdog();
        let count = Arc::new(Count::default());
        let deadline = deadline_tick(Instant::now(), Duration::from_millis(30));
        let registration = watchdog
            .register(deadline, &Waker::from(count.clone()))
            .expect("the deadline is ahead");
        drop(registration);
        assert_eq!(waiting(watchdog), 0);
        assert!(wait_for(|| watchdog.passed(deadline)));
        std::thread::sleep(TICK * 2);
        assert_eq!(count.woken(), 0);
    }

    #[test]
    fn a_changed_waker_is_the_one_woken() {
        let watchdog = own_watchdog();
        let (first, second) = (Arc::new(Count::default()), Arc::new(Count::default()));
        let second_waker = Waker::from(second.clone());
        let deadline = deadline_tick(Instant::now(), Duration::from_millis(400));
        let mut registration = watchdog
            .register(deadline, &Waker::from(first.clone()))
            .expect("the deadline is ahead");
        registration.follow(&second_waker);
        assert!(wait_for(|| second.woken() > 0), "the second waker is woken");
        assert_eq!(first.woken(), 0);
        // Following a new waker after the deadline passed wakes it at once.
        let third = Arc::new(Count::default());
        registration.follow(&Waker::from(third.clone()));
        assert_eq!(third.woken(), 1);
    }

    #[test]
    fn a_deadline_more_than_a_lap_ahead_waits_its_lap() {
        let watchdog = own_watchdog();
        let count = Arc::new(Count::default());
        let started = Instant::now();
        // A lap is 64 ticks, 640 ms: this entry's slot is walked once before it is due.
        let timeout = TICK * (SLOTS as u32 + 20);
        let _registration = watchdog
            .register(deadline_tick(started, timeout), &Waker::from(count.clone()))
            .expect("the deadline is ahead");
        assert!(wait_for(|| count.woken() > 0), "woken");
        assert!(started.elapsed() >= timeout);
    }

    #[test]
    fn a_panicking_waker_does_not_stop_the_thread() {
        struct Panics;
        impl Wake for Panics {
            fn wake(self: Arc<Self>) {
                panic!("a waker that panics");
            }
        }
        let watchdog = own_watchdog();
        let now = Instant::now();
        let _panics = watchdog
            .register(
                deadline_tick(now, Duration::from_millis(20)),
                &Waker::from(Arc::new(Panics)),
            )
            .expect("the deadline is ahead");
        let count = Arc::new(Count::default());
        let _later = watchdog
            .register(
                deadline_tick(now, Duration::from_millis(60)),
                &Waker::from(count.clone()),
            )
            .expect("the deadline is ahead");
        assert!(wait_for(|| count.woken() > 0), "the later waker is woken");
    }

    #[test]
    fn a_deadline_already_passed_is_not_registered() {
        let watchdog = own_watchdog();
        let past = watchdog.passed.load(Ordering::SeqCst);
        let count = Arc::new(Count::default());
        assert!(watchdog
            .register(past, &Waker::from(count.clone()))
            .is_none());
        assert_eq!(waiting(watchdog), 0);
    }

    #[test]
    fn the_thread_sleeps_when_nothing_waits_and_wakes_for_the_next_attempt() {
        let watchdog = own_watchdog();
        let count = Arc::new(Count::default());
        let first = watchdog
            .register(
                deadline_tick(Instant::now(), Duration::from_millis(20)),
                &Waker::from(count.clone()),
            )
            .expect("the deadline is ahead");
        assert!(wait_for(|| count.woken() == 1));
        drop(first);
        // Within a lap of an empty ring, the thread goes to sleep.
        assert!(
            wait_for(|| watchdog.sleeping.load(Ordering::SeqCst)),
            "asleep"
        );
        let started = Instant::now();
        let deadline = deadline_tick(started, Duration::from_millis(50));
        let _second = watchdog
            .register(deadline, &Waker::from(count.clone()))
            .expect("the deadline is ahead");
        assert!(wait_for(|| count.woken() == 2), "the second deadline fires");
        assert!(started.elapsed() >= Duration::from_millis(50));
    }

    #[test]
    fn deadlines_round_up_to_the_next_tick() {
        let now = epoch() + TICK * 3;
        assert_eq!(deadline_tick(now, Duration::ZERO), 3);
        assert_eq!(deadline_tick(now, Duration::from_nanos(1)), 4);
        assert_eq!(deadline_tick(now, TICK), 4);
        assert_eq!(deadline_tick(now, Duration::MAX), u64::MAX);
    }

    #[tokio::test]
    async fn a_future_that_never_ends_times_out_and_one_that_ends_does_not() {
        let started = Instant::now();
        let result = within(Duration::from_millis(60), std::future::pending::<()>()).await;
        assert_eq!(result, Err(Elapsed));
        assert!(started.elapsed() >= Duration::from_millis(60));

        let result = within(Duration::from_millis(60), async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            7
        })
        .await;
        assert_eq!(result, Ok(7));
        let result = within(Duration::ZERO, std::future::pending::<()>()).await;
        assert_eq!(result, Err(Elapsed));
    }
}
