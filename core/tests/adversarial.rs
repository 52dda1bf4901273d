//! Hostile and careless input to the Rust client: absurd options are configuration errors (never
//! a panic), and every wait of a call counts against its deadline.

mod common;
use common::*;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use webex_emergency::*;

fn build(retry: RetryPolicy, timeout: Duration) -> Result<Client, Error> {
    Client::builder().token("t").base_url("http://127.0.0.1:9/v1").retry(retry).timeout(timeout).build()
}

#[test]
fn absurd_retry_policies_and_timeouts_are_config_errors() {
    let ok = RetryPolicy::default();
    let bad = [
        RetryPolicy { initial_backoff: Duration::MAX, ..ok.clone() },
        RetryPolicy { max_backoff: Duration::MAX, ..ok.clone() },
        RetryPolicy { max_retry_after: Duration::MAX, ..ok.clone() },
        RetryPolicy { total_deadline: Duration::MAX, ..ok.clone() },
        RetryPolicy { total_deadline: Duration::ZERO, ..ok.clone() },
        RetryPolicy { total_deadline: MAX_WAIT + Duration::from_nanos(1), ..ok.clone() },
        RetryPolicy { max_retries: u32::MAX, ..ok.clone() },
    ];
    for policy in bad {
        let err = build(policy.clone(), Duration::from_secs(1)).unwrap_err();
        assert_eq!(err.code(), "config", "{policy:?}: {err}");
        assert!(err.to_string().contains("RetryPolicy::"), "{err}");
    }
    for timeout in [Duration::ZERO, Duration::MAX, MAX_WAIT + Duration::from_millis(1)] {
        let err = build(ok.clone(), timeout).unwrap_err();
        assert_eq!(err.code(), "config", "{timeout:?}: {err}");
    }
    // The largest accepted values build, and a call with them runs without a panic.
    let largest = RetryPolicy {
        max_retries: MAX_RETRIES,
        initial_backoff: MAX_WAIT,
        max_backoff: MAX_WAIT,
        max_retry_after: MAX_WAIT,
        total_deadline: MAX_WAIT,
    };
    build(largest, MAX_WAIT).unwrap();
}

#[tokio::test]
async fn the_largest_policy_runs_a_call_without_a_panic() {
    let sim = sim(20);
    let d = dir(&sim);
    let policy = RetryPolicy { max_retries: MAX_RETRIES, max_retry_after: MAX_WAIT, total_deadline: MAX_WAIT, ..RetryPolicy::default() };
    let c = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).retry(policy).timeout(MAX_WAIT).build().unwrap();
    sim.set_faults(script(vec![status_fault(503, Some("0"))]));
    c.people().get_ecbn(&d.people[0]).await.unwrap();
    assert_eq!(sim.journal().iter().map(|e| e.status).collect::<Vec<_>>(), [503, 200]);
}

/// A token provider that fails with an error of its own.
struct Failing(Cause);

impl TokenProvider for Failing {
    fn token(&self, _refresh: bool) -> platform::BoxFuture<'_, Result<String, Error>> {
        Box::pin(async { Err(Error::token_provider("the vault failed", Some(self.0.clone()))) })
    }
}

#[tokio::test]
async fn a_token_providers_failure_keeps_its_cause() {
    let sim = sim(20);
    let d = dir(&sim);
    let cause: Cause = Arc::new("the vault's own error".to_string());
    let c = Client::builder().token_provider(Failing(cause.clone())).base_url(&sim.base_url).build().unwrap();
    let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
    assert_eq!(err.code(), "config");
    assert!(Arc::ptr_eq(err.provider_cause().expect("a cause"), &cause));
    assert_eq!(sim.journal_len(), 0);
}

/// A token provider that never answers in time.
struct Slow;

impl TokenProvider for Slow {
    fn token(&self, _refresh: bool) -> platform::BoxFuture<'_, Result<String, Error>> {
        Box::pin(async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(DEFAULT_TOKEN.to_string())
        })
    }
}

#[tokio::test]
async fn waiting_for_the_token_provider_counts_against_the_deadline() {
    let sim = sim(20);
    let d = dir(&sim);
    let policy = RetryPolicy { total_deadline: Duration::from_millis(300), ..fast_retry() };
    let c = Client::builder().token_provider(Slow).base_url(&sim.base_url).retry(policy).build().unwrap();
    let started = Instant::now();
    let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(err.to_string().contains("token provider"), "{err}");
    assert_eq!(sim.journal_len(), 0);
}

#[tokio::test]
async fn waiting_for_a_turn_under_the_rate_counts_against_the_deadline() {
    let sim = sim(20);
    let d = dir(&sim);
    let policy = RetryPolicy { total_deadline: Duration::from_millis(300), ..fast_retry() };
    // One request every 10 s: the second call's turn comes after its 300 ms deadline.
    let pacing = webex_emergency::pace::Pacing { adaptive: false, max_rate: Some(0.1) };
    let c = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).retry(policy).pacing(pacing).build().unwrap();
    c.people().get_ecbn(&d.people[0]).await.unwrap();
    let started = Instant::now();
    let err = c.people().get_ecbn(&d.people[1]).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(err.to_string().contains("deadline passed while waiting for a turn under the server's rate limit"), "{err}");
    assert_eq!(sim.journal_len(), 1);
}

#[tokio::test]
async fn waiting_for_a_bulk_slot_counts_against_the_deadline() {
    let sim = sim(50);
    let d = dir(&sim);
    let policy = RetryPolicy { max_retries: 0, total_deadline: Duration::from_millis(500), ..fast_retry() };
    let c = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).retry(policy).build().unwrap();
    // One request at a time, each answered after 400 ms: a call that waits for the slot
    // longer than its 500 ms deadline fails saying so, and is never sent.
    sim.set_faults(Faults { latency_ms: 400, ..Faults::default() });
    let calls: Vec<_> = d.people.iter().take(4).map(|p| c.people().get_ecbn(p)).collect();
    let options = BulkOptions { concurrency: 1, ..Default::default() };
    let started = Instant::now();
    let results: Vec<_> = bulk::run_iter(calls, options).collect().await;
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(results.len(), 4);
    let slot_waits = results
        .iter()
        .filter(|r| r.result.as_ref().is_err_and(|e| e.to_string().contains("a free request slot")))
        .count();
    assert!(slot_waits >= 1, "{:?}", results.iter().map(|r| r.result.as_ref().map(|_| ())).collect::<Vec<_>>());
    assert!(results.iter().any(|r| r.result.is_ok()));
    assert!(sim.journal_len() < 4, "a call past its deadline was still sent");
}

#[tokio::test]
async fn a_cancelled_bulk_run_stops_sending_and_reports_every_item() {
    let sim = sim(50);
    let d = dir(&sim);
    let c = client(&sim);
    sim.set_faults(Faults { latency_ms: 200, ..Faults::default() });
    let calls: Vec<_> = (0..200).map(|i| c.people().get_ecbn(&d.people[i % d.people.len()])).collect();
    let cancel = bulk::Cancel::new();
    let fire = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        fire.fire();
    });
    let options = BulkOptions { concurrency: 4, cancel: Some(cancel), ..Default::default() };
    let started = Instant::now();
    let mut results: Vec<_> = bulk::run_iter(calls, options).collect().await;
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    results.sort_by_key(|r| r.index);
    assert_eq!(results.iter().map(|r| r.index).collect::<Vec<_>>(), (0..200).collect::<Vec<_>>());
    let aborted = results.iter().filter(|r| r.result.as_ref().is_err_and(|e| e.code() == "aborted")).count();
    assert!(aborted > 150, "{aborted} aborted");
    // The journal records a request when it is answered: those in flight at the cancel may
    // still appear within the latency, nothing after.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let sent = sim.journal_len();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(sim.journal_len(), sent, "requests went out after the cancel");
    assert!(sent < 30, "{sent} sent");
}

#[tokio::test]
async fn a_cancelled_bulk_run_reads_a_generator_no_further_and_leaves_the_rest_in_it() {
    let sim = sim(50);
    let d = dir(&sim);
    let c = client(&sim);
    sim.set_faults(Faults { latency_ms: 100, ..Faults::default() });
    let taken = Arc::new(AtomicUsize::new(0));
    let counter = taken.clone();
    let person = d.people[0].clone();
    let client2 = c.clone();
    // A generator of unknown length (no upper bound in its size_hint) and long enough to take
    // many seconds to drain (an endless one would hang this test without the fix, not fail it).
    let mut calls = std::iter::from_fn(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        (n < 2_000_000).then(|| client2.people().get_ecbn(&person))
    });
    let cancel = bulk::Cancel::new();
    let fire = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(350)).await;
        fire.fire();
    });
    let options = BulkOptions { concurrency: 4, cancel: Some(cancel), ..Default::default() };
    let run = bulk::run_iter(calls.by_ref(), options).collect::<Vec<_>>();
    let results = tokio::time::timeout(Duration::from_secs(5), run).await.expect("the run never ended");
    // Every item taken is reported once; nothing more was taken than reported.
    assert!(results.len() < 1000, "{} items taken after the cancel", results.len());
    assert_eq!(results.len(), taken.load(Ordering::SeqCst));
    let mut indices: Vec<_> = results.iter().map(|r| r.index).collect();
    indices.sort_unstable();
    assert_eq!(indices, (0..results.len()).collect::<Vec<_>>());
    assert!(results.iter().any(|r| r.result.is_ok()));
    assert!(results.iter().any(|r| r.result.as_ref().is_err_and(|e| e.code() == "aborted")));
    // The source goes on where the run stopped.
    let before = taken.load(Ordering::SeqCst);
    let _ = calls.next();
    assert_eq!(taken.load(Ordering::SeqCst), before + 1);
}

#[tokio::test]
async fn a_cancel_ends_a_run_whose_source_is_waiting_for_its_next_item() {
    let sim = sim(50);
    let d = dir(&sim);
    let c = client(&sim);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    for p in d.people.iter().take(5) {
        tx.send(c.people().get_ecbn(p)).unwrap();
    }
    // The sender stays open: the source waits for a sixth item that never comes.
    let source = futures_util::stream::unfold(rx, |mut rx| async { rx.recv().await.map(|call| (call, rx)) });
    let cancel = bulk::Cancel::new();
    let fire = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        fire.fire();
    });
    let options = BulkOptions { concurrency: 4, cancel: Some(cancel), ..Default::default() };
    let run = bulk::run(source, options).collect::<Vec<_>>();
    let results = tokio::time::timeout(Duration::from_secs(5), run).await.expect("the run waited for its source after the cancel");
    assert_eq!(results.len(), 5);
    assert!(results.iter().all(|r| r.result.is_ok()));
    drop(tx);
}

/// A server on 127.0.0.1 that answers every request with `answer` and counts connections.
async fn tiny_server(answer: String) -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let _ = sock.write_all(answer.as_bytes()).await;
            });
        }
    });
    (base, hits)
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_other_host_receives_nothing() {
    let (other, other_hits) = tiny_server("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".into()).await;
    let redirect = format!("HTTP/1.1 302 Found\r\nlocation: {other}/v1/x\r\ncontent-length: 0\r\n\r\n");
    let (base, _) = tiny_server(redirect).await;
    let c = Client::builder().token("secret-token").base_url(format!("{base}/v1")).retry(RetryPolicy { max_retries: 0, ..fast_retry() }).build().unwrap();
    let sim = sim(20);
    let person = dir(&sim).people[0].clone();
    let err = c.people().get_ecbn(&person).await.unwrap_err();
    assert!(!err.to_string().contains("secret-token"), "{err}");
    assert_eq!(other_hits.load(Ordering::SeqCst), 0);
}

fn oversized(status: u16, body: &str, pad: usize) -> Faults {
    let fault = Fault { status: Some(status), body: Some(body.into()), oversize: true, retry_after: Some("0".into()), ..Fault::default() };
    Faults { script: vec![fault], oversize_bytes: pad, ..Faults::default() }
}

// Multi-threaded: a connection dropped with its body unread is closed by its task, which must
// run while the simulator (dropped on this thread) waits for its connections to end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_error_page_is_classified_by_its_status_and_retried() {
    let sim = sim(20);
    let d = dir(&sim);
    let c = client(&sim);
    // A 503 whose body is a 9 MiB HTML page: a server error, retried, then the real answer.
    sim.set_faults(oversized(503, "html", 9 * 1024 * 1024));
    c.people().get_ecbn(&d.people[0]).await.unwrap();
    assert_eq!(sim.journal().iter().map(|e| e.status).collect::<Vec<_>>(), [503, 200]);
    let once = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).retry(RetryPolicy { max_retries: 0, ..fast_retry() }).build().unwrap();
    sim.set_faults(oversized(503, "html", 9 * 1024 * 1024));
    let err = once.people().get_ecbn(&d.people[0]).await.unwrap_err();
    assert_eq!(err.code(), "server", "{err}");
    assert!(err.to_string().len() < 2_000, "{} chars", err.to_string().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_error_message_is_cut() {
    let sim = sim(20);
    let d = dir(&sim);
    let c = client(&sim);
    for pad in [2 * 1024 * 1024, 40 * 1024] {
        sim.set_faults(oversized(400, "webex", pad));
        let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
        assert_eq!(err.code(), "api", "{err}");
        let text = err.to_string();
        assert!(text.len() < 12_000, "{} bytes of message", text.len());
        assert!(err.data().to_string().len() < 12_000);
        if pad < retry::MAX_ERROR_BODY_BYTES {
            // Read whole, its message cut; a body past the limit is known by its status only.
            assert!(text.contains("Injected fault!!!") && text.contains('…'), "{}", &text[..200]);
        }
    }
}

#[tokio::test]
async fn short_pages_do_not_end_the_list_while_the_count_says_more() {
    let sim = sim(3000);
    let d = dir(&sim);
    let c = client(&sim);
    let rs = c.redsky();
    rs.create_account(&AccountCreate { email: Some("a@example.org".into()), org_prefix: Some("wxc".into()), ..Default::default() }).await.unwrap();
    // The server returns at most 2 items whatever `max` asks.
    sim.set_faults(Faults { page_cap: 2, ..Faults::default() });
    let journal_before = sim.journal_len();
    let all: Vec<_> = rs.compliance_statuses(Some(5), None, None).collect().await;
    let ids: Vec<String> = all.into_iter().map(|r| r.unwrap().id.unwrap()).collect();
    assert_eq!(ids.len(), d.locations.len(), "every location exactly once");
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    assert_eq!(sim.journal_len() - journal_before, d.locations.len().div_ceil(2));
}

#[tokio::test]
async fn connection_close_on_every_answer_and_interim_answers_are_handled() {
    let sim = sim(50);
    let d = dir(&sim);
    let c = client(&sim);
    sim.set_faults(Faults { connection_close: true, ..Faults::default() });
    for p in d.people.iter().take(20) {
        c.people().get_ecbn(p).await.unwrap();
    }
    sim.set_faults(Faults { informational: true, ..Faults::default() });
    for p in d.people.iter().take(5) {
        c.people().get_ecbn(p).await.unwrap();
    }
    assert!(sim.journal().iter().all(|e| e.status == 200));
    assert_eq!(sim.journal_len(), 25, "no call needed a second attempt");
}

#[tokio::test]
async fn a_stalled_body_times_out_and_is_retried() {
    let sim = sim(20);
    let d = dir(&sim);
    let c = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).retry(fast_retry()).timeout(Duration::from_millis(400)).build().unwrap();
    sim.set_faults(script(vec![Fault { stall: true, ..Fault::default() }]));
    c.people().get_ecbn(&d.people[0]).await.unwrap();
    assert_eq!(sim.journal_len(), 2);
}

#[tokio::test]
async fn a_post_reset_after_its_body_was_read_is_not_replayed() {
    let sim = sim(20);
    let c = client(&sim);
    sim.set_faults(script(vec![Fault { drop: true, ..Fault::default() }]));
    let err = c.redsky().login(&Login { email: Some("a@example.org".into()), password: Some("pw".into()), red_sky_org_id: None }).await.unwrap_err();
    assert_eq!(err.code(), "transport", "{err}");
    assert_eq!(sim.journal_len(), 1, "a POST that may have been applied is never sent twice");
}

#[tokio::test]
async fn a_redirect_to_another_host_sends_it_nothing() {
    let sim = sim(20);
    let other = self::sim(20);
    let d = dir(&sim);
    let c = client(&sim);
    let elsewhere = format!("{}/telephony/config/people/{}/emergencyCallbackNumber", other.base_url, d.people[0]);
    sim.set_faults(script(vec![Fault { redirect: Some(elsewhere), ..Fault::default() }]));
    let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
    assert_eq!(err.code(), "api", "{err}");
    assert_eq!(other.journal_len(), 0);
}
