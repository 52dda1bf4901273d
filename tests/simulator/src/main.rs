//! `webex-emergency-sim`: runs the simulator until Ctrl-C or SIGTERM, printing its base URL.

use webex_emergency_sim::{Config, Faults, Simulator};

const USAGE: &str = "usage: webex-emergency-sim [--port N] [--seed N] [--size N] [--token T]... \
[--redsky] [--no-expose-headers] [--faults JSON]";

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
