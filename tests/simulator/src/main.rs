//! `webex-emergency-sim`: runs the simulator until Ctrl-C or SIGTERM, printing its base URL.

use webex_emergency_sim::{Config, Faults, RateLimit, Simulator};

const USAGE: &str = "usage: webex-emergency-sim [--port N] [--seed N] [--size N] [--token T]... \
[--redsky] [--no-expose-headers] [--faults JSON] [--bucket RATE:BURST] [--window REQUESTS:SECONDS] \
[--latency MS[:JITTER_MS]]

  --bucket 200:50     a token bucket per access token: 200 requests/s, bursts of 50
  --window 600:5      a fixed window per access token: 600 requests per 5 s
  --latency 30:10     every answer after 30 ms, plus or minus up to 10 ms
  (given after --faults, these override its rateLimit, latencyMs and jitterMs)";

/// `A:B` as two numbers.
fn pair<A: std::str::FromStr, B: std::str::FromStr>(text: &str) -> Option<(A, B)> {
    let (a, b) = text.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

fn main() {
    let mut config = Config::default();
    let mut tokens = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next().unwrap_or_else(|| {
                eprintln!("{name} needs a value\n{USAGE}");
                std::process::exit(2)
            })
        };
        let parsed = match a.as_str() {
            "--port" => value("--port").parse().map(|v| config.port = v).is_ok(),
            "--seed" => value("--seed").parse().map(|v| config.seed = v).is_ok(),
            "--size" => value("--size").parse().map(|v| config.size = v).is_ok(),
            "--token" => {
                tokens.push(value("--token"));
                true
            }
            "--redsky" => {
                config.redsky = true;
                true
            }
            "--no-expose-headers" => {
                config.expose_headers = false;
                true
            }
            "--faults" => serde_json::from_str::<Faults>(&value("--faults")).map(|f| config.faults = f).is_ok(),
            "--bucket" => pair(&value("--bucket"))
                .map(|(rate, burst)| config.faults.rate_limit = Some(RateLimit::Bucket { rate, burst }))
                .is_some(),
            "--window" => pair(&value("--window"))
                .map(|(requests, seconds)| config.faults.rate_limit = Some(RateLimit::Window { requests, seconds }))
                .is_some(),
            "--latency" => {
                let v = value("--latency");
                let parsed = pair(&v).or_else(|| v.parse().ok().map(|ms| (ms, 0)));
                parsed.map(|(ms, jitter)| (config.faults.latency_ms, config.faults.jitter_ms) = (ms, jitter)).is_some()
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            _ => false,
        };
        if !parsed {
            eprintln!("bad argument `{a}`\n{USAGE}");
            std::process::exit(2);
        }
    }
    if let Some(Err(why)) = config.faults.rate_limit.as_ref().map(RateLimit::check) {
        eprintln!("bad rate limit: {why}\n{USAGE}");
        std::process::exit(2);
    }
    if !tokens.is_empty() {
        config.tokens = tokens;
    }
    let mut sim = Simulator::start(config).unwrap_or_else(|e| {
        eprintln!("cannot start: {e}");
        std::process::exit(1)
    });
    println!("{}", sim.base_url);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        #[cfg(unix)]
        {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal");
            tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    });
    sim.stop();
}
