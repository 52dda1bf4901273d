#![allow(dead_code)]
use std::time::Duration;

pub use webex_emergency_sim::{Config, Fault, Faults, Simulator, DEFAULT_TOKEN};
use webex_emergency::{Client, RetryPolicy};

pub fn sim(size: usize) -> Simulator {
    Simulator::start(Config { size, ..Config::default() }).expect("simulator starts")
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
        total_deadline: Duration::from_secs(30),
    }
}

pub fn client(sim: &Simulator) -> Client {
    Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&sim.base_url)
        .retry(fast_retry())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client builds")
}

pub struct Dir {
    pub org_id: String,
    pub people: Vec<String>,
    pub workspaces: Vec<String>,
    pub virtual_lines: Vec<String>,
    pub hunt_groups: Vec<String>,
    pub locations: Vec<String>,
}

pub fn dir(sim: &Simulator) -> Dir {
    let d = sim.directory(100_000);
    let list = |k: &str| -> Vec<String> {
        d[k].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    };
    Dir {
        org_id: d["orgId"].as_str().unwrap().to_string(),
        people: list("people"),
        workspaces: list("workspaces"),
        virtual_lines: list("virtualLines"),
        hunt_groups: list("huntGroups"),
        locations: d["locations"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_string()).collect(),
    }
}

pub fn script(faults: Vec<Fault>) -> Faults {
    Faults { script: faults, ..Faults::default() }
}

pub fn status_fault(status: u16, retry_after: Option<&str>) -> Fault {
    Fault { status: Some(status), retry_after: retry_after.map(str::to_string), ..Fault::default() }
}
