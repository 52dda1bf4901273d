//! The client's pacer: one per client (its token), shared by every call, bulk run and audit.
//!
//! It sends as fast as callers ask until the server answers 429. The first refusal halves the
//! rate it was sending at, so that the calls in flight and in the queue do not run into the limit
//! one by one; as it says only that the limit is lower, the rate then doubles every quarter
//! second until a second refusal measures the limit (what the server accepted in the last moments;
//! later refusals measure from that second one, not from the quick rise before it). Below
//! that, the rate grows again along a cubic curve (slowly near the rate that was refused, faster
//! beyond it) to find the limit again (a `Retry-After: 0` asks for no wait and changes nothing).
//! Refusals that go on (a window limit rather than a bucket) make every call wait until the
//! Retry-After time. A smoothed attempt time that doubles holds the rate where it is.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::platform as rt;

/// How the client paces its requests.
#[derive(Debug, Clone, PartialEq)]
pub struct Pacing {
    /// Adapt the rate to 429 answers (default true). Without it, only `max_rate` paces.
    pub adaptive: bool,
    /// Requests per second at most, from the start (default: none until a 429).
    pub max_rate: Option<f64>,
}

/// Fastest fixed rate a client takes (requests per second).
pub const MAX_FIXED_RATE: f64 = 100_000.0;

impl Pacing {
    /// Checks `max_rate` is a number from 0.1 to [`MAX_FIXED_RATE`].
    pub fn check(&self) -> Result<(), crate::error::Error> {
        match self.max_rate {
            // Written out: formatting an f64 would pull float printing into the browser package.
            Some(r) if !(MIN_RATE..=MAX_FIXED_RATE).contains(&r) => Err(crate::error::Error::Config(
                "maxRate must be a number of requests per second from 0.1 to 100000".into(),
            )),
            _ => Ok(()),
        }
    }
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing { adaptive: true, max_rate: None }
    }
}

/// Share of the accepted rate the pacer drops to after a refusal.
const DECREASE: f64 = 0.9;
/// The same at a first refusal, when only the sending rate is known (the rate then grows
/// quickly, see [`PROBE_DOUBLING_SECS`]).
const FIRST_DECREASE: f64 = 0.5;
/// The same when the accepted rate was measured over more than three seconds.
const DECREASE_LONG: f64 = 0.98;
/// Growth of the cubic curve, as a share of the refused rate per second cubed.
const GROWTH: f64 = 0.004;
/// Seconds the curve takes back to the refused rate: the cube root of `(1 - DECREASE) / GROWTH`
/// (written out: `f64::cbrt` costs the browser package a libm routine). A test checks both.
const RECOVER_SECS: f64 = 2.924_017_738;
const RECOVER_LONG_SECS: f64 = 1.709_975_947;
/// Seconds of successes the accepted rate is measured over, at least; and at most (a longer
/// Retry-After, as a window limit sends, makes the span twice as long as it).
const MEASURE_SECS: f64 = 2.0;
const MAX_MEASURE_SECS: f64 = 30.0;
/// Requests per measured span the rate may go beyond what the server accepted (besides the share).
const EXTRA_PER_SPAN: f64 = 4.0;
/// Seconds the rate takes to double after a first refusal, until a second one.
const PROBE_DOUBLING_SECS: f64 = 0.25;
/// Successes of requests sent after a cut that make a later refusal news (or a second).
const SETTLE_SUCCESSES: u32 = 10;
/// Milliseconds after a first cut before a refusal is news: the second cut measures the limit
/// over this span at least (over ten successes, a few milliseconds with no latency, the measure
/// was up to a fifth low, and the rate took seconds to climb back).
const PROBE_SETTLE_MS: f64 = 100.0;
/// Refusals of requests sent after a first cut that make a refusal news before
/// [`PROBE_SETTLE_MS`]: each holds its call for a Retry-After, and an audit's or bulk run's
/// calls in flight could all be held.
const PROBE_SETTLE_REFUSALS: u32 = 10;
/// Share of the refused rate the rate keeps below while a caller finishes (see
/// [`Pacer::finishing`]): the refused rate is what the server accepted over up to two seconds,
/// which can hold a bucket's burst (a few percent above its rate).
const FINISHING_SHARE: f64 = 0.97;
/// Refusals of requests sent after a cut, with none of them served, that make every call wait
/// until the Retry-After time.
const REFUSALS_GO_ON: u32 = 3;
/// How far behind its schedule the pacer may run and still catch up (ms): more than a timer's
/// lateness, so that sleeps do not slow the rate.
const CATCH_UP_MS: f64 = 10.0;
/// Requests per second after a pause until one is served (see [`State::pause`]).
const REOPEN_PROBE_RATE: f64 = 10.0;
/// Slowest rate the pacer keeps (one request every 10 s).
const MIN_RATE: f64 = 0.1;

#[derive(Debug)]
#[cfg_attr(test, derive(Clone))]
struct State {
    /// Requests per second right after the last cut (or the fixed rate); `None`: not limited.
    floor: Option<f64>,
    /// The rate that was refused last (the top of the cubic curve).
    refused_rate: f64,
    /// When the rate was last cut (ms), and the curve's time to get back to `refused_rate` (s).
    cut_ms: f64,
    recover_secs: f64,
    /// Refusals and successes of requests sent after the last cut.
    refused_after_cut: u32,
    ok_after_cut: u32,
    /// The span the accepted rate is measured over (s).
    measure_secs: f64,
    /// The first success (ms), and where the measures of what the server accepts start (the first
    /// refusal: what was served before it includes the server's burst; then the end of the quick
    /// rise after it).
    first_success_ms: f64,
    anchor_ms: f64,
    /// The earliest time of the next send, of the next send of a list's page (see
    /// [`Pacer::claim`]), and the time every send waits for (ms).
    next_ms: f64,
    next_ahead_ms: f64,
    paused_until_ms: f64,
    /// A pause ended a little early (Retry-After is rounded up): requests go at
    /// [`REOPEN_PROBE_RATE`] until one is served.
    reopening: bool,
    /// When the window before the last pause opened (ms): the last reopening, or the first
    /// success before any pause; and the successes since then (not trimmed like `successes`).
    window_from_ms: f64,
    window_served: u32,
    /// Completion times of the successes of the last `measure_secs` (oldest first).
    successes: VecDeque<f64>,
    /// Send times of the last second, for the sending rate before the first refusal.
    sends: VecDeque<f64>,
    /// Smoothed and smallest smoothed attempt time (ms).
    latency_ms: f64,
    min_latency_ms: f64,
    /// The last cut was a first refusal's, which only knew the sending rate: the rate grows
    /// quickly until a second refusal measures the limit.
    probing: bool,
    /// Time the curve stood still since the cut (ms), and the last success (ms).
    held_ms: f64,
    /// Until when (ms) the curve does not go above the rate refused last (see [`Pacer::finishing`]).
    finishing_until_ms: f64,
    last_success_ms: f64,
    /// The schedule's number, counted up by a cut, a pause and a reopening: a caller that
    /// claimed a turn of an older schedule claims again when it wakes.
    schedule: u64,
}

/// The pacer of one client.
pub(crate) struct Pacer {
    settings: Pacing,
    state: Mutex<State>,
    /// Wakes the callers sleeping to their turns when a new schedule starts.
    new_schedule: crate::sync::Notify,
    /// Until when (ms, as `f64` bits; 0: never) the server asked this client to wait in a
    /// Retry-After longer than the client waits (see [`Pacer::hold_off`]). An atomic, not in
    /// `state`: every attempt reads it, and almost always finds 0, without taking the lock.
    held_off_until_ms: AtomicU64,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer").field("rate", &self.rate()).finish()
    }
}

/// Keeps the last `secs` of times in `times`.
fn trim(times: &mut VecDeque<f64>, now: f64, secs: f64) {
    while times.front().is_some_and(|t| now - t > secs * 1000.0) {
        times.pop_front();
    }
}

/// Events per second in `times` from `from_ms` to `now` (a span of at least 10 ms), with
/// `extra_secs` added to the span.
fn rate_since(times: &VecDeque<f64>, now: f64, from_ms: f64, extra_secs: f64) -> f64 {
    let count = times.len() - times.partition_point(|t| *t < from_ms);
    count as f64 / (((now - from_ms) / 1000.0).max(0.01) + extra_secs)
}

/// Events per second over the last quarter second when it holds enough of them to measure, or
/// else since `from_ms`.
fn recent_rate(times: &VecDeque<f64>, now: f64, from_ms: f64) -> f64 {
    const RECENT_MS: f64 = 250.0;
    let recent_from = from_ms.max(now - RECENT_MS);
    let recent = times.len() - times.partition_point(|t| *t < recent_from);
    rate_since(times, now, if recent >= 10 { recent_from } else { from_ms }, 0.0)
}

impl State {
    fn new(max_rate: Option<f64>) -> State {
        State {
            floor: max_rate,
            refused_rate: max_rate.unwrap_or(0.0),
            cut_ms: f64::NAN,
            recover_secs: 0.0,
            refused_after_cut: 0,
            ok_after_cut: 0,
            measure_secs: MEASURE_SECS,
            first_success_ms: f64::NAN,
            anchor_ms: f64::NAN,
            next_ms: 0.0,
            next_ahead_ms: 0.0,
            paused_until_ms: 0.0,
            reopening: false,
            window_from_ms: f64::NAN,
            window_served: 0,
            successes: VecDeque::new(),
            sends: VecDeque::new(),
            latency_ms: f64::NAN,
            min_latency_ms: f64::INFINITY,
            probing: false,
            held_ms: 0.0,
            finishing_until_ms: 0.0,
            last_success_ms: f64::NAN,
            schedule: 0,
        }
    }

    /// Where a measure of the last `measure_secs` starts, from `from_ms` at the earliest.
    fn measure_from(&self, now: f64, from_ms: f64) -> f64 {
        let window = now - self.measure_secs * 1000.0;
        if from_ms.is_nan() { window } else { from_ms.max(window) }
    }

    /// Where a measure of what the server accepted starts: [`State::measure_from`], and not
    /// before the end of the last pause (a wait for a window is no measure of what the server
    /// takes).
    fn accepted_from(&self, now: f64, from_ms: f64) -> f64 {
        let from = self.measure_from(now, from_ms);
        if self.paused_until_ms <= now { from.max(self.paused_until_ms) } else { from }
    }

    /// Successes per second over the measured span (since the first success and the anchor, and
    /// since the end of the last pause).
    fn accepted(&self, now: f64) -> f64 {
        // `max` keeps the one that is a number (the anchor is none before the first refusal).
        rate_since(&self.successes, now, self.accepted_from(now, self.anchor_ms.max(self.first_success_ms)), 0.0)
    }

    /// The rate in force at `now`, or none: [`State::unheld_rate`], kept below
    /// [`FINISHING_SHARE`] of the refused rate while a caller finishes (see [`Pacer::finishing`];
    /// a fixed rate alone is not lowered).
    fn rate(&self, now: f64) -> Option<f64> {
        let rate = self.unheld_rate(now)?;
        let finishing = now < self.finishing_until_ms && !self.cut_ms.is_nan();
        Some(if finishing { rate.min(FINISHING_SHARE * self.refused_rate) } else { rate })
    }

    /// After a first cut, the rate doubling every quarter second (within 1.5 times what the
    /// server accepts); after a later one, the cubic curve, kept within a tenth (and a request or
    /// two a second) above what the server accepts (beyond that a window limit only refuses
    /// later).
    fn unheld_rate(&self, now: f64) -> Option<f64> {
        let floor = self.floor?;
        if self.cut_ms.is_nan() {
            return Some(floor);
        }
        if self.probing {
            // Doubling every quarter second (between doublings, a straight line), within 1.5
            // times what the server accepted over the last moments (with the quicker doubling,
            // a smaller overshoot before the second refusal than at twice).
            let doublings = ((now - self.cut_ms).max(0.0) / (1000.0 * PROBE_DOUBLING_SECS)).min(20.0);
            let whole = doublings as i32;
            let probe = floor * 2f64.powi(whole) * (1.0 + doublings - f64::from(whole));
            let served = recent_rate(&self.successes, now, self.measure_from(now, self.first_success_ms));
            return Some(probe.min(floor.max(1.5 * served + EXTRA_PER_SPAN / self.measure_secs)));
        }
        let t = (now - self.cut_ms - self.held_ms).max(0.0) / 1000.0 - self.recover_secs;
        let curve = self.refused_rate * (1.0 + GROWTH * t * t * t);
        // Long Retry-After waits (a window) make going over the limit dear: creep more slowly.
        let over = if self.measure_secs > MEASURE_SECS { 1.01 } else { 1.1 };
        // Plus a request or two per span: at a few requests per second the count of successes is
        // too coarse for a share of it to grow on (and the rate would stand still).
        let ceiling = floor.max(over * self.accepted(now) + EXTRA_PER_SPAN / self.measure_secs);
        Some(curve.min(ceiling).max(floor.min(self.refused_rate)))
    }

    /// The rate requests are sent at: [`State::rate`], or the probes' rate while a spent window
    /// is reopening (the rate itself stays the measure cuts start from).
    fn sending_rate(&self, now: f64) -> Option<f64> {
        let rate = self.rate(now);
        if self.reopening { rate.map(|r| r.min(REOPEN_PROBE_RATE)) } else { rate }
    }

    /// Lowers the rate after a refusal that is news (not one of a spell already acted on).
    fn cut(&mut self, now: f64) {
        let first = self.cut_ms.is_nan();
        let current = match self.rate(now) {
            Some(r) => r,
            None => {
                trim(&mut self.sends, now, 1.0);
                recent_rate(&self.sends, now, self.sends.front().copied().unwrap_or(now))
            }
        };
        // At a first refusal only the sending rate is known (what was served lags what was sent
        // by an attempt time, and a run that just started has served little): the rate is halved
        // from it, and the next refusal measures the limit. After it, what was served since it is
        // a measure of the limit: the server took `accepted` per second while we sent `current`,
        // and the rate goes just below the smaller.
        let from = if first { f64::NAN } else { self.accepted_from(now, self.anchor_ms) };
        self.refused_rate = if first {
            current
        } else {
            // After the quick rise since the first cut, only the last moments tell the limit.
            let accepted =
                if self.probing { recent_rate(&self.successes, now, from) } else { rate_since(&self.successes, now, from, 0.0) };
            accepted.min(current)
        }
        .max(MIN_RATE);
        // Later cuts measure from here: from the first refusal, or from the end of the quick rise
        // after it (what was served while the rate rose is no measure of the limit).
        if first || self.probing {
            self.anchor_ms = now;
        }
        self.probing = first;
        // Measured over a long span (a window limit's), the accepted rate is close to the limit.
        let (decrease, recover_secs) = if first {
            (FIRST_DECREASE, 0.0)
        } else if now - from > 1000.0 * MEASURE_SECS * 1.5 {
            (DECREASE_LONG, RECOVER_LONG_SECS)
        } else {
            (DECREASE, RECOVER_SECS)
        };
        self.floor = Some((self.refused_rate * decrease).max(MIN_RATE));
        self.recover_secs = recover_secs;
        self.cut_ms = now;
        // The new rate starts now: no catching up with a schedule of the old one, and the turns
        // claimed in it and not yet reached are claimed again.
        self.next_ms = now;
        self.next_ahead_ms = self.next_ahead_ms.min(now);
        self.schedule += 1;
        self.held_ms = 0.0;
        self.refused_after_cut = 0;
        self.ok_after_cut = 0;
    }

    /// The window opened again at `now` (a request sent after the pause was served): what was
    /// served since the window before it opened, over the time from then to now, is what the
    /// window allows on average (both ends known to a tenth of a second, not to the second the
    /// Retry-After was rounded by); the rate goes on from it.
    fn reopened(&mut self, now: f64) {
        self.reopening = false;
        let from = if self.window_from_ms.is_nan() { self.first_success_ms } else { self.window_from_ms };
        // A span much longer than the wait (a client that ran below the limit for a while
        // before its first pause) is no measure of one window.
        if now - from > 1000.0 && now - from <= 2.0 * self.measure_secs * 1000.0 {
            let average = (f64::from(self.window_served) / ((now - from) / 1000.0)).max(MIN_RATE);
            self.floor = Some(average);
            self.refused_rate = average;
            self.cut_ms = now;
            self.held_ms = 0.0;
            self.ok_after_cut = 0;
            self.refused_after_cut = 0;
        }
        self.window_from_ms = now;
        self.window_served = 0;
        self.next_ms = self.next_ms.min(now);
        self.next_ahead_ms = self.next_ahead_ms.min(now);
        self.schedule += 1;
    }

    /// Every call waits until the Retry-After time; the rate after it is what was served over
    /// the measured span and the wait (what a window limit allows on average). Retry-After is
    /// whole seconds rounded up, so the window may reopen up to a second sooner: the wait ends a
    /// second early (half the wait at most), and requests then go ten a second until one is
    /// served (a few more 429s, no second lost at every window).
    fn pause(&mut self, now: f64, retry_after: Duration) {
        let secs = retry_after.as_secs_f64();
        let until = now + (secs - 1.0).max(secs / 2.0) * 1000.0;
        if self.paused_until_ms <= now {
            let from = self.measure_from(now, self.first_success_ms);
            // The window ends half a second before the Retry-After time, on average.
            let left = (secs - 0.5).max(secs / 2.0);
            let average = rate_since(&self.successes, now, from, left).max(MIN_RATE);
            let floor = self.floor.map_or(average, |f| f.min(average));
            self.floor = Some(floor);
            self.refused_rate = floor;
            self.recover_secs = 0.0;
            self.probing = false;
            self.cut_ms = until;
            self.held_ms = 0.0;
            self.reopening = true;
            // The probes after the wait start a new count: the spell's refusals are spent.
            self.ok_after_cut = 0;
            self.refused_after_cut = 0;
        }
        if until > self.paused_until_ms {
            // Turns claimed before the pause and not yet reached wait for its end.
            self.paused_until_ms = until;
            self.next_ms = now;
            self.next_ahead_ms = self.next_ahead_ms.min(now);
            self.schedule += 1;
        }
    }
}

impl Pacer {
    pub(crate) fn new(settings: Pacing) -> Arc<Pacer> {
        let state = State::new(settings.max_rate);
        Arc::new(Pacer {
            settings,
            state: Mutex::new(state),
            new_schedule: crate::sync::Notify::new(),
            held_off_until_ms: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Requests per second in force now, or `None` while not limited.
    pub(crate) fn rate(&self) -> Option<f64> {
        let rate = self.lock().sending_rate(rt::now_ms());
        match self.settings.max_rate {
            Some(max) => Some(rate.map_or(max, |r| r.min(max))),
            None => rate,
        }
    }

    /// Claims the next send time; how long to wait for it. A turn `ahead` (a list's page) goes
    /// before the turns claimed already, spaced at the rate from the pages before it only; the
    /// schedule after the claimed turns moves back by one. From a pause until a window has
    /// reopened (see [`State::pause`]) it queues as the others do.
    fn claim(&self, st: &mut State, now: f64, ahead: bool) -> Duration {
        if st.floor.is_none() {
            st.sends.push_back(now);
            trim(&mut st.sends, now, 1.0);
        }
        let rate = match (st.sending_rate(now), self.settings.max_rate) {
            (Some(r), Some(max)) => Some(r.min(max)),
            (r, max) => r.or(max),
        };
        // A send whose turn passed while the one before slept (timers wake up to a millisecond
        // late) goes at once and the schedule keeps its times, so the average rate is the rate;
        // after a pause in sending, the schedule starts again from now.
        let ahead = ahead && !st.reopening;
        let slot = if ahead {
            now.max(st.next_ahead_ms)
        } else if now - st.next_ms > CATCH_UP_MS {
            now
        } else {
            st.next_ms
        };
        let start = slot.max(st.paused_until_ms);
        if let Some(rate) = rate {
            let interval = 1000.0 / rate.max(MIN_RATE);
            if ahead {
                st.next_ahead_ms = start + interval;
                st.next_ms = st.next_ms.max(start) + interval;
            } else {
                st.next_ms = start + interval;
            }
        }
        // Whole microseconds: `from_secs_f64` carries a panic path.
        Duration::from_micros(((start - now).max(0.0) * 1000.0) as u64)
    }

    /// Waits for this caller's turn to send: a time of the schedule, claimed in arrival order
    /// (under the lock; a list's page `ahead` of the others, see [`Pacer::claim`]), then slept
    /// to holding nothing, so that a call kept but no longer polled holds up no other. A cut, a
    /// pause or a reopening starts a new schedule: it wakes the callers sleeping to turns of the
    /// old one, and they claim again, at the new rate.
    pub(crate) async fn turn(&self, ahead: bool) {
        loop {
            // Made before the claim, so that a new schedule started after it wakes this caller.
            let new_schedule = std::pin::pin!(self.new_schedule.notified());
            let (wait, schedule) = {
                let mut st = self.lock();
                (self.claim(&mut st, rt::now_ms(), ahead), st.schedule)
            };
            if wait.is_zero() {
                return;
            }
            let sleep = std::pin::pin!(rt::sleep(wait));
            futures_util::future::select(sleep, new_schedule).await;
            if self.lock().schedule == schedule {
                return;
            }
        }
    }

    /// Runs `change` on the state; wakes the sleeping callers if it started a new schedule.
    fn update(&self, change: impl FnOnce(&mut State)) {
        let started = {
            let mut st = self.lock();
            let before = st.schedule;
            change(&mut st);
            st.schedule != before
        };
        if started {
            self.new_schedule.notify_waiters();
        }
    }

    /// The caller has about `left_ms` of sending left: until then the rate stays a little below
    /// the rate refused last (see [`FINISHING_SHARE`]), for every call of this client. A 429
    /// then would make its call wait a whole Retry-After second after the others are done (the
    /// run would end up to a second later); a 429 earlier in a run costs it nothing, as the
    /// others go on.
    pub(crate) fn finishing(&self, left_ms: f64) {
        let until = rt::now_ms() + left_ms;
        let mut st = self.lock();
        st.finishing_until_ms = st.finishing_until_ms.max(until);
    }

    /// A request sent at `sent_ms` succeeded after `elapsed_ms`.
    pub(crate) fn succeeded(&self, sent_ms: f64, elapsed_ms: f64) {
        if self.settings.adaptive {
            self.update(|st| st.succeeded_at(sent_ms, elapsed_ms));
        }
    }

    /// A 429 asked to wait until `until_ms`, longer than the client's calls wait: the pacer is
    /// not paused for it (every call would wait until it, up to its deadline); instead each
    /// call checks [`Pacer::held_off_until_ms`] before it is sent.
    pub(crate) fn hold_off(&self, until_ms: f64) {
        if !self.settings.adaptive {
            return; // with the adaptation off, only that call fails (and `max_rate` paces)
        }
        // Times are positive, so their bits order as they do: the later time is kept.
        self.held_off_until_ms.fetch_max(until_ms.max(0.0).to_bits(), Ordering::Relaxed);
    }

    /// Until when (ms) the server asked this client to wait in a long Retry-After (0: never).
    pub(crate) fn held_off_until_ms(&self) -> f64 {
        f64::from_bits(self.held_off_until_ms.load(Ordering::Relaxed))
    }

    /// A request sent at `sent_ms` was refused with 429 and waits `retry_after`.
    /// A `Retry-After: 0` asks for no wait: it is no rate limit, and changes nothing. One that
    /// cannot be read (hidden from a browser page) is taken as a second, what a bucket sends.
    pub(crate) fn refused(&self, sent_ms: f64, retry_after: Option<Duration>) {
        let retry_after = retry_after.unwrap_or(Duration::from_secs(1));
        if !self.settings.adaptive || retry_after.is_zero() {
            return;
        }
        self.update(|st| st.refused_at(rt::now_ms(), sent_ms, retry_after));
    }
}

impl State {
    /// A request sent at `sent_ms` succeeded after `elapsed_ms`.
    fn succeeded_at(&mut self, sent_ms: f64, elapsed_ms: f64) {
        let now = sent_ms + elapsed_ms;
        if self.first_success_ms.is_nan() {
            self.first_success_ms = now;
        }
        if sent_ms >= self.cut_ms {
            self.ok_after_cut += 1;
        }
        if self.reopening && sent_ms >= self.paused_until_ms {
            self.reopened(now);
        }
        self.window_served += 1;
        self.successes.push_back(now);
        let secs = self.measure_secs;
        trim(&mut self.successes, now, secs);
        self.latency_ms = if self.latency_ms.is_nan() { elapsed_ms } else { self.latency_ms * 0.9 + elapsed_ms * 0.1 };
        if self.successes.len() >= 20 {
            self.min_latency_ms = self.min_latency_ms.min(self.latency_ms);
        }
        // Attempts taking twice their usual time: the server is struggling; the rate stands
        // still (the curve's clock stops) until they are quick again.
        if self.floor.is_some() && self.latency_ms > 2.0 * self.min_latency_ms + 5.0 && !self.last_success_ms.is_nan() {
            self.held_ms += (now - self.last_success_ms).max(0.0);
        }
        self.last_success_ms = now;
    }

    /// A request sent at `sent_ms` was refused at `now` and waits `retry_after` (not zero).
    fn refused_at(&mut self, now: f64, sent_ms: f64, retry_after: Duration) {
        self.measure_secs = self.measure_secs.max(2.0 * retry_after.as_secs_f64()).min(MAX_MEASURE_SECS);
        if sent_ms < self.cut_ms {
            return; // sent before the last cut: the same refusal spell
        }
        if self.cut_ms.is_nan() {
            self.cut(now); // news
            return;
        }
        self.refused_after_cut += 1;
        if self.ok_after_cut > 0 {
            // Refusals mixed with successes: the rate is still too high, once enough has been
            // served since the cut to measure it (before that the server's queue or bucket is
            // still emptying: a cut would measure a few milliseconds). After a first cut, a
            // tenth of a second of it, unless refusals go on (each holds its call a Retry-After).
            let measured = !self.probing || now - self.cut_ms >= PROBE_SETTLE_MS || self.refused_after_cut >= PROBE_SETTLE_REFUSALS;
            if (self.ok_after_cut >= SETTLE_SUCCESSES && measured) || now - self.cut_ms >= 1000.0 {
                self.cut(now);
            }
            return;
        }
        // Probes of a reopening window sent within a second of the pause's end, refused with a
        // Retry-After of a second: the window reopens within it, as the pause ended a second
        // early (see [`State::pause`]); a new pause would wait half a second past it.
        if self.reopening && retry_after <= Duration::from_secs(1) && sent_ms < self.paused_until_ms + 1000.0 {
            return;
        }
        // Nothing sent since the cut got through: a window is spent; everyone waits it out. A
        // Retry-After of a second may be a bucket's few milliseconds rounded up: then wait for
        // more refusals and one attempt time first.
        let evidence = retry_after >= Duration::from_secs(2)
            || (self.refused_after_cut >= 3 * REFUSALS_GO_ON && now - self.cut_ms >= self.latency_ms);
        if self.refused_after_cut >= REFUSALS_GO_ON && evidence {
            self.pause(now, retry_after);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_refusal_halves_the_sending_rate_then_a_second_measures_the_limit() {
        let p = Pacer::new(Pacing::default());
        assert_eq!(p.rate(), None);
        let now = rt::now_ms();
        // 100 successes in the last second while sending 100 per second.
        for i in 0..100 {
            let t = now - 1000.0 + f64::from(i) * 10.0;
            p.lock().sends.push_back(t);
            p.succeeded(t - 20.0, 20.0);
        }
        p.lock().refused_at(now, now - 20.0, Duration::from_secs(1));
        let rate = p.lock().rate(now).unwrap();
        assert!((45.0..=55.0).contains(&rate), "half the sending rate: {rate}");
        // Nothing known of the limit yet: the rate doubles in a quarter second.
        let doubled = p.lock().rate(now + 1000.0 * PROBE_DOUBLING_SECS).unwrap();
        assert!((95.0..=105.0).contains(&doubled), "{doubled}");
        // Served at 80 per second since; a request sent after the cut is refused: news.
        for i in 1..=40 {
            let t = now + f64::from(i) * 12.5;
            p.succeeded(t - 20.0, 20.0);
        }
        let at = now + 500.0;
        p.lock().refused_at(at, at - 20.0, Duration::from_secs(1));
        let st = &mut *p.lock();
        assert!(!st.probing);
        let rate = st.rate(at).unwrap();
        assert!((70.0..=77.0).contains(&rate), "a tenth below what was served lately: {rate}");
        // Served at 120 per second from then on: back at the refused rate after the recovery
        // time, then above it, but at most a tenth (and two a second) above what is served.
        let served_until = |st: &mut State, until: f64| {
            let last = st.successes.back().copied().unwrap_or(at).max(at);
            st.successes.extend((1..).map(|i| last + f64::from(i) * 1000.0 / 120.0).take_while(|t| *t <= until));
            st.rate(until).unwrap()
        };
        let recover_ms = st.recover_secs * 1000.0;
        let back = served_until(st, at + recover_ms);
        assert!((back - st.refused_rate).abs() < 1.0, "{back} vs {}", st.refused_rate);
        let later = served_until(st, at + recover_ms + 5000.0);
        assert!((st.refused_rate * 1.2..=132.5 + EXTRA_PER_SPAN / MEASURE_SECS).contains(&later), "{later}");
    }

    #[test]
    fn a_first_refusal_halves_the_sending_rate_even_when_little_was_served_yet() {
        // A run that just started: 600 sends a second for a quarter second, and only the answers
        // of the first few back yet (120 a second): the rate is halved from what was sent.
        let p = Pacer::new(Pacing::default());
        let now = rt::now_ms();
        for i in 0..150 {
            p.lock().sends.push_back(now - 250.0 + f64::from(i) * 250.0 / 150.0);
        }
        for i in 0..30 {
            p.succeeded(now - 90.0 + f64::from(i) * 2.0, 30.0);
        }
        p.lock().refused_at(now, now - 30.0, Duration::from_secs(1));
        let floor = p.lock().floor.unwrap();
        assert!((285.0..=315.0).contains(&floor), "half of 600 a second: {floor}");
    }

    #[test]
    fn after_the_quick_rise_cuts_measure_from_its_end() {
        // An audit's slow start (500 a second while it lists the directory), a first refusal,
        // the quick rise (served at 500, then 1,100 a second) and a second refusal; then served
        // at the limit, 1,000 a second, and refused again once 50 ms of it are served.
        let p = Pacer::new(Pacing::default());
        let t0 = rt::now_ms();
        let serve = |from: f64, until: f64, per_sec: f64| {
            let mut t = from;
            while t < until {
                p.lock().sends.push_back(t - 30.0);
                p.succeeded(t - 30.0, 30.0);
                t += 1000.0 / per_sec;
            }
        };
        serve(t0 - 1000.0, t0, 500.0);
        p.lock().refused_at(t0, t0 - 30.0, Duration::from_secs(1));
        serve(t0, t0 + 900.0, 500.0);
        serve(t0 + 900.0, t0 + 1200.0, 1100.0);
        let t1 = t0 + 1200.0;
        p.lock().refused_at(t1, t1 - 30.0, Duration::from_secs(1));
        assert!(!p.lock().probing);
        serve(t1, t1 + 50.0, 1000.0);
        let t2 = t1 + 50.0;
        p.lock().refused_at(t2, t2 - 30.0, Duration::from_secs(1));
        let st = &mut *p.lock();
        assert_eq!(st.cut_ms, t2, "a third cut");
        // Measured since the second cut: about the limit, not the average since the first
        // refusal (about 660 a second).
        assert!(st.refused_rate >= 950.0, "{}", st.refused_rate);
        // Served at the limit since, the rate climbs back along its curve: what was served
        // before the second cut does not hold it at the floor.
        let last = st.successes.back().copied().unwrap_or(t2);
        st.successes.extend((1..).map(|i| last + f64::from(i)).take_while(|t| *t <= t2 + 500.0));
        let rate = st.rate(t2 + 500.0).unwrap();
        assert!(rate >= 0.93 * st.refused_rate, "{rate} vs {}", st.refused_rate);
    }

    #[test]
    fn a_second_refusal_soon_after_the_first_is_the_same_spell() {
        // Fewer than ten successes since the cut: the server's bucket is still emptying.
        let p = Pacer::new(Pacing::default());
        let now = rt::now_ms();
        for i in 0..100 {
            p.succeeded(now - 1000.0 + f64::from(i) * 10.0, 1.0);
        }
        p.lock().refused_at(now, now - 1.0, Duration::from_secs(1));
        let floor = p.lock().floor;
        for i in 1..5 {
            p.succeeded(now + f64::from(i), 1.0);
        }
        p.lock().refused_at(now + 6.0, now + 5.0, Duration::from_secs(1));
        assert_eq!(p.lock().floor, floor);
        assert!(p.lock().probing);
    }

    #[test]
    fn a_refusal_in_the_first_tenth_of_a_second_after_a_first_cut_is_the_same_spell() {
        // With no latency, ten successes come within 10 ms of the cut: a cut then would measure
        // the limit over those 10 ms (up to a fifth low). It waits for 100 ms of them.
        let p = Pacer::new(Pacing::default());
        let now = rt::now_ms();
        for i in 0..400 {
            let t = now - 100.0 + f64::from(i) * 0.25;
            p.lock().sends.push_back(t);
            p.succeeded(t, 0.2);
        }
        p.lock().refused_at(now, now - 0.2, Duration::from_secs(1));
        let floor = p.lock().floor;
        // Served at 1,000 a second after the cut (the limit).
        let serve = |from: u32, to: u32| (from..=to).for_each(|i| p.succeeded(now + f64::from(i) - 0.2, 0.2));
        serve(1, 30);
        p.lock().refused_at(now + 30.0, now + 29.0, Duration::from_secs(1));
        assert_eq!(p.lock().floor, floor, "30 ms after the first cut is no measure yet");
        assert!(p.lock().probing);
        // Unless refusals go on: the tenth cuts.
        let flooded = Pacer::new(Pacing::default());
        let copy = p.lock().clone();
        *flooded.lock() = copy;
        for i in 1..10 {
            assert!(flooded.lock().probing, "{i} refusals");
            flooded.lock().refused_at(now + 30.0 + f64::from(i), now + 29.0 + f64::from(i), Duration::from_secs(1));
        }
        assert!(!flooded.lock().probing, "ten refusals in 40 ms");
        assert_ne!(flooded.lock().floor, floor);
        serve(31, 150);
        p.lock().refused_at(now + 150.0, now + 149.0, Duration::from_secs(1));
        let st = p.lock();
        assert!(!st.probing);
        assert!((950.0..=1050.0).contains(&st.refused_rate), "measured over 150 ms: {}", st.refused_rate);
    }

    #[test]
    fn a_caller_finishing_keeps_the_rate_below_the_refused_rate() {
        // Cut from 1,000 a second, served at 1,050 since (a bucket's burst): the curve climbs
        // past the refused rate, unless a caller is finishing.
        let mut st = State::new(None);
        (st.floor, st.refused_rate, st.cut_ms, st.recover_secs) = (Some(900.0), 1000.0, 0.0, RECOVER_SECS);
        st.successes.extend((0..8400).map(|i| f64::from(i) * 1000.0 / 1050.0));
        let at = 1000.0 * (RECOVER_SECS + 2.0);
        assert!(st.rate(at).unwrap() > 1020.0, "{:?}", st.rate(at));
        st.finishing_until_ms = at + 1.0;
        assert_eq!(st.rate(at), Some(FINISHING_SHARE * 1000.0));
        // Half a second after the cut the curve is below the share, and climbs as before.
        st.finishing_until_ms = 600.0;
        assert!(st.rate(500.0).unwrap() < FINISHING_SHARE * 1000.0);
        assert!(st.rate(500.0) < st.rate(590.0));
        assert!(st.rate(at + 2.0).unwrap() > 1020.0, "the hold ends");
        // After a pause the rate goes on from the window's average (floor and refused rate
        // alike): held below it too.
        (st.floor, st.refused_rate, st.recover_secs, st.finishing_until_ms) = (Some(1000.0), 1000.0, 0.0, at + 1.0);
        assert_eq!(st.rate(at), Some(FINISHING_SHARE * 1000.0));
        // A fixed rate alone (no 429 yet) is not lowered.
        let mut fixed = State::new(Some(500.0));
        fixed.finishing_until_ms = 1000.0;
        assert_eq!(fixed.rate(10.0), Some(500.0));
    }

    #[test]
    fn a_few_requests_a_second_grow_too() {
        // Cut to under three a second and served at that rate: two seconds hold five successes,
        // whose share alone would keep the rate where it is.
        let mut st = State::new(None);
        (st.floor, st.refused_rate, st.cut_ms, st.recover_secs) = (Some(2.7), 3.0, 0.0, RECOVER_SECS);
        st.successes.extend((0..55).map(|i| f64::from(i) * 1000.0 / 2.75));
        assert!(st.rate(20_000.0).unwrap() > 3.5, "{:?}", st.rate(20_000.0));
    }

    #[test]
    fn a_pause_is_no_measure_of_what_the_server_takes() {
        // A window spent at 0 s, everyone waited until 4 s, then served 100 a second: the
        // ceiling's measure is 100 a second, not diluted by the four seconds of waiting.
        let mut st = State::new(None);
        st.measure_secs = 8.0;
        st.first_success_ms = -1000.0;
        st.paused_until_ms = 4000.0;
        st.successes.extend((0..20).map(|i| 4000.0 + f64::from(i) * 10.0));
        let accepted = st.accepted(4200.0);
        assert!((95.0..=105.0).contains(&accepted), "{accepted}");
    }

    #[test]
    fn a_window_is_measured_from_reopening_to_reopening() {
        // A window of 500 per 10 s: 100 a second served from 0 to 5 s (the measure keeps the
        // last two seconds of them), then refusals with Retry-After 5 s.
        let mut st = State::new(None);
        for i in 1..=500 {
            st.succeeded_at(f64::from(i) * 10.0 - 30.0, 30.0);
        }
        st.refused_at(5010.0, 4990.0, Duration::from_secs(5));
        for sent in [5011.0, 5012.0, 5013.0] {
            st.refused_at(5040.0, sent, Duration::from_secs(5));
        }
        // Everyone waits until a second before the Retry-After time, then requests go ten a
        // second until one is served.
        assert_eq!(st.paused_until_ms, 9040.0);
        assert!(st.reopening);
        // Probes refused before the window reopens, a second of them, do not make a new spell
        // of waiting.
        for sent in (0..10).map(|i| 9040.0 + f64::from(i) * 100.0) {
            st.refused_at(sent + 30.0, sent, Duration::from_secs(1));
        }
        assert_eq!(st.paused_until_ms, 9040.0);
        // The probe sent at 10 s is served at 10.03 s: the window allowed 500 in 10.02 s (from
        // the first success), all of them counted though the measure had dropped most.
        st.succeeded_at(10_000.0, 30.0);
        assert!(!st.reopening);
        let measured = st.floor.unwrap();
        assert!((49.5..=50.0).contains(&measured), "{measured}");
        assert_eq!(st.rate(10_030.0), Some(measured));
        assert_eq!((st.window_from_ms, st.window_served), (10_030.0, 1));
    }

    #[test]
    fn probes_refused_past_the_second_a_pause_may_end_early_by_pause_again() {
        let mut st = State::new(None);
        st.latency_ms = 30.0;
        st.pause(5040.0, Duration::from_secs(5));
        assert_eq!(st.paused_until_ms, 9040.0);
        // Refused probes sent up to a second after the pause's end: the rounding explains them.
        for sent in (0..10).map(|i| 9040.0 + f64::from(i) * 100.0) {
            st.refused_at(sent + 30.0, sent, Duration::from_secs(1));
        }
        assert_eq!(st.paused_until_ms, 9040.0);
        // One sent later is not explained: the window is still spent, everyone waits again.
        st.refused_at(10_070.0, 10_040.0, Duration::from_secs(1));
        assert_eq!(st.paused_until_ms, 10_570.0);
    }

    #[test]
    fn recovery_times_fit_the_curve() {
        assert!((RECOVER_SECS - ((1.0 - DECREASE) / GROWTH).cbrt()).abs() < 1e-6);
        assert!((RECOVER_LONG_SECS - ((1.0 - DECREASE_LONG) / GROWTH).cbrt()).abs() < 1e-6);
    }

    #[test]
    fn refusals_after_a_cut_pause_everyone_and_echoes_do_not_cut_again() {
        let p = Pacer::new(Pacing::default());
        let now = rt::now_ms();
        p.refused(now - 5.0, Some(Duration::from_secs(4)));
        let floor = p.lock().floor;
        // Requests sent before the cut: the same spell.
        p.refused(now - 10.0, Some(Duration::from_secs(4)));
        assert_eq!(p.lock().floor, floor);
        for _ in 0..REFUSALS_GO_ON {
            p.refused(rt::now_ms() + 1.0, Some(Duration::from_secs(4)));
        }
        let st = p.lock();
        assert_eq!(st.floor, floor);
        // Everyone waits the Retry-After out, less the second it may have been rounded up by,
        // and then one request at a time goes until one is served.
        assert!((now + 2900.0..now + 3100.0).contains(&st.paused_until_ms), "{}", st.paused_until_ms - now);
        assert!(st.reopening);
    }

    #[test]
    fn max_rate_spaces_requests_from_the_start() {
        let p = Pacer::new(Pacing { adaptive: false, max_rate: Some(100.0) });
        let now = rt::now_ms();
        let waits: Vec<Duration> = (0..3).map(|_| p.claim(&mut p.lock(), now, false)).collect();
        assert_eq!(waits[0], Duration::ZERO);
        assert!((waits[2].as_secs_f64() - 0.02).abs() < 1e-6, "{waits:?}");
    }

    #[test]
    fn a_turn_ahead_goes_before_the_claimed_ones_at_the_rate_among_pages() {
        let p = Pacer::new(Pacing { adaptive: false, max_rate: Some(100.0) });
        let now = rt::now_ms();
        let claim = |ahead| p.claim(&mut p.lock(), now, ahead).as_secs_f64();
        let waits = [claim(false), claim(false), claim(false), claim(true), claim(false), claim(true), claim(true)];
        // The pages keep to the rate among themselves: the second at 10 ms, the third at 20 ms.
        let want = [0.0, 0.01, 0.02, 0.0, 0.04, 0.01, 0.02];
        assert!(waits.iter().zip(want).all(|(w, x)| (w - x).abs() < 1e-6), "{waits:?}");
        // A new schedule (a cut) lets the next page go at once.
        p.lock().cut(now);
        assert_eq!(claim(true), 0.0);
        // While a window reopens, a page queues like every call.
        p.lock().reopening = true;
        let queued = claim(false);
        assert!(claim(true) > queued, "{queued}");
    }

    #[test]
    fn a_cut_after_a_pause_measures_from_its_end() {
        let mut st = State::new(None);
        let serve = |st: &mut State, from: f64, to: f64, rate: f64| {
            let mut t = from;
            while t < to {
                st.succeeded_at(t - 30.0, 30.0);
                t += 1000.0 / rate;
            }
        };
        // A window of 600 per 5 s spent in 2 s: refusals with a Retry-After of 4 s pause everyone.
        serve(&mut st, 0.0, 2000.0, 300.0);
        st.refused_at(2000.0, 1990.0, Duration::from_secs(4));
        for i in 0..REFUSALS_GO_ON {
            st.refused_at(2010.0 + f64::from(i), 2005.0, Duration::from_secs(4));
        }
        assert!(st.paused_until_ms > 4000.0, "{}", st.paused_until_ms);
        // The window's average (120/s) from the end of the pause, then its end refuses a few.
        let reopen = st.paused_until_ms + 30.0;
        serve(&mut st, reopen, 10_000.0, 120.0);
        st.refused_at(10_000.0, 9990.0, Duration::from_secs(1));
        // What was accepted is measured since the pause ended, not over it (that was 75/s).
        assert!((110.0..125.0).contains(&st.refused_rate), "{}", st.refused_rate);
    }

    #[tokio::test]
    async fn a_new_schedule_wakes_the_callers_sleeping_to_their_turns() {
        let p = Pacer::new(Pacing::default());
        p.lock().floor = Some(1.0);
        let started = std::time::Instant::now();
        p.turn(false).await;
        let waiting = {
            let p = p.clone();
            tokio::spawn(async move { p.turn(false).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "a turn a second ahead");
        // A faster schedule starts (as a window reopening starts one): the caller goes now, not
        // at its turn of the old one.
        p.update(|st| {
            st.floor = Some(1000.0);
            st.next_ms = rt::now_ms();
            st.schedule += 1;
        });
        waiting.await.unwrap();
        assert!(started.elapsed() < Duration::from_millis(500), "{:?}", started.elapsed());
    }

    #[test]
    fn a_cut_or_a_pause_starts_a_new_schedule_from_now() {
        let p = Pacer::new(Pacing::default());
        let now = rt::now_ms();
        // Forty requests a second for a second: a cut to twenty, forty turns claimed ahead.
        for i in 0..40 {
            p.claim(&mut p.lock(), now - 1000.0 + f64::from(i) * 25.0, false);
        }
        p.refused(now - 1.0, Some(Duration::from_secs(1)));
        let claimed: Vec<Duration> = (0..40).map(|_| p.claim(&mut p.lock(), now, false)).collect();
        let (schedule, last) = (p.lock().schedule, claimed[39].as_secs_f64());
        assert!((1.9..2.0).contains(&last), "{last}: 40 turns at 20/s");
        // A second cut: the turns not yet reached are of an old schedule, and the next turn is
        // now, not after them.
        let later = now + 500.0;
        for _ in 0..12 {
            p.succeeded(later - 40.0, 30.0);
        }
        p.lock().refused_at(later, later - 5.0, Duration::from_secs(1));
        let st = p.lock();
        assert!(st.schedule > schedule && st.next_ms == later, "{} {}", st.schedule, st.next_ms - later);
        drop(st);
        // A pause starts one too: every turn waits for its end.
        let schedule = p.lock().schedule;
        p.lock().pause(later + 1.0, Duration::from_secs(4));
        let st = p.lock();
        assert!(st.schedule > schedule && st.paused_until_ms > later + 2900.0);
    }
}
