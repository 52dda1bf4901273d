//! Measures the core crate: sequential GET and PUT, bulk with 10 in flight, and the CPU cost of
//! building + validating + serializing a PUT and of parsing an 800-byte ECBN answer.
//! Usage: webex-emergency-bench <base-url> <person-id> <virtual-line-id> <n> <answer-file>
use std::time::Instant;

use futures_util::StreamExt;
use webex_emergency::*;

// One thread: the requests and their connections run where they are polled.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (base, person, vl, n, answer) = (&a[1], &a[2], &a[3], a[4].parse::<usize>().unwrap(), &a[5]);
    let client = Client::builder().token("bench-token").base_url(base).build().unwrap();
    let update = VirtualLineEcbnUpdate { selected: Some(CallbackSelection::LocationEcbn), location_member_id: None };

    let t = Instant::now();
    for _ in 0..n {
        client.people().get_ecbn(person).await.unwrap();
    }
    let get_seq = n as f64 / t.elapsed().as_secs_f64();

    let t = Instant::now();
    for _ in 0..n {
        client.virtual_lines().update_ecbn(vl, &update).await.unwrap();
    }
    let put_seq = n as f64 / t.elapsed().as_secs_f64();

    let t = Instant::now();
    let calls = (0..n).map(|_| client.virtual_lines().update_ecbn(vl, &update));
    let ok = bulk::run_iter(calls, BulkOptions { concurrency: 10, ..Default::default() })
        .filter(|i| std::future::ready(i.result.is_ok()))
        .count()
        .await;
    assert_eq!(ok, n);
    let put_bulk10 = n as f64 / t.elapsed().as_secs_f64();

    // `io-only` as a 6th argument skips the CPU loops (for profiling the request path).
    let iters = if a.get(6).map(String::as_str) == Some("io-only") { 1 } else { 200_000 };
    let t = Instant::now();
    for _ in 0..iters {
        let call = client.virtual_lines().update_ecbn(vl, &update);
        std::hint::black_box(&call);
    }
    let build_ns = t.elapsed().as_nanos() as f64 / iters as f64;

    let body = std::fs::read(answer).unwrap();
    let t = Instant::now();
    for _ in 0..iters {
        let e: Ecbn = retry::decode_body("people.get_ecbn", 200, &body, None).unwrap();
        std::hint::black_box(&e);
    }
    let parse_ns = t.elapsed().as_nanos() as f64 / iters as f64;

    println!(
        "{}",
        serde_json::json!({
            "get_seq": get_seq, "put_seq": put_seq, "put_bulk10": put_bulk10,
            "build_validate_serialize_ns": build_ns, "parse_ecbn_ns": parse_ns, "answer_bytes": body.len(),
        })
    );
}
