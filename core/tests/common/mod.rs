#![allow(dead_code)]
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

/// Reads one request head (and its Content-Length body); `None` at end of stream.
pub async fn read_request(s: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let len = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).await.ok()?;
    Some(head)
}

/// A CONNECT proxy in front of `upstream`: answers `status` to CONNECT and, when it is 200,
/// relays bytes. Records each CONNECT head.
pub async fn proxy(status: u16) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            let seen = seen.clone();
            tokio::spawn(async move {
                let Some(head) = read_request(&mut s).await else { return };
                seen.lock().unwrap().push(head.clone());
                let target = head.split(' ').nth(1).unwrap().to_string();
                if status != 200 {
                    let _ = s.write_all(format!("HTTP/1.1 {status} No\r\nContent-Length: 0\r\n\r\n").as_bytes()).await;
                    return;
                }
                let mut up = TcpStream::connect(target).await.unwrap();
                s.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut s, &mut up).await;
            });
        }
    });
    (port, heads)
}

