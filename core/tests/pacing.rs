//! The client under a server's rate limit: 429 answers are pacing (no retries used up, only the
//! deadline), and one pacer per client keeps a bulk run under the limit with few refusals.

mod common;

use std::time::Duration;

use common::*;
use futures_util::StreamExt;
use webex_emergency::{bulk, BulkOptions, CallbackSelection, Client, Error, PersonEcbnUpdate, RetryPolicy};
use webex_emergency_sim::RateLimit;

fn body() -> PersonEcbnUpdate {
    PersonEcbnUpdate { selected: Some(CallbackSelection::LocationEcbn), ..Default::default() }
}

#[tokio::test]
async fn a_429_uses_up_no_retries_only_the_deadline() {
    let sim = sim(20);
    let d = dir(&sim);
    let c = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&sim.base_url)
        .retry(RetryPolicy { max_retries: 0, total_deadline: Duration::from_secs(20), ..fast_retry() })
        .build()
        .unwrap();
    // Four refusals, then the request is served: no retry was needed for them.
    sim.set_faults(script((0..4).map(|_| status_fault(429, Some("0.05"))).collect()));
    c.people().update_ecbn(&d.people[0], &body()).await.unwrap();
    assert_eq!(sim.journal().iter().map(|e| e.status).collect::<Vec<_>>(), [429, 429, 429, 429, 204]);
    // A 5xx still uses up the retries (none here), and so does a 429 without Retry-After (as a browser
    // sees it when the server does not expose the header): nothing says it is only pacing.
    for fault in [status_fault(503, None), status_fault(429, None)] {
        sim.set_faults(script(vec![fault]));
        assert!(c.people().update_ecbn(&d.people[0], &body()).await.is_err());
    }

    // Refusals that go on fail the call when its deadline would pass, saying so.
    let short = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&sim.base_url)
        .retry(RetryPolicy { max_retries: 0, total_deadline: Duration::from_millis(600), ..fast_retry() })
        .build()
        .unwrap();
    sim.set_faults(script((0..50).map(|_| status_fault(429, Some("0.2"))).collect()));
    let err = short.people().update_ecbn(&d.people[0], &body()).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status, 429);
    assert!(api.note.as_deref().unwrap_or("").contains("deadline"), "{err}");
}

/// A bulk run of `n` people under `limit` at `concurrency`: every item done once, and the share
/// of requests refused.
async fn bulk_under(limit: RateLimit, n: usize, concurrency: usize) -> (usize, usize) {
    let sim = sim(n + n / 2);
    let d = dir(&sim);
    sim.set_faults(Faults { rate_limit: Some(limit), latency_ms: 10, jitter_ms: 5, ..Faults::default() });
    let c = client(&sim);
    let people = &d.people[..n];
    let calls = people.iter().map(|p| c.people().update_ecbn(p, &body()));
    let mut results = bulk::run_iter(calls, BulkOptions { concurrency, ..Default::default() });
    let mut ok = 0;
    while let Some(item) = results.next().await {
        assert!(item.result.is_ok(), "item {} failed: {:?}", item.index, item.result.err());
        ok += 1;
    }
    assert_eq!(ok, n);
    let journal = sim.journal();
    for p in people {
        let served = journal.iter().filter(|e| e.status == 204 && e.path.contains(p.as_str())).count();
        assert_eq!(served, 1, "{p} served once");
    }
    assert!(c.pace_rate().is_some(), "the pacer took a rate");
    (journal.len(), journal.iter().filter(|e| e.status == 429).count())
}

#[tokio::test]
async fn a_bulk_run_keeps_under_a_token_bucket() {
    // Unpaced, 40 in flight against 100/s would be refused for most requests; the start (40
    // in flight at once) costs most of the refusals a paced run has.
    let (requests, refused) = bulk_under(RateLimit::Bucket { rate: 100.0, burst: 10.0 }, 400, 40).await;
    assert!(refused * 5 < requests, "{refused} of {requests} refused");
}

#[tokio::test]
async fn a_bulk_run_waits_out_a_fixed_window() {
    let (requests, refused) = bulk_under(RateLimit::Window { requests: 150, seconds: 1.0 }, 400, 20).await;
    assert!(refused * 5 < requests, "{refused} of {requests} refused");
}

/// A call waiting for its turn that is kept but no longer polled (a future held in a stream
/// that is not read, say) holds up no other call of its client.
#[tokio::test]
async fn a_waiting_call_that_is_not_polled_holds_up_no_other() {
    let sim = sim(4);
    let d = dir(&sim);
    let pacing = webex_emergency::Pacing { adaptive: true, max_rate: Some(4.0) };
    let c = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).retry(fast_retry()).pacing(pacing).build().unwrap();
    // The first call goes at once; the next waits a quarter of a second for its turn.
    c.people().get_ecbn(&d.people[0]).await.unwrap();
    let mut stalled = Box::pin(std::future::IntoFuture::into_future(c.people().get_ecbn(&d.people[1])));
    assert!(tokio::time::timeout(Duration::from_millis(20), &mut stalled).await.is_err(), "it should be waiting");
    // `stalled` is alive and never polled again: the calls after it still go, at the rate.
    let started = std::time::Instant::now();
    for p in &d.people[2..4] {
        tokio::time::timeout(Duration::from_secs(3), c.people().get_ecbn(p)).await.expect("not held up").unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(400), "{:?}: paced", started.elapsed());
    // It still goes when polled again.
    tokio::time::timeout(Duration::from_secs(3), stalled).await.expect("goes when polled").unwrap();
    assert_eq!(sim.journal().len(), 4);
}

/// A list's pages go ahead of the calls waiting for their turns, but keep to `max_rate` among
/// themselves: a list read alone is paced like any calls.
#[tokio::test]
async fn a_list_read_alone_keeps_to_max_rate() {
    let sim = sim(60);
    let pacing = webex_emergency::Pacing { adaptive: false, max_rate: Some(20.0) };
    let c = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).retry(fast_retry()).pacing(pacing).build().unwrap();
    let started = std::time::Instant::now();
    let people: Vec<_> = c.people().list(Some(10), None).collect().await;
    assert!(people.iter().all(Result::is_ok) && people.len() >= 40, "{} people", people.len());
    let pages = sim.journal().len();
    assert!(pages >= 5, "{pages} pages");
    // At 20 a second, the pages after the first take 50 ms each at least.
    let least = Duration::from_millis(50 * (pages as u64 - 1));
    assert!(started.elapsed() >= least, "{pages} pages in {:?}", started.elapsed());
}
