//! Proxies from the environment (HTTPS_PROXY, NO_PROXY) and the `proxy` option's URL forms. One
//! test function: the environment is the process's, so its cases run one after another.
mod common;

use common::*;
use webex_emergency::*;

fn set(name: &str, value: Option<&str>) {
    // SAFETY: this test binary has one test, and nothing else reads the environment meanwhile.
    unsafe {
        match value {
            Some(v) => std::env::set_var(name, v),
            None => std::env::remove_var(name),
        }
    }
}

async fn get(base: &str, proxy: Option<String>) -> Error {
    let mut b = Client::builder().token("t").base_url(base).max_retries(0);
    if let Some(p) = proxy {
        b = b.proxy(p);
    }
    b.build().unwrap().notifications().get_org().await.unwrap_err()
}

#[tokio::test]
async fn environment_proxies_and_no_proxy_rules() {
    let (port, heads) = proxy(407).await;
    let seen = || heads.lock().unwrap().drain(..).collect::<Vec<_>>();
    set("HTTPS_PROXY", Some(&format!("http://us%40er:p%3Ass@127.0.0.1:{port}")));
    for (no_proxy, base, proxied) in [
        (None, "https://api.example.test/v1", true),
        (Some("*.example.test"), "https://api.example.test/v1", false),
        (Some("example.test"), "https://api.example.test/v1", false),
        (Some("api.example.test:443"), "https://api.example.test/v1", false),
        (Some("api.example.test:8443"), "https://api.example.test/v1", true),
        (Some("127.0.0.0/8"), "https://127.0.0.1:9/v1", false),
        (Some("10.0.0.0/8"), "https://127.0.0.1:9/v1", true),
        (Some("elsewhere.test"), "https://[::1]:9/v1", true),
    ] {
        set("NO_PROXY", no_proxy);
        let err = get(base, None).await;
        let heads = seen();
        assert_eq!(heads.len(), usize::from(proxied), "{no_proxy:?} {base}: {heads:?} {err}");
        if proxied {
            assert!(err.to_string().contains("407"), "{err}");
            assert!(!err.to_string().contains("p:ss") && !err.to_string().contains("us@er"), "{err}");
            // Percent-decoded credentials: base64("us@er:p:ss").
            assert!(heads[0].contains("Proxy-Authorization: Basic dXNAZXI6cDpzcw==\r\n"), "{}", heads[0]);
        }
        if base.contains("[::1]") {
            assert!(heads[0].starts_with("CONNECT [::1]:9 HTTP/1.1\r\n"), "{}", heads[0]);
        }
    }
    set("NO_PROXY", None);

    // An HTTPS_PROXY this client cannot use fails the requests it applies to, not every build.
    set("HTTPS_PROXY", Some("socks5://127.0.0.1:1080"));
    let err = get("https://api.example.test/v1", None).await;
    assert!(err.to_string().contains("HTTPS_PROXY") && err.to_string().contains("socks5"), "{err}");
    set("NO_PROXY", Some("api.example.test"));
    let err = get("https://api.example.test/v1", None).await;
    assert!(!err.to_string().contains("HTTPS_PROXY"), "NO_PROXY applies: {err}");
    set("NO_PROXY", None);
    let err = get("https://api.example.test/v1", Some(format!("http://127.0.0.1:{port}"))).await;
    assert!(err.to_string().contains("407"), "the proxy option applies: {err}");
    assert_eq!(seen().len(), 1);
    set("HTTPS_PROXY", None);

    // Plain http to a loopback simulator never goes through HTTPS_PROXY.
    let sim = sim(20);
    set("HTTPS_PROXY", Some(&format!("http://127.0.0.1:{port}")));
    let c = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).build().unwrap();
    c.notifications().get_org().await.unwrap();
    assert!(seen().is_empty());
    set("HTTPS_PROXY", None);
}
