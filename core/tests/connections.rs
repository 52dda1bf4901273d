//! The native connection layer over real sockets: keep-alive reuse, connections the server
//! closed while idle, and HTTP proxies reached with CONNECT.
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use webex_emergency::*;

/// A server answering `{}` to everything; it closes each connection after one answer when
/// `one_per_connection`, without saying so (as servers do with idle keep-alive connections).
async fn json_server(one_per_connection: bool) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                while read_request(&mut s).await.is_some() {
                    let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
                    if s.write_all(answer.as_bytes()).await.is_err() || one_per_connection {
                        break;
                    }
                }
            });
        }
    });
    (base, accepted)
}

fn client_for(base: &str) -> Client {
    Client::builder().token("t").base_url(base).retry(fast_retry()).build().unwrap()
}

#[tokio::test]
async fn idle_connections_are_reused() {
    let (base, accepted) = json_server(false).await;
    let c = client_for(&base);
    for _ in 0..20 {
        c.notifications().get_org().await.unwrap();
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "20 sequential calls, one connection");
    let calls = (0..200).map(|_| c.notifications().get_org());
    let ok = bulk::run_iter(calls, BulkOptions { concurrency: 10, ..Default::default() })
        .filter(|i| std::future::ready(i.result.is_ok()))
        .count()
        .await;
    assert_eq!(ok, 200);
    let n = accepted.load(Ordering::SeqCst);
    assert!((2..=10).contains(&n), "bulk with 10 in flight opened {n} connections in all");
}

#[tokio::test]
async fn connections_the_server_closed_are_replaced_even_for_post() {
    let (base, accepted) = json_server(true).await;
    let c = client_for(&base).clone();
    let login = Login {
        email: Some("admin@example.org".into()),
        password: Some("S3cret!pass".into()),
        red_sky_org_id: None,
    };
    for i in 0..6 {
        // The pause lets the server's close arrive, as it does for a connection idle a while.
        tokio::time::sleep(Duration::from_millis(20)).await;
        if i % 2 == 0 {
            c.notifications().get_org().await.unwrap();
        } else {
            c.redsky().login(&login).await.unwrap();
        }
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn requests_go_through_the_configured_proxy() {
    let sim = sim(20);
    let d = dir(&sim);
    let (port, heads) = proxy(200).await;
    let c = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&sim.base_url)
        .proxy(format!("http://admin:pr0xy-pass@127.0.0.1:{port}"))
        .build()
        .unwrap();
    let ecbn = c.people().get_ecbn(&d.people[0]).await.unwrap();
    assert!(ecbn.selected.is_some());
    c.people().get_ecbn(&d.people[1]).await.unwrap();
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "one tunnel, kept alive: {heads:?}");
    let sim_authority = sim.base_url.trim_start_matches("http://").trim_end_matches("/v1");
    assert!(heads[0].starts_with(&format!("CONNECT {sim_authority} HTTP/1.1\r\n")), "{}", heads[0]);
    // base64("admin:pr0xy-pass")
    assert!(heads[0].contains("Proxy-Authorization: Basic YWRtaW46cHIweHktcGFzcw==\r\n"), "{}", heads[0]);
    assert!(!format!("{c:?}").contains("pr0xy-pass"));
}

#[tokio::test]
async fn a_refusing_proxy_is_a_connect_error_without_its_password() {
    let (port, _) = proxy(407).await;
    let c = Client::builder()
        .token("t")
        .base_url("http://127.0.0.1:9/v1")
        .proxy(format!("http://admin:pr0xy-pass@127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = c.notifications().get_org().await.unwrap_err();
    let text = format!("{err} {err:?}");
    match &err {
        Error::Transport(t) => assert_eq!(t.kind, TransportKind::Connect, "{t}"),
        other => panic!("{other:?}"),
    }
    assert!(text.contains("407"), "{text}");
    assert!(!text.contains("pr0xy-pass") && !text.contains("admin:"), "{text}");
}

#[test]
fn proxies_other_than_http_are_refused_at_build() {
    for bad in ["socks5://127.0.0.1:1080", "https://proxy.example:443", "http://proxy.example:notaport"] {
        let err = Client::builder().token("t").proxy(bad).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
        assert!(err.to_string().contains("proxy"), "{err}");
    }
    let err = Client::builder().token("t").base_url("https://bücher.example/v1").build().unwrap_err();
    assert!(err.to_string().contains("punycode"), "{err}");
}
