//! Waiting between tasks of one client: [`Notify`] (wake every waiter) and [`Semaphore`] (at
//! most n holders), and [`buffer_unordered`] (a stream's futures run n at a time). Natively
//! these are Tokio's and futures-util's. The browser build is single-threaded and has its own:
//! Tokio's (a lock-free waiter list, coop budgeting and their futures) were 4.9 kB of the .wasm
//! before gzip (twiggy, 2026-12-07); futures-util's `FuturesUnordered` (atomic task lists,
//! compiled once for the bulk runs and once for the audit) 4.6 kB.

#[cfg(not(target_arch = "wasm32"))]
pub use tokio::sync::{Notify, Semaphore};

#[cfg(target_arch = "wasm32")]
pub use single::{buffer_unordered, Notify, Semaphore};

/// The futures `start` makes of the items of `source` run at most `limit` at a time, their
/// outputs yielded as they finish (futures-util's `map` and `buffer_unordered`).
#[cfg(not(target_arch = "wasm32"))]
pub fn buffer_unordered<S, F>(source: S, limit: usize, start: impl FnMut(S::Item) -> F) -> impl futures_util::Stream<Item = F::Output>
where
    S: futures_util::Stream,
    F: std::future::Future,
{
    futures_util::StreamExt::buffer_unordered(futures_util::StreamExt::map(source, start), limit)
}

// Compiled natively too under test, for its unit tests.
#[cfg(any(target_arch = "wasm32", test))]
mod single {
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex, MutexGuard};
    use std::task::{Context, Poll, Wake, Waker};

    /// The wakers of the futures waiting, oldest first, each under an id so that a future
    /// dropped while waiting takes its waker out. Ids grow, so the list is sorted by them (a
    /// bulk run may have tens of thousands of futures waiting). A waker is dropped only after
    /// the list is let go (dropping one may drop a future that waits here too).
    #[derive(Default)]
    struct Waiters {
        next_id: Cell<u64>,
        list: RefCell<VecDeque<(u64, Waker)>>,
    }

    impl Waiters {
        /// Registers (or updates) the waker of the future whose id is in `id`.
        fn register(&self, id: &mut Option<u64>, cx: &Context<'_>) {
            let mut list = self.list.borrow_mut();
            let _old = match id.map(|i| list.binary_search_by_key(&i, |(j, _)| *j)) {
                Some(Ok(at)) if list[at].1.will_wake(cx.waker()) => return,
                Some(Ok(at)) => std::mem::replace(&mut list[at].1, cx.waker().clone()),
                _ => {
                    let i = self.next_id.get();
                    self.next_id.set(i + 1);
                    *id = Some(i);
                    list.push_back((i, cx.waker().clone()));
                    return;
                }
            };
            drop(list);
        }

        /// Takes out the waker of `id`; whether it was still there (not woken).
        fn remove(&self, id: Option<u64>) -> bool {
            let Some(i) = id else { return false };
            let mut list = self.list.borrow_mut();
            let Ok(at) = list.binary_search_by_key(&i, |(j, _)| *j) else { return false };
            let removed = list.remove(at);
            drop(list);
            drop(removed);
            true
        }

        /// Wakes the oldest waiter (the list is let go before the wake).
        fn wake_oldest(&self) {
            let oldest = self.list.borrow_mut().pop_front();
            if let Some((_, waker)) = oldest {
                waker.wake();
            }
        }

        /// Wakes every waiter (the list is let go before the wakes).
        fn wake_all(&self) {
            let all = std::mem::take(&mut *self.list.borrow_mut());
            for (_, waker) in all {
                waker.wake();
            }
        }
    }

    /// Wakes every waiting task at once ([`Notify::notify_waiters`]), as Tokio's: a
    /// [`Notify::notified`] future made before the call finishes, polled or not.
    #[derive(Default)]
    pub struct Notify {
        calls: Cell<u64>,
        waiters: Waiters,
    }

    impl Notify {
        /// A notify nobody waits on.
        pub fn new() -> Self {
            Self::default()
        }

        /// Finishes every `notified()` future made before this call.
        pub fn notify_waiters(&self) {
            self.calls.set(self.calls.get() + 1);
            self.waiters.wake_all();
        }

        /// Finishes at the next [`Notify::notify_waiters`] call.
        pub fn notified(&self) -> Notified<'_> {
            Notified { notify: self, calls: self.calls.get(), id: None }
        }
    }

    /// The future of [`Notify::notified`].
    pub struct Notified<'a> {
        notify: &'a Notify,
        calls: u64,
        id: Option<u64>,
    }

    impl Future for Notified<'_> {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let this = self.get_mut();
            if this.notify.calls.get() != this.calls {
                this.notify.waiters.remove(this.id.take());
                return Poll::Ready(());
            }
            this.notify.waiters.register(&mut this.id, cx);
            Poll::Pending
        }
    }

    impl Drop for Notified<'_> {
        fn drop(&mut self) {
            self.notify.waiters.remove(self.id);
        }
    }

    /// At most `n` holders of a [`Permit`] at once; the others wait. A permit given back wakes
    /// the oldest waiter; unlike Tokio's, a caller polled before that one may take it first
    /// (the woken one then waits again, last). In bulk runs and audits the woken call is queued
    /// to be polled before the calls started after it.
    pub struct Semaphore {
        permits: Cell<usize>,
        waiters: Waiters,
    }

    impl Semaphore {
        /// A semaphore of `permits`.
        pub fn new(permits: usize) -> Self {
            Semaphore { permits: Cell::new(permits), waiters: Waiters::default() }
        }

        /// Waits for a permit (never an error: the result's type is Tokio's shape).
        pub fn acquire(&self) -> Acquire<'_> {
            Acquire { semaphore: self, id: None }
        }
    }

    /// The future of [`Semaphore::acquire`].
    pub struct Acquire<'a> {
        semaphore: &'a Semaphore,
        id: Option<u64>,
    }

    impl<'a> Future for Acquire<'a> {
        type Output = Result<Permit<'a>, std::convert::Infallible>;
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            let this = self.get_mut();
            let semaphore = this.semaphore;
            match semaphore.permits.get() {
                0 => {
                    semaphore.waiters.register(&mut this.id, cx);
                    Poll::Pending
                }
                n => {
                    semaphore.permits.set(n - 1);
                    semaphore.waiters.remove(this.id.take());
                    Poll::Ready(Ok(Permit { semaphore }))
                }
            }
        }
    }

    impl Drop for Acquire<'_> {
        fn drop(&mut self) {
            // Woken for a permit it will not take now: the next waiter is woken instead.
            if self.id.is_some() && !self.semaphore.waiters.remove(self.id) && self.semaphore.permits.get() > 0 {
                self.semaphore.waiters.wake_oldest();
            }
        }
    }

    /// A permit of a [`Semaphore`]; dropping it gives it back and wakes the oldest waiter.
    pub struct Permit<'a> {
        semaphore: &'a Semaphore,
    }

    impl Drop for Permit<'_> {
        fn drop(&mut self) {
            self.semaphore.permits.set(self.semaphore.permits.get() + 1);
            self.semaphore.waiters.wake_oldest();
        }
    }

    /// The slots of a [`buffer_unordered`] woken since they were last polled, first woken first,
    /// and the waker of the task that polls the stream. Locked only to note or take a slot or the
    /// task's waker, never while a future is polled or woken.
    #[derive(Default)]
    struct Woken {
        slots: Mutex<VecDeque<usize>>,
        task: Mutex<Option<Waker>>,
    }

    fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The waker of one slot: notes the slot and wakes the task.
    struct SlotWaker {
        slot: usize,
        woken: Arc<Woken>,
    }

    impl Wake for SlotWaker {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            lock(&self.woken.slots).push_back(self.slot);
            let task = lock(&self.woken.task).clone();
            if let Some(task) = task {
                task.wake();
            }
        }
    }

    /// The futures `start` makes of the items of `source` run at most `limit` at a time, their
    /// outputs yielded as they finish; as futures-util's `buffer_unordered`, only the futures
    /// woken are polled again, a woken one before one started after it, each in a slot that is
    /// used again when it ends.
    pub fn buffer_unordered<S, F>(source: S, limit: usize, mut start: impl FnMut(S::Item) -> F) -> impl futures_util::Stream<Item = F::Output>
    where
        S: futures_util::Stream,
        F: Future,
    {
        let woken = Arc::new(Woken::default());
        let mut source = Box::pin(source);
        let mut ended = false;
        let mut slots: Vec<(Option<Pin<Box<F>>>, Waker)> = Vec::new();
        let mut free = Vec::new();
        futures_util::stream::poll_fn(move |cx| {
            // The old waker is dropped after the lock is let go.
            let _old = {
                let mut task = lock(&woken.task);
                match task.as_ref() {
                    Some(t) if t.will_wake(cx.waker()) => None,
                    _ => task.replace(cx.waker().clone()),
                }
            };
            while !ended && slots.len() - free.len() < limit.max(1) {
                match source.as_mut().poll_next(cx) {
                    Poll::Ready(Some(item)) => {
                        let slot = match free.pop() {
                            Some(slot) => slot,
                            None => {
                                let waker = Waker::from(Arc::new(SlotWaker { slot: slots.len(), woken: woken.clone() }));
                                slots.push((None, waker));
                                slots.len() - 1
                            }
                        };
                        slots[slot].0 = Some(Box::pin(start(item)));
                        lock(&woken.slots).push_back(slot);
                    }
                    Poll::Ready(None) => ended = true,
                    Poll::Pending => break,
                }
            }
            // One round of the slots at most: a future that wakes itself at once does not keep
            // this poll from returning.
            for _ in 0..slots.len() {
                let Some(slot) = lock(&woken.slots).pop_front() else { break };
                let (future, waker) = &mut slots[slot];
                let Some(running) = future.as_mut() else { continue };
                if let Poll::Ready(out) = running.as_mut().poll(&mut Context::from_waker(waker)) {
                    *future = None;
                    free.push(slot);
                    return Poll::Ready(Some(out));
                }
            }
            if !lock(&woken.slots).is_empty() {
                cx.waker().wake_by_ref();
                Poll::Pending
            } else if ended && slots.len() == free.len() {
                Poll::Ready(None)
            } else {
                Poll::Pending
            }
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        use std::task::Wake;

        /// A waker that counts its wakes.
        struct Count(AtomicUsize);
        impl Wake for Count {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        fn waker() -> (Arc<Count>, Waker) {
            let count = Arc::new(Count(AtomicUsize::new(0)));
            (count.clone(), Waker::from(count))
        }
        fn poll<F: Future + Unpin>(f: &mut F, waker: &Waker) -> Poll<F::Output> {
            Pin::new(f).poll(&mut Context::from_waker(waker))
        }
        fn wakes(count: &Count) -> usize {
            count.0.load(Ordering::SeqCst)
        }

        #[test]
        fn notified_made_before_a_notify_finishes_polled_or_not() {
            let notify = Notify::new();
            let (count, w) = waker();
            let mut unpolled = notify.notified();
            let mut polled = notify.notified();
            assert!(poll(&mut polled, &w).is_pending());
            assert!(poll(&mut polled, &w).is_pending());
            assert_eq!(notify.waiters.list.borrow().len(), 1, "one waker per future, however often polled");
            notify.notify_waiters();
            assert_eq!(wakes(&count), 1);
            assert!(poll(&mut unpolled, &w).is_ready());
            assert!(poll(&mut polled, &w).is_ready());
            let mut later = notify.notified();
            assert!(poll(&mut later, &w).is_pending());
            drop(later);
            assert!(notify.waiters.list.borrow().is_empty(), "a dropped future takes its waker out");
        }

        #[test]
        fn permits_go_to_the_oldest_waiter_and_a_woken_one_dropped_passes_it_on() {
            let semaphore = Semaphore::new(1);
            let (_, w1) = waker();
            let (count2, w2) = waker();
            let (count3, w3) = waker();
            let Poll::Ready(Ok(first)) = poll(&mut semaphore.acquire(), &w1) else { panic!("a free permit") };
            let mut second = semaphore.acquire();
            let mut third = semaphore.acquire();
            assert!(poll(&mut second, &w2).is_pending());
            assert!(poll(&mut third, &w3).is_pending());
            drop(first);
            assert_eq!((wakes(&count2), wakes(&count3)), (1, 0));
            // Woken, then dropped before it took the permit: the next waiter is woken.
            drop(second);
            assert_eq!(wakes(&count3), 1);
            let Poll::Ready(Ok(third_permit)) = poll(&mut third, &w3) else { panic!("the permit passed on") };
            assert!(poll(&mut semaphore.acquire(), &w1).is_pending());
            drop(third_permit);
            assert_eq!(semaphore.permits.get(), 1);
            assert!(semaphore.waiters.list.borrow().is_empty());
        }

        /// Futures that finish when released, each polled and woken under the test's control;
        /// what every poll saw is logged.
        #[derive(Default)]
        struct Board {
            released: Vec<bool>,
            wakers: Vec<Option<Waker>>,
            polls: Vec<usize>,
            log: Vec<usize>,
        }
        fn board(n: usize) -> std::rc::Rc<RefCell<Board>> {
            std::rc::Rc::new(RefCell::new(Board { released: vec![false; n], wakers: vec![None; n], polls: vec![0; n], log: Vec::new() }))
        }
        fn futures(b: &std::rc::Rc<RefCell<Board>>, n: usize) -> impl futures_util::Stream<Item = impl Future<Output = usize>> {
            let b = b.clone();
            futures_util::stream::iter((0..n).map(move |i| {
                let b = b.clone();
                std::future::poll_fn(move |cx| {
                    let mut b = b.borrow_mut();
                    b.polls[i] += 1;
                    b.log.push(i);
                    if b.released[i] {
                        return Poll::Ready(i);
                    }
                    b.wakers[i] = Some(cx.waker().clone());
                    Poll::Pending
                })
            }))
        }
        fn wake(b: &std::rc::Rc<RefCell<Board>>, i: usize, release: bool) {
            let waker = {
                let mut b = b.borrow_mut();
                b.released[i] |= release;
                b.wakers[i].take()
            };
            waker.expect("a waker registered").wake();
        }
        fn next<S: futures_util::Stream + Unpin>(s: &mut S, w: &Waker) -> Poll<Option<S::Item>> {
            Pin::new(s).poll_next(&mut Context::from_waker(w))
        }

        #[test]
        fn buffer_unordered_runs_at_most_limit_and_polls_only_the_woken() {
            let n = 40;
            let b = board(n);
            let mut stream = Box::pin(buffer_unordered(futures(&b, n), 3, |f| f));
            let (count, w) = waker();
            assert!(next(&mut stream, &w).is_pending());
            assert_eq!(b.borrow().polls[..4], [1, 1, 1, 0]);
            wake(&b, 1, true);
            assert_eq!(wakes(&count), 1, "a woken future wakes the task");
            assert_eq!(next(&mut stream, &w), Poll::Ready(Some(1)));
            assert_eq!(b.borrow().polls[..4], [1, 2, 1, 0], "only the woken one was polled");
            assert!(next(&mut stream, &w).is_pending());
            assert_eq!(b.borrow().polls[..4], [1, 2, 1, 1], "its slot went to the next");
            // The rest released in a scrambled order: each comes out once, 3 at most running.
            let mut out = vec![1];
            let mut step = 0;
            while out.len() < n {
                let running: Vec<usize> = (0..n).filter(|&i| b.borrow().polls[i] > 0 && !out.contains(&i)).collect();
                assert!(running.len() <= 3, "{running:?}");
                step = (step * 7 + 3) % running.len().max(1);
                wake(&b, running[step], true);
                while let Poll::Ready(Some(i)) = next(&mut stream, &w) {
                    assert!(!out.contains(&i));
                    out.push(i);
                }
            }
            out.sort_unstable();
            assert_eq!(out, (0..n).collect::<Vec<_>>());
            assert_eq!(next(&mut stream, &w), Poll::Ready(None));
            assert_eq!(next(&mut stream, &w), Poll::Ready(None));
            assert!(b.borrow().polls.iter().all(|&p| p == 2), "each polled when started and when released");
        }

        #[test]
        fn buffer_unordered_polls_a_woken_future_before_one_started_after_it() {
            let b = board(3);
            let mut stream = Box::pin(buffer_unordered(futures(&b, 3), 2, |f| f));
            let (_, w) = waker();
            assert!(next(&mut stream, &w).is_pending());
            wake(&b, 0, true);
            wake(&b, 1, false);
            b.borrow_mut().log.clear();
            // 1 was woken before 0's slot went to 2, and is polled before it.
            assert_eq!(next(&mut stream, &w), Poll::Ready(Some(0)));
            assert!(next(&mut stream, &w).is_pending());
            assert_eq!(b.borrow().log, [0, 1, 2]);
        }

        #[test]
        fn buffer_unordered_skips_stale_wakes_and_reads_its_source_no_further_after_its_end() {
            let b = board(2);
            let reads_after_end = std::rc::Rc::new(Cell::new(0));
            let mut items = futures(&b, 2);
            let mut ended = false;
            let counter = reads_after_end.clone();
            // A source that counts the reads made after it ended.
            let source = futures_util::stream::poll_fn(move |cx| {
                if ended {
                    counter.set(counter.get() + 1);
                    return Poll::Ready(None);
                }
                let next = futures_util::Stream::poll_next(Pin::new(&mut items), cx);
                ended = matches!(next, Poll::Ready(None));
                next
            });
            let mut stream = Box::pin(buffer_unordered(source, 1, |f| f));
            let (_, w) = waker();
            assert!(next(&mut stream, &w).is_pending());
            // Future 0 keeps its waker: woken twice, then released and finished.
            let stale = b.borrow().wakers[0].clone().expect("a waker registered");
            stale.wake_by_ref();
            wake(&b, 0, true);
            assert_eq!(next(&mut stream, &w), Poll::Ready(Some(0)));
            // Its slot went to 1; the stale wake polls 1 again (spuriously), which stays pending.
            assert!(next(&mut stream, &w).is_pending());
            stale.wake_by_ref();
            assert!(next(&mut stream, &w).is_pending());
            wake(&b, 1, true);
            assert_eq!(next(&mut stream, &w), Poll::Ready(Some(1)));
            assert_eq!(next(&mut stream, &w), Poll::Ready(None));
            assert_eq!(next(&mut stream, &w), Poll::Ready(None));
            assert_eq!(reads_after_end.get(), 0);
            assert_eq!(b.borrow().polls, [2, 3], "1 polled when started, on the stale wake, when released");
        }

        #[test]
        fn buffer_unordered_returns_when_a_future_keeps_waking_itself() {
            let spinning = std::future::poll_fn(|cx: &mut Context<'_>| -> Poll<usize> {
                cx.waker().wake_by_ref();
                Poll::Pending
            });
            let source = futures_util::stream::iter([Box::pin(spinning) as Pin<Box<dyn Future<Output = usize>>>]);
            let mut stream = Box::pin(buffer_unordered(source, 4, |f| f));
            let (count, w) = waker();
            // The poll returns (one round of the slots), and the task is woken to poll again.
            assert!(next(&mut stream, &w).is_pending());
            assert!(wakes(&count) >= 1, "polled again later");
        }

        #[test]
        fn many_waiters_come_and_go() {
            let semaphore = Semaphore::new(0);
            let (count, w) = waker();
            let mut waiting: Vec<_> = (0..20_000).map(|_| semaphore.acquire()).collect();
            for a in waiting.iter_mut() {
                assert!(poll(a, &w).is_pending());
            }
            // Dropped from the middle and the ends, then the rest woken one by one.
            let rest = waiting.split_off(5_000);
            drop(waiting);
            assert_eq!(semaphore.waiters.list.borrow().len(), 15_000);
            drop(Permit { semaphore: &semaphore });
            assert_eq!(wakes(&count), 1);
            drop(rest);
            // The woken one was dropped without its permit: it went on to the next, which was
            // dropped too; none is left waiting and the permit is free.
            assert!(semaphore.waiters.list.borrow().is_empty());
            assert_eq!(semaphore.permits.get(), 1);
        }
    }
}
