//! The simulator's own tests, over HTTP with a plain HTTP client (not the project's client).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use webex_emergency_sim::{Config, Simulator};

struct T {
    sim: Simulator,
    http: reqwest::Client,
    root: String,
}

impl T {
    fn new(size: usize) -> T {
        let sim = Simulator::start(Config { size, ..Config::default() }).unwrap();
        let root = sim.base_url.trim_end_matches("/v1").to_string();
        T { sim, http: reqwest::Client::new(), root }
    }
    async fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, reqwest::header::HeaderMap, Value) {
        let url = format!("{}{}", self.sim.base_url, path);
        let mut r = self.http.request(method.parse().unwrap(), url).header("Authorization", "Bearer sim-token");
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        (status, headers, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
    async fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let r = self.http.request(method.parse().unwrap(), format!("{}{}", self.root, path)).json(&body).send().await.unwrap();
        r.json().await.unwrap()
    }
    fn dir(&self) -> Value {
        self.sim.directory(1000)
    }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

#[tokio::test]
async fn ecbn_state_persists_and_dependencies_follow() {
    let t = T::new(200);
    let d = t.dir();
    let p = s(&d["people"][5]);
    let target = s(&d["people"][6]);
    let path = format!("/telephony/config/people/{p}/emergencyCallbackNumber");
    let (st, h, before) = t.api("GET", &path, None).await;
    assert_eq!(st, 200);
    assert!(h.contains_key("trackingid"));
    assert!(before["directLineInfo"]["quality"].is_string());
    let deps = format!("/telephony/config/people/{target}/emergencyCallbackNumber/dependencies");
    let n0 = t.api("GET", &deps, None).await.2["dependentMemberCount"].as_u64().unwrap();
    let (st, _, _) = t.api("PUT", &path, Some(json!({"selected": "LOCATION_MEMBER_NUMBER", "locationMemberId": target}))).await;
    assert_eq!(st, 204);
    let (_, _, after) = t.api("GET", &path, None).await;
    assert_eq!(after["selected"], "LOCATION_MEMBER_NUMBER");
    assert_eq!(after["locationMemberInfo"]["memberId"], json!(target));
    assert_eq!(t.api("GET", &deps, None).await.2["dependentMemberCount"].as_u64().unwrap(), n0 + 1);
    t.api("PUT", &path, Some(json!({"selected": "DIRECT_LINE"}))).await;
    assert_eq!(t.api("GET", &deps, None).await.2["dependentMemberCount"].as_u64().unwrap(), n0);
}

#[tokio::test]
async fn seeded_qualities_include_every_kind() {
    let t = T::new(400);
    let d = t.dir();
    let mut qualities = std::collections::HashSet::new();
    for kind in ["people", "workspaces", "virtualLines"] {
        for id in d[kind].as_array().unwrap().iter().take(60) {
            let (_, _, v) = t.api("GET", &format!("/telephony/config/{kind}/{}/emergencyCallbackNumber", s(id)), None).await;
            // A member without a number has no quality on its own line (its level is NONE).
            match v["directLineInfo"]["quality"].as_str() {
                Some(q) => qualities.insert(q.to_string()),
                None => qualities.insert(format!("level {}", s(&v["directLineInfo"]["effectiveLevel"]))),
            };
            if let Some(q) = v["locationECBNInfo"]["quality"].as_str() {
                qualities.insert(q.to_string());
            }
        }
    }
    for q in ["RECOMMENDED", "NOT_RECOMMENDED", "INVALID", "level NONE"] {
        assert!(qualities.contains(q), "{q} missing from {qualities:?}");
    }
}

#[tokio::test]
async fn documented_errors() {
    let t = T::new(50);
    let d = t.dir();
    let ws = s(&d["workspaces"][0]);
    // 401 without a valid token
    let r = t.http.get(format!("{}/telephony/config/emergencyCallNotification", t.sim.base_url)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(body["trackingId"].is_string() && body["errors"][0]["errorCode"].is_number());
    // 404 for a workspace ID on the people path, and for garbage
    assert_eq!(t.api("GET", &format!("/telephony/config/people/{ws}/emergencyCallbackNumber"), None).await.0, 404);
    assert_eq!(t.api("GET", "/telephony/config/people/xyz/emergencyCallbackNumber", None).await.0, 404);
    // 400 for bodies that break the schema, naming the field
    let (st, _, b) = t.api("PUT", &format!("/telephony/config/workspaces/{ws}/emergencyCallbackNumber"), Some(json!({"selected": "NONE", "extra": 1}))).await;
    assert_eq!(st, 400);
    let msg = s(&b["message"]);
    assert!(msg.contains("selected") && msg.contains("extra"), "{msg}");
    let vl = s(&d["virtualLines"][0]);
    let (st, _, b) = t.api("PUT", &format!("/telephony/config/virtualLines/{vl}/emergencyCallbackNumber"), Some(json!({}))).await;
    assert_eq!(st, 400, "{b}");
    let (st, _, _) = t.api("PUT", "/telephony/config/emergencyCallNotification", Some(json!({"emailAddress": "nope"}))).await;
    assert_eq!(st, 400);
    // 405, 415, unknown path
    assert_eq!(t.api("POST", "/telephony/config/emergencyCallNotification", Some(json!({}))).await.0, 405);
    let r = t.http.put(format!("{}/telephony/config/emergencyCallNotification", t.sim.base_url))
        .header("Authorization", "Bearer sim-token").header("Content-Type", "text/plain").body("{}").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 415);
    assert_eq!(t.api("GET", "/telephony/config/nothing", None).await.0, 404);
    // orgId of another org is refused
    let other = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8x"; // ORGANIZATION/1
    assert_eq!(t.api("GET", &format!("/telephony/config/emergencyCallNotification?orgId={other}"), None).await.0, 403);
    let org = s(&d["orgId"]);
    assert_eq!(t.api("GET", &format!("/telephony/config/emergencyCallNotification?orgId={org}"), None).await.0, 200);
}

#[tokio::test]
async fn redsky_flow_and_paging() {
    let t = T::new(3000); // 12 locations
    let d = t.dir();
    // Without an account RedSky is not set up (INITIALISE); the account's own reads are 404.
    assert_eq!(t.api("GET", "/telephony/config/redSky/status", None).await.2["orgStatus"], "INITIALISE");
    assert_eq!(t.api("GET", &format!("/telephony/config/locations/{}/redSky/status", s(&d["locations"][0]["id"])), None).await.0, 404);
    assert_eq!(t.api("POST", "/telephony/config/redSky", Some(json!({"email": "a@example.org"}))).await.0, 201);
    assert_eq!(t.api("POST", "/telephony/config/redSky", Some(json!({"email": "a@example.org"}))).await.0, 409);
    let (st, _, b) = t.api("POST", "/telephony/config/redSky/actions/login/invoke", Some(json!({"email": "a@example.org", "password": "p"}))).await;
    assert_eq!((st, b["accountMatch"].clone()), (200, json!(true)));
    assert_eq!(t.api("POST", "/telephony/config/redSky/actions/login/invoke", Some(json!({"email": "a@example.org", "password": "q"}))).await.0, 400);
    assert_eq!(t.api("PUT", "/telephony/config/redSky/serviceSettings", Some(json!({"enabled": true, "externalTenantEnabled": true}))).await.0, 400);
    assert_eq!(t.api("PUT", "/telephony/config/redSky/serviceSettings", Some(json!({"enabled": true}))).await.0, 204);
    assert_eq!(t.api("GET", "/telephony/config/redSky", None).await.2["enabled"], true);
    // order of stages
    assert_eq!(t.api("PUT", "/telephony/config/redSky/status", Some(json!({"complianceStatus": "ALERTS"}))).await.0, 400);
    for stage in ["LOCATION_SETUP", "ALERTS", "NETWORK_ELEMENTS", "ROUTING_ENABLED"] {
        assert_eq!(t.api("PUT", "/telephony/config/redSky/status", Some(json!({"complianceStatus": stage}))).await.0, 200, "{stage}");
    }
    assert_eq!(t.api("GET", "/telephony/config/redSky/status", None).await.2["complianceStatus"], "COMPLIANT");
    // a location
    let loc = s(&d["locations"][2]["id"]);
    let base = format!("/telephony/config/locations/{loc}/redSky");
    assert_eq!(t.api("PUT", &format!("{base}/building"), Some(json!({"address": {"city": "X"}}))).await.0, 404);
    assert_eq!(t.api("POST", &format!("{base}/building"), Some(json!({"alertingEmail": "b@example.org"}))).await.0, 201);
    assert_eq!(t.api("PUT", &format!("{base}/building"), Some(json!({"address": {"city": "X"}}))).await.0, 204);
    let (st, _, b) = t.api("PUT", &format!("{base}/status"), Some(json!({"complianceStatus": "LOCATION_SETUP"}))).await;
    assert_eq!((st, b["locationsStatus"]["state"].clone()), (200, json!("ALERTS")));
    assert_eq!(t.api("GET", &base, None).await.2["routingEnabled"], false);
    assert_eq!(t.api("GET", &format!("{base}/status"), None).await.2["locationsStatus"]["locations"][0]["id"], json!(loc));
    // paging covers every location once, in order
    let mut names = Vec::new();
    let mut start = 0;
    loop {
        let (_, _, page) = t.api("GET", &format!("/telephony/config/redSky/complianceStatus?start={start}&max=5&order=locationName-desc"), None).await;
        let locs = page["locationsStatus"]["locations"].as_array().unwrap().clone();
        assert_eq!(page["locationsStatus"]["count"], 12);
        if locs.is_empty() {
            break;
        }
        start += locs.len();
        names.extend(locs.iter().map(|l| s(&l["name"])));
    }
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!((names.len(), &names), (12, &sorted));
    assert_eq!(t.api("GET", "/telephony/config/redSky/complianceStatus?order=bogus", None).await.0, 400);
}

#[tokio::test]
async fn cors_preflight_and_exposed_headers_setting() {
    let t = T::new(10);
    let url = format!("{}/telephony/config/emergencyCallNotification", t.sim.base_url);
    let r = t.http.request(reqwest::Method::OPTIONS, &url)
        .header("Origin", "http://localhost:5173")
        .header("Access-Control-Request-Method", "PUT")
        .header("Access-Control-Request-Headers", "authorization,content-type")
        .send().await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert!(h["access-control-allow-methods"].to_str().unwrap().contains("PUT"));
    assert!(h["access-control-allow-headers"].to_str().unwrap().contains("Authorization"));
    let (_, h, _) = t.api("GET", "/telephony/config/emergencyCallNotification", None).await;
    assert!(h["access-control-expose-headers"].to_str().unwrap().contains("Retry-After"));
    t.control("PUT", "/_sim/config", json!({"exposeHeaders": false})).await;
    let (_, h, _) = t.api("GET", "/telephony/config/emergencyCallNotification", None).await;
    assert!(!h.contains_key("access-control-expose-headers"));
}

#[tokio::test]
async fn faults_of_every_kind() {
    let t = T::new(10);
    let p = "/telephony/config/emergencyCallNotification";
    t.control("PUT", "/_sim/faults", json!({"script": [
        {"status": 429, "retryAfter": "3"},
        {"status": 429, "retryAfter": "date:5"},
        {"status": 502},
        {"status": 503, "body": "webex"},
        {"truncate": true},
        {"oversize": true},
        {"delayMs": 300},
    ], "oversizeBytes": 5000})).await;
    let (st, h, b) = t.api("GET", p, None).await;
    assert_eq!((st, h["retry-after"].to_str().unwrap(), b), (429, "3", Value::String(String::new())));
    let (st, h, _) = t.api("GET", p, None).await;
    let date = httpdate::parse_http_date(h["retry-after"].to_str().unwrap()).unwrap();
    let ahead = date.duration_since(std::time::SystemTime::now()).unwrap_or_default();
    assert!(st == 429 && ahead <= Duration::from_secs(5) && ahead >= Duration::from_secs(3), "{ahead:?}");
    let (st, h, b) = t.api("GET", p, None).await;
    assert_eq!((st, h["content-type"].to_str().unwrap()), (502, "text/html"));
    assert!(s(&b).contains("<html>"));
    let (st, _, b) = t.api("GET", p, None).await;
    assert_eq!((st, b["message"].clone()), (503, json!("Injected fault")));
    let (st, _, b) = t.api("GET", p, None).await;
    assert!(st == 200 && b.is_string(), "truncated JSON is not JSON: {b}");
    let (_, _, b) = t.api("GET", p, None).await;
    assert_eq!(b["padding"].as_str().unwrap().len(), 5000);
    let start = Instant::now();
    assert_eq!(t.api("GET", p, None).await.0, 200);
    assert!(start.elapsed() >= Duration::from_millis(300));
    // dropped connection
    t.control("PUT", "/_sim/faults", json!({"script": [{"drop": true}]})).await;
    let r = t.http.get(format!("{}{p}", t.sim.base_url)).header("Authorization", "Bearer sim-token").send().await;
    let failed = match r {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(failed, "the connection should break");
    // bursts of 5xx by rate, deterministic from the seed
    let mut runs = Vec::new();
    for _ in 0..2 {
        t.control("PUT", "/_sim/faults", json!({"seed": 9, "rate5xx": 0.2, "burst": 3})).await;
        let mut seq = Vec::new();
        for _ in 0..40 {
            seq.push(t.api("GET", p, None).await.0);
        }
        runs.push(seq);
    }
    assert_eq!(runs[0], runs[1], "same seed, same faults");
    let bad = runs[0].iter().filter(|s| **s >= 500).count();
    assert!(bad >= 3, "{:?}", runs[0]);
    // a burst is consecutive
    let first = runs[0].iter().position(|s| *s >= 500).unwrap();
    assert!(runs[0][first..first + 3].iter().all(|s| *s >= 500), "{:?}", runs[0]);
}

#[tokio::test]
async fn journal_and_reset() {
    let t = T::new(10);
    let d = t.dir();
    let p = s(&d["people"][0]);
    t.api("PUT", &format!("/telephony/config/people/{p}/emergencyCallbackNumber"), Some(json!({"elinEnabled": true}))).await;
    let j = t.control("GET", "/_sim/journal", Value::Null).await;
    assert_eq!(j["count"], 1);
    let e = &j["items"][0];
    assert_eq!((e["method"].clone(), e["status"].clone(), e["body"].clone()), (json!("PUT"), json!(204), json!({"elinEnabled": true})));
    assert!(e["headers"].get("authorization").is_none(), "no token in the journal");
    assert!(!j.to_string().contains("sim-token"));
    let (_, _, v) = t.api("GET", &format!("/telephony/config/people/{p}/emergencyCallbackNumber"), None).await;
    assert_eq!(v["elinEnabled"], true);
    t.control("POST", "/_sim/reset", json!({})).await;
    assert_eq!(t.control("GET", "/_sim/journal", Value::Null).await["count"], 0);
    let (_, _, v) = t.api("GET", &format!("/telephony/config/people/{p}/emergencyCallbackNumber"), None).await;
    assert_eq!(v["elinEnabled"], false, "state is back to the seed");
    t.control("POST", "/_sim/reset", json!({"size": 40, "seed": 3})).await;
    assert_eq!(t.control("GET", "/_sim/directory", Value::Null).await["counts"]["members"], 40);
}

#[test]
fn seeding_100k_members_is_fast_and_deterministic() {
    let start = Instant::now();
    let a = Simulator::start(Config { size: 100_000, ..Config::default() }).unwrap();
    let took = start.elapsed();
    assert!(took < Duration::from_millis(1000), "took {took:?}");
    let b = Simulator::start(Config { size: 100_000, ..Config::default() }).unwrap();
    assert_eq!(a.directory(50), b.directory(50));
    assert_eq!(a.directory(1)["counts"]["members"], 100_000);
    assert!(a.base_url.starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn not_more_lenient_than_the_api() {
    let t = T::new(50);
    let d = t.dir();
    let person = s(&d["people"][0]);
    let path = |id: &str| format!("/telephony/config/people/{id}/emergencyCallbackNumber");
    // No ID is made of dots, percent-encoded dots, spaces or non-ASCII; a broken escape is no panic.
    for id in ["..", ".", "%2e%2e", "%2E.", "a%20b", "%C3%A9", "%aé", "%", "%zz"] {
        let (status, _, _) = t.api("GET", &path(id), None).await;
        assert_eq!(status, 404, "{id}");
    }
    assert_eq!(t.api("GET", &path(&person), None).await.0, 200, "the simulator still serves");
    // Content-Type must be application/json (parameters allowed), not merely start with it.
    let url = format!("{}{}", t.sim.base_url, path(&person));
    for (ct, want) in [("application/json; charset=utf-8", 204), ("application/jsonp", 415), ("text/plain", 415)] {
        let r = t.http.put(&url).header("Authorization", "Bearer sim-token").header("Content-Type", ct)
            .body(r#"{"selected":"DIRECT_LINE"}"#).send().await.unwrap();
        assert_eq!(r.status().as_u16(), want, "{ct}");
    }
    // A body over 4 MiB is refused, not read as empty.
    let big = format!(r#"{{"selected":"DIRECT_LINE","x":"{}"}}"#, "a".repeat(5 * 1024 * 1024));
    let r = t.http.put(&url).header("Authorization", "Bearer sim-token").header("Content-Type", "application/json")
        .body(big).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
    // RedSky passwords do not stay in the journal.
    t.api("POST", "/telephony/config/redSky/actions/login/invoke", Some(json!({"email": "a@example.org", "password": "hunter2-secret"}))).await;
    let journal = t.control("GET", "/_sim/journal", Value::Null).await;
    assert!(!journal.to_string().contains("hunter2-secret"));
    // The control API sends no CORS headers and changes nothing without a JSON content type.
    let r = t.http.post(format!("{}/_sim/reset", t.root)).header("Content-Type", "text/plain").body("{}").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 415);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let r = t.http.get(format!("{}/_sim/journal", t.root)).send().await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    // A Retry-After date far in the future is no panic.
    t.control("PUT", "/_sim/faults", json!({"script": [{"status": 429, "retryAfter": "date:1e20"}]})).await;
    assert_eq!(t.api("GET", &path(&person), None).await.0, 429);
    assert_eq!(t.api("GET", &path(&person), None).await.0, 200);
}

#[tokio::test]
async fn new_fault_modes() {
    let t = T::new(50);
    let person = s(&t.dir()["people"][0]);
    let path = format!("/telephony/config/people/{person}/emergencyCallbackNumber");
    t.control("PUT", "/_sim/faults", json!({"connectionClose": true})).await;
    let (status, headers, _) = t.api("GET", &path, None).await;
    assert_eq!((status, headers.get("connection").map(|v| v.to_str().unwrap().to_string())), (200, Some("close".into())));
    t.control("PUT", "/_sim/faults", json!({"script": [{"redirect": "http://127.0.0.1:9/elsewhere"}]})).await;
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = plain.get(format!("{}{path}", t.sim.base_url)).header("Authorization", "Bearer sim-token").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 302);
    assert_eq!(r.headers()["location"], "http://127.0.0.1:9/elsewhere");
    t.control("PUT", "/_sim/faults", json!({"script": [{"stall": true}]})).await;
    let r = t.http.get(format!("{}{path}", t.sim.base_url)).header("Authorization", "Bearer sim-token").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(tokio::time::timeout(Duration::from_millis(300), r.text()).await.is_err(), "the body stalls");
    // An interim 103 before the answer (seen on the wire; HTTP clients skip it).
    t.control("PUT", "/_sim/faults", json!({"informational": true})).await;
    let raw = raw_get(&t.sim.addr.to_string(), &path).await;
    assert!(raw.starts_with("HTTP/1.1 103 Early Hints\r\n"), "{raw}");
    assert!(raw.contains("\r\n\r\nHTTP/1.1 200 OK\r\n"), "{raw}");
}

/// One GET over a raw socket; the answer's bytes as text.
async fn raw_get(addr: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET /v1{path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer sim-token\r\nConnection: close\r\n\r\n");
    sock.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), sock.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn rate_limits_per_token_with_latency() {
    let t = T::new(10);
    t.sim.set_tokens(vec!["sim-token".into(), "other".into()]);
    let p = "/telephony/config/emergencyCallNotification";
    let get = |token: &'static str| {
        let r = t.http.get(format!("{}{p}", t.sim.base_url)).header("Authorization", format!("Bearer {token}"));
        async move { r.send().await.unwrap() }
    };
    // A bucket of 2 requests/s, burst 3: three pass, the fourth waits a whole second.
    let ok = t.control("PUT", "/_sim/faults", json!({"rateLimit": {"mode": "bucket", "rate": 2, "burst": 3}})).await;
    assert_eq!(ok, json!({"ok": true}));
    for _ in 0..3 {
        assert_eq!(get("sim-token").await.status(), 200);
    }
    let refused = get("sim-token").await;
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "1");
    let body: Value = refused.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("rate limited"), "{body}");
    assert!(body["trackingId"].is_string() && body["errors"][0]["description"].is_string(), "{body}");
    // Another token has its own bucket.
    assert_eq!(get("other").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(550)).await;
    assert_eq!(get("sim-token").await.status(), 200);
    let stats = t.control("GET", "/_sim/stats", json!({})).await;
    assert_eq!((stats["requests"].clone(), stats["statuses"]["429"].clone()), (json!(6), json!(1)), "{stats}");

    // A window of 2 per 3 s: the refusal names the seconds left in the window, rounded up.
    t.control("PUT", "/_sim/faults", json!({"rateLimit": {"mode": "window", "requests": 2, "seconds": 3}})).await;
    assert_eq!(get("sim-token").await.status(), 200);
    assert_eq!(get("sim-token").await.status(), 200);
    let refused = get("sim-token").await;
    assert_eq!((refused.status().as_u16(), refused.headers()["retry-after"].to_str().unwrap()), (429, "3"));

    // Latency 80 ms +- 40 ms on every answer, refusals too.
    t.control("PUT", "/_sim/faults", json!({"latencyMs": 80, "jitterMs": 40, "seed": 3})).await;
    let mut took = Vec::new();
    for _ in 0..12 {
        let start = Instant::now();
        assert_eq!(get("sim-token").await.status(), 200);
        took.push(start.elapsed());
    }
    assert!(took.iter().all(|d| *d >= Duration::from_millis(40)), "{took:?}");
    let (min, max) = (took.iter().min().unwrap(), took.iter().max().unwrap());
    assert!(*max - *min >= Duration::from_millis(20), "jitter varies the latency: {took:?}");

    // Bad limits are refused by the control API.
    let bad = t.control("PUT", "/_sim/faults", json!({"rateLimit": {"mode": "bucket", "rate": 0, "burst": 1}})).await;
    assert!(bad["message"].as_str().unwrap().contains("rate > 0"), "{bad}");
}
