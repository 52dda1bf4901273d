//! Rate limits per access token, as the simulator enforces them: a token bucket or a fixed
//! window. A refused request gets a 429 with `Retry-After` in whole seconds, rounded up.
//!
//! Written here rather than taken from `governor`: that crate has the bucket (GCRA) but no
//! fixed window, and both modes must give the same Retry-After rule from one clock.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// A rate limit, applied to each access token on its own.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum RateLimit {
    /// A token bucket: `rate` requests per second on average, at most `burst` at once.
    #[serde(rename_all = "camelCase")]
    Bucket {
        /// Requests per second refilled.
        rate: f64,
        /// Size of the bucket (requests that may go at once after a quiet spell).
        burst: f64,
    },
    /// A fixed window: at most `requests` in each window of `seconds`, the first window
    /// starting at the token's first request.
    #[serde(rename_all = "camelCase")]
    Window {
        /// Requests allowed per window.
        requests: u64,
        /// Length of a window in seconds.
        seconds: f64,
    },
}

impl RateLimit {
    /// Checks the numbers make sense (positive, finite).
    pub fn check(&self) -> Result<(), String> {
        let ok = |x: f64| x.is_finite() && x > 0.0;
        match *self {
            RateLimit::Bucket { rate, burst } if ok(rate) && ok(burst) && burst >= 1.0 => Ok(()),
            RateLimit::Window { requests, seconds } if requests > 0 && ok(seconds) => Ok(()),
            RateLimit::Bucket { .. } => Err("a bucket needs rate > 0 and burst >= 1".into()),
            RateLimit::Window { .. } => Err("a window needs requests > 0 and seconds > 0".into()),
        }
    }
}

/// What one token has used.
enum Usage {
    Bucket { tokens: f64, at: Instant },
    Window { started: Instant, count: u64 },
}

/// The state of every token under one limit.
#[derive(Default)]
pub struct Limiter {
    usage: HashMap<String, Usage>,
}

impl Limiter {
    /// Counts a request of `token` at `now`: `None` when it may be served, else the
    /// Retry-After in whole seconds (at least 1).
    pub fn admit(&mut self, limit: &RateLimit, token: &str, now: Instant) -> Option<u64> {
        let wait = match *limit {
            RateLimit::Bucket { rate, burst } => {
                let usage = self.usage.entry(token.to_string()).or_insert(Usage::Bucket { tokens: burst, at: now });
                let Usage::Bucket { tokens, at } = usage else { return None };
                *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * rate).min(burst);
                *at = now;
                if *tokens >= 1.0 {
                    *tokens -= 1.0;
                    return None;
                }
                (1.0 - *tokens) / rate
            }
            RateLimit::Window { requests, seconds } => {
                let usage = self.usage.entry(token.to_string()).or_insert(Usage::Window { started: now, count: 0 });
                let Usage::Window { started, count } = usage else { return None };
                let window = Duration::from_secs_f64(seconds);
                let elapsed = now.saturating_duration_since(*started);
                if elapsed >= window {
                    // Windows follow each other from the first one, also after a quiet spell.
                    let windows = (elapsed.as_secs_f64() / seconds).floor();
                    *started += Duration::from_secs_f64(windows * seconds);
                    *count = 0;
                }
                if *count < requests {
                    *count += 1;
                    return None;
                }
                (*started + window).saturating_duration_since(now).as_secs_f64()
            }
        };
        Some((wait.ceil() as u64).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_the_burst_then_the_rate() {
        let limit = RateLimit::Bucket { rate: 10.0, burst: 5.0 };
        let mut l = Limiter::default();
        let t0 = Instant::now();
        assert!((0..5).all(|_| l.admit(&limit, "a", t0).is_none()));
        assert_eq!(l.admit(&limit, "a", t0), Some(1));
        // Another token has its own bucket.
        assert!(l.admit(&limit, "b", t0).is_none());
        // 0.1 s later one request more.
        let t1 = t0 + Duration::from_millis(100);
        assert!(l.admit(&limit, "a", t1).is_none());
        assert_eq!(l.admit(&limit, "a", t1), Some(1));
        // A slow bucket says how many whole seconds, rounded up.
        let slow = RateLimit::Bucket { rate: 0.4, burst: 1.0 };
        assert!(l.admit(&slow, "c", t0).is_none());
        assert_eq!(l.admit(&slow, "c", t0), Some(3));
    }

    #[test]
    fn window_counts_per_window_and_says_when_it_ends() {
        let limit = RateLimit::Window { requests: 3, seconds: 5.0 };
        let mut l = Limiter::default();
        let t0 = Instant::now();
        assert!((0..3).all(|_| l.admit(&limit, "a", t0).is_none()));
        assert_eq!(l.admit(&limit, "a", t0 + Duration::from_millis(1500)), Some(4));
        assert_eq!(l.admit(&limit, "a", t0 + Duration::from_millis(4900)), Some(1));
        assert!(l.admit(&limit, "a", t0 + Duration::from_secs(5)).is_none());
        // After a quiet spell the windows keep their phase: 16 s is 1 s into the fourth.
        let t16 = t0 + Duration::from_secs(16);
        assert!((0..3).all(|_| l.admit(&limit, "a", t16).is_none()));
        assert_eq!(l.admit(&limit, "a", t16), Some(4));
    }

    #[test]
    fn bad_limits_are_refused() {
        assert!(RateLimit::Bucket { rate: 0.0, burst: 5.0 }.check().is_err());
        assert!(RateLimit::Bucket { rate: f64::NAN, burst: 5.0 }.check().is_err());
        assert!(RateLimit::Window { requests: 0, seconds: 5.0 }.check().is_err());
        assert!(RateLimit::Window { requests: 600, seconds: 5.0 }.check().is_ok());
    }
}
