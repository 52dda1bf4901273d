//! The per-target layer (lowest): timers, clocks, randomness and boxed futures.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future that is `Send` on native targets (the browser is single-threaded).
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future that is `Send` on native targets (the browser is single-threaded).
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// An iterator boxed as its `next` and the upper bound of its length, `Send` on native targets.
/// Bulk runs take their calls through one, so that the run's stream is compiled once for every
/// source of items. A `Box<dyn Iterator>` compiled every method of its vtable (`nth`,
/// `advance_by` and the `try_fold` behind them) for each source: 0.8 kB of the browser package's
/// .wasm (2026-12-07).
pub struct BoxIter<T> {
    next: BoxNext<T>,
    upper: Option<usize>,
}

#[cfg(not(target_arch = "wasm32"))]
type BoxNext<T> = Box<dyn FnMut() -> Option<T> + Send>;
#[cfg(target_arch = "wasm32")]
type BoxNext<T> = Box<dyn FnMut() -> Option<T>>;

impl<T> BoxIter<T> {
    /// `iter`, boxed.
    pub fn new<I: Iterator<Item = T> + MaybeSend + 'static>(mut iter: I) -> Self {
        let upper = iter.size_hint().1;
        BoxIter { next: Box::new(move || iter.next()), upper }
    }
}

impl<T> Iterator for BoxIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        (self.next)()
    }
    /// The source's upper bound when it was boxed (a known length stays known).
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.upper)
    }
}

/// `Send` on native targets, nothing in the browser.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}
/// `Send` on native targets, nothing in the browser.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// `Send + Sync` on native targets, nothing in the browser.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync + ?Sized> MaybeSync for T {}
/// `Send + Sync` on native targets, nothing in the browser.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSync for T {}

/// Waits for `d`.
#[cfg(not(target_arch = "wasm32"))]
pub async fn sleep(d: Duration) {
    tokio::time::sleep(d).await
}

/// Waits for `d` (a `setTimeout` in the browser or Node). Dropped early (a timeout race
/// lost), it clears its timer, so a finished call leaves nothing keeping Node alive, and
/// settles its promise: a `JsFuture` keeps its callbacks (and they it) until its promise
/// settles, so a promise left pending kept 800-900 bytes per call for good (measured in
/// Node 20 over 6,000 to 30,000 calls, 2026-12-07).
#[cfg(target_arch = "wasm32")]
pub async fn sleep(d: Duration) {
    use wasm_bindgen::{JsCast, JsValue};
    /// Clears the timer and settles the promise when dropped (both do nothing once it fired).
    struct Timer {
        id: JsValue,
        resolve: Option<js_sys::Function>,
    }
    impl Drop for Timer {
        fn drop(&mut self) {
            if let Some(clear) = global_function("clearTimeout") {
                let _ = clear.call1(&js_sys::global(), &self.id);
            }
            if let Some(resolve) = &self.resolve {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    }
    fn global_function(name: &str) -> Option<js_sys::Function> {
        js_sys::Reflect::get(&js_sys::global(), &name.into()).ok().and_then(|f| f.dyn_into().ok())
    }
    let ms = d.as_millis().min(i32::MAX as u128) as i32;
    let mut timer = Timer { id: JsValue::UNDEFINED, resolve: None };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(f) = global_function("setTimeout") {
            timer.id = f.call2(&js_sys::global(), &resolve, &ms.into()).unwrap_or(JsValue::UNDEFINED);
        }
        timer.resolve = Some(resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    drop(timer);
}

/// Milliseconds since the Unix epoch.
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Milliseconds since the Unix epoch (`Date.now()`).
#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// An HTTP-date (RFC 9110: IMF-fixdate, RFC 850 or asctime form) as milliseconds since the
/// Unix epoch; `None` when the text is not one.
#[cfg(not(target_arch = "wasm32"))]
pub fn http_date_ms(text: &str) -> Option<f64> {
    let at = httpdate::parse_http_date(text).ok()?;
    Some(at.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs_f64() * 1000.0)
}

/// An HTTP-date as milliseconds since the Unix epoch, read by the host's `Date.parse`, which
/// reads all three forms (httpdate's parser cost 3.2 kB of the gzipped browser package,
/// 2026-12-06). HTTP-dates are in UTC: the asctime form names no zone, so `GMT` is added for it,
/// or `Date.parse` would read it as local time. The host may read forms that are not HTTP-dates.
#[cfg(target_arch = "wasm32")]
pub fn http_date_ms(text: &str) -> Option<f64> {
    // `ends_with`, not `contains`: a string search would add the two-way searcher to the package.
    let ms = if text.ends_with("GMT") { js_sys::Date::parse(text) } else { js_sys::Date::parse(&(text.to_string() + " GMT")) };
    ms.is_finite().then_some(ms)
}

/// A pseudo-random number for jitter and tracking IDs (not for secrets).
pub fn random_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = (now_ms() * 1000.0) as u64 ^ 0x9E37_79B9_7F4A_7C15 ^ (&STATE as *const _ as u64);
    }
    // splitmix64
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    STATE.store(x, Ordering::Relaxed);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Runs `fut` for at most `limit`; `None` when time ran out (the future is dropped, which
/// cancels the request).
pub async fn timeout<F: Future>(limit: Duration, fut: F) -> Option<F::Output> {
    use futures_util::future::{select, Either};
    let fut = std::pin::pin!(fut);
    let timer = std::pin::pin!(sleep(limit));
    match select(fut, timer).await {
        Either::Left((out, _)) => Some(out),
        Either::Right(_) => None,
    }
}
