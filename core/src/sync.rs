//! Waiting between tasks of one client: [`Notify`] (wake every waiter) and [`Semaphore`] (at
//! most n holders). Natively these are Tokio's. The browser build is single-threaded and has its
//! own, a list of wakers each: Tokio's (a lock-free waiter list, coop budgeting and their
//! futures) were 4.9 kB of the .wasm before gzip (twiggy, 2026-12-07).

#[cfg(not(target_arch = "wasm32"))]
pub use tokio::sync::{Notify, Semaphore};

#[cfg(target_arch = "wasm32")]
pub use single::{Notify, Semaphore};

// Compiled natively too under test, for its unit tests.
#[cfg(any(target_arch = "wasm32", test))]
mod single {
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

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
