//! A bulk ECBN update of many people from the core crate against a rate-limited server, for
//! tuning the pacer. Usage: paced <base-url> <ids-file> <concurrency>; prints JSON.
use std::time::Instant;

use futures_util::StreamExt;
use webex_emergency::*;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let a: Vec<String> = std::env::args().collect();
    let ids: Vec<String> = std::fs::read_to_string(&a[2]).unwrap().lines().map(str::to_string).collect();
    let concurrency: usize = a[3].parse().unwrap();
    let client = Client::builder().token("sim-token").base_url(&a[1]).build().unwrap();
    let update = PersonEcbnUpdate { selected: Some(CallbackSelection::LocationEcbn), ..Default::default() };
    let t = Instant::now();
    let calls = ids.iter().map(|id| client.people().update_ecbn(id, &update));
    let mut samples = Vec::new();
    let mut failed = 0;
    let mut results = bulk::run_iter(calls, BulkOptions { concurrency, ..Default::default() });
    let mut done = 0;
    while let Some(item) = results.next().await {
        done += 1;
        if item.result.is_err() {
            failed += 1;
            eprintln!("{:?}", item.result.err());
        }
        if done % 500 == 0 {
            samples.push(format!("{:.1}s:{:.0}", t.elapsed().as_secs_f64(), client.pace_rate().unwrap_or(0.0)));
        }
    }
    println!("{{\"wall\": {}, \"failed\": {failed}, \"n\": {}, \"rates\": {:?}}}", t.elapsed().as_secs_f64(), ids.len(), samples);
}
