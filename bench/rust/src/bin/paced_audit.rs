//! The audit of a (rate-limited) simulated org from the core crate, for tuning the pacer.
//! Usage: paced_audit <base-url> <concurrency> [fixed-rate]; prints JSON with the pacer's rate every 250 ms.
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use webex_emergency::*;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let a: Vec<String> = std::env::args().collect();
    let concurrency: usize = a[2].parse().unwrap();
    let max_rate: Option<f64> = a.get(3).map(|r| r.parse().unwrap());
    let pacing = Pacing { adaptive: max_rate.is_none(), max_rate };
    let client = Client::builder().token("sim-token").base_url(&a[1]).pacing(pacing).build().unwrap();
    let t = Instant::now();
    let samples = Arc::new(Mutex::new(Vec::new()));
    let sampler = {
        let (client, samples) = (client.clone(), samples.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let rate = client.pace_rate().unwrap_or(0.0);
                samples.lock().unwrap().push(format!("{:.2}s:{rate:.0}", t.elapsed().as_secs_f64()));
            }
        })
    };
    let report = client.audit(AuditOptions { concurrency: Some(concurrency), ..Default::default() }).await.unwrap();
    let wall = t.elapsed().as_secs_f64();
    sampler.abort();
    println!("{{\"wall\": {wall}, \"findings\": {}, \"rates\": {:?}}}", report.findings.len(), samples.lock().unwrap());
}
