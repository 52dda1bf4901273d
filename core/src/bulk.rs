//! Many calls with a concurrency limit: one result per item, in completion order, memory flat.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use futures_util::future::{select, Either};
use futures_util::Stream;

use crate::call::Call;
use crate::error::{Error, TransportError, TransportKind};
use crate::platform::MaybeSend;
use crate::wire::Json;

/// Most requests in flight a run keeps; a larger `concurrency` is lowered to it.
pub const MAX_CONCURRENCY: usize = 10_000;

/// Counts reported after each finished item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BulkProgress {
    /// Items finished, successfully or not.
    pub done: u64,
    /// Items that succeeded.
    pub succeeded: u64,
    /// Items that failed.
    pub failed: u64,
}

/// A callback told of progress after each item (`Send + Sync` on native targets).
#[cfg(not(target_arch = "wasm32"))]
pub type ProgressFn = Arc<dyn Fn(BulkProgress) + Send + Sync>;
/// A callback told of progress after each item.
#[cfg(target_arch = "wasm32")]
pub type ProgressFn = Arc<dyn Fn(BulkProgress)>;

/// Stops a bulk run once fired: items not sent yet fail at once as aborted (without a request)
/// and requests in flight are abandoned; every item taken is still reported, and a source of
/// unknown length is read no further (see [`run`]). Clones fire together.
///
/// A flag and a wake-up rather than a shared future of the caller's: the bindings fire it from
/// an `AbortSignal` listener, a Ctrl-C or a `stop()`, and `futures_util`'s `Shared` was 1 kB of
/// the gzipped browser package (2026-12-06).
#[derive(Clone, Default)]
pub struct Cancel(Arc<CancelState>);

#[derive(Default)]
struct CancelState {
    fired: AtomicBool,
    wake: crate::sync::Notify,
}

impl Cancel {
    /// A cancel not fired yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Fires it: every run holding it (or a clone) stops. Firing again does nothing.
    pub fn fire(&self) {
        self.0.fired.store(true, Ordering::SeqCst);
        self.0.wake.notify_waiters();
    }
    /// Whether it was fired.
    pub fn is_fired(&self) -> bool {
        self.0.fired.load(Ordering::SeqCst)
    }
    /// Finishes when it is fired (at once if it was).
    pub async fn fired(&self) {
        // The wake-up is taken before the flag is read: `notify_waiters` reaches every
        // `Notified` made before it, polled or not, so a fire between the two is not missed.
        let woken = self.0.wake.notified();
        if !self.is_fired() {
            woken.await;
        }
    }
}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cancel")
    }
}

/// Options of a bulk run.
#[derive(Clone, Default)]
pub struct BulkOptions {
    /// Requests in flight at most (default 10 when 0, at most [`MAX_CONCURRENCY`]). A call
    /// waiting to retry holds no slot.
    pub concurrency: usize,
    /// Told of progress after each item.
    pub progress: Option<ProgressFn>,
    /// Stops the run early (see [`Cancel`]).
    pub cancel: Option<Cancel>,
}

impl std::fmt::Debug for BulkOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkOptions").field("concurrency", &self.concurrency).finish_non_exhaustive()
    }
}

/// The outcome of one item: its index in the input and its result.
#[derive(Debug)]
pub struct BulkItem<R> {
    /// Position of the item in the input, from 0.
    pub index: usize,
    /// What the call returned.
    pub result: Result<R, Error>,
}

/// Runs every call of `calls` (an iterator or a stream) with at most `concurrency` requests in
/// flight, yielding one [`BulkItem`] per input item as each finishes. Invalid items fail with
/// their validation error without a request; a failure never stops the run.
///
/// Once [`BulkOptions::cancel`] fires, a source of known length (a `Vec`, a slice: its
/// `size_hint` has an upper bound) is read to its end and every item not finished is reported
/// as aborted; any other source (a generator, which may never end) is read no further: the items
/// taken from it are reported, the rest stay in it.
pub fn run<R, S>(calls: S, options: BulkOptions) -> impl Stream<Item = BulkItem<R>> + MaybeSend
where
    R: Json + MaybeSend + 'static,
    S: Stream<Item = Call<R>> + MaybeSend,
{
    let concurrency = match options.concurrency {
        0 => 10,
        n => n.min(MAX_CONCURRENCY),
    };
    let cancel = options.cancel;
    // Polled before each item is taken, so a fired cancel leaves the next one in the source,
    // and while the source is waiting, so that the cancel ends the reading at once.
    let mut stop_reading = cancel.clone().filter(|_| calls.size_hint().1.is_none()).map(|c| Box::pin(async move { c.fired().await }));
    let mut calls = Box::pin(calls);
    let mut stopped = false;
    let calls = futures_util::stream::poll_fn(move |cx| {
        if let Some(fired) = stop_reading.as_mut() {
            // Once finished, neither the cancel's future nor the source is polled again.
            stopped = stopped || std::future::Future::poll(fired.as_mut(), cx).is_ready();
            if stopped {
                return std::task::Poll::Ready(None);
            }
        }
        calls.as_mut().poll_next(cx)
    });
    let gate = Arc::new(crate::sync::Semaphore::new(concurrency));
    // Items succeeded and failed so far.
    let counts = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let progress = options.progress;
    // Counted here rather than by `enumerate` (one stream adapter less in the browser package).
    let mut taken = 0;
    let start = move |call: Call<R>| {
        let index = taken;
        taken += 1;
        let call = call.gate(gate.clone());
        let cancel = cancel.clone();
        let (counts, progress) = (counts.clone(), progress.clone());
        async move {
            let operation = call.operation().name;
            // One path with or without a cancel (a second copy of the send future would
            // grow the browser package); the cancel is polled first, so once it has fired
            // no request goes out.
            let cancelled = async move {
                match cancel {
                    Some(cancel) => cancel.fired().await,
                    None => std::future::pending().await,
                }
            };
            let result = match select(std::pin::pin!(cancelled), std::pin::pin!(call.send())).await {
                Either::Left(_) => Err(Error::Transport(Box::new(TransportError {
                    operation: operation.into(),
                    kind: TransportKind::Aborted,
                    message: "the bulk run was cancelled before this item finished".into(),
                }))),
                Either::Right((result, _)) => result,
            };
            // Counted as the item finishes, just before the run yields it (rather than by an
            // `inspect` stream adapter: one less in the browser package).
            let (succeeded, failed) = &*counts;
            let (ok, bad) = if result.is_ok() {
                (succeeded.fetch_add(1, Ordering::Relaxed) + 1, failed.load(Ordering::Relaxed))
            } else {
                (succeeded.load(Ordering::Relaxed), failed.fetch_add(1, Ordering::Relaxed) + 1)
            };
            if let Some(p) = &progress {
                p(BulkProgress { done: ok + bad, succeeded: ok, failed: bad });
            }
            BulkItem { index, result }
        }
    };
    // Calls sleeping before a retry hold no permit, so keep more of them alive than permits.
    crate::sync::buffer_unordered(calls, concurrency * 4, start)
}

/// [`run`] over an iterator.
pub fn run_iter<R, I>(calls: I, options: BulkOptions) -> impl Stream<Item = BulkItem<R>> + MaybeSend
where
    R: Json + MaybeSend + 'static,
    I: IntoIterator<Item = Call<R>>,
    I::IntoIter: MaybeSend,
{
    run(futures_util::stream::iter(calls), options)
}
