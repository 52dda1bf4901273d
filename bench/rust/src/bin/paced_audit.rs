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
    let t = Instant::now();
    // LOG=path: every attempt as "sent_ms elapsed_ms status operation", for finding idle gaps.
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let mut builder = Client::builder().token("sim-token").base_url(&a[1]).pacing(pacing);
    if std::env::var_os("LOG").is_some() {
        let attempts = attempts.clone();
        builder = builder.attempt_log(Arc::new(move |l: &AttemptLog| {
            let sent = t.elapsed().as_secs_f64() * 1000.0 - l.elapsed_ms;
            attempts.lock().unwrap().push(format!("{sent:.1} {:.1} {:?} {}", l.elapsed_ms, l.status, l.operation));
        }));
    }
    let client = builder.build().unwrap();
    let samples = Arc::new(Mutex::new(Vec::new()));
    let sampler = {
        let (client, samples) = (client.clone(), samples.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let rate = client.pace_rate().unwrap_or(0.0);
                let s = format!("{:.2}s:{rate:.0}", t.elapsed().as_secs_f64());
                if std::env::var_os("LIVE").is_some() {
                    eprintln!("{s}");
                }
                samples.lock().unwrap().push(s);
            }
        })
    };
    let report = client.audit(AuditOptions { concurrency: Some(concurrency), ..Default::default() }).await.unwrap();
    let wall = t.elapsed().as_secs_f64();
    sampler.abort();
    if let Some(path) = std::env::var_os("LOG") {
        std::fs::write(path, attempts.lock().unwrap().join("\n")).unwrap();
    }
    println!("{{\"wall\": {wall}, \"findings\": {}, \"rates\": {:?}}}", report.findings.len(), samples.lock().unwrap());
}
