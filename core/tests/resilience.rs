//! Retries, Retry-After, timeouts, token refresh, odd error bodies and bulk runs with faults.

mod common;
use common::*;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use webex_emergency::*;

fn put_body() -> VirtualLineEcbnUpdate {
    VirtualLineEcbnUpdate { selected: Some(CallbackSelection::LocationEcbn), location_member_id: None }
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let sim = sim(50);
    let c = client(&sim);
    let d = dir(&sim);
    sim.set_faults(script(vec![status_fault(429, Some("1"))]));
    let t = Instant::now();
    c.virtual_lines().update_ecbn(&d.virtual_lines[0], &put_body()).await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(950), "waited {:?}", t.elapsed());
    let j = sim.journal();
    assert_eq!(j.len(), 2);
    assert_eq!(j[0].status, 429);
    assert_eq!(j[1].status, 204);
    // Same tracking ID on both attempts of one call.
    assert_eq!(j[0].headers.get("trackingid"), j[1].headers.get("trackingid"));
}

#[tokio::test]
async fn retry_after_as_http_date_is_honoured() {
    let sim = sim(50);
    let c = client(&sim);
    let d = dir(&sim);
    sim.set_faults(script(vec![status_fault(429, Some("date:2"))]));
    let t = Instant::now();
    c.people().get_ecbn(&d.people[0]).await.unwrap();
    // An HTTP-date has whole seconds: the wait is between 1 and 2 s.
    assert!(t.elapsed() >= Duration::from_millis(900), "waited {:?}", t.elapsed());
    assert_eq!(sim.journal_len(), 2);
}

#[tokio::test]
async fn absurd_retry_after_fails_fast_with_a_clear_error() {
    let sim = sim(50);
    let c = client(&sim);
    let d = dir(&sim);
    sim.set_faults(script(vec![status_fault(429, Some("3600"))]));
    let t = Instant::now();
    let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(1));
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status, 429);
    assert_eq!(api.kind, ApiErrorKind::RateLimited);
    assert_eq!(api.retry_after, Some(Duration::from_secs(3600)));
    assert!(err.to_string().contains("3600 s"), "{err}");
    assert!(api.tracking_id.is_some());
    assert_eq!(sim.journal_len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_for_get_and_put_then_succeed() {
    let sim = sim(50);
    let c = client(&sim);
    let d = dir(&sim);
    sim.set_faults(script(vec![status_fault(503, None), status_fault(502, None)]));
    c.virtual_lines().update_ecbn(&d.virtual_lines[0], &put_body()).await.unwrap();
    let statuses: Vec<u16> = sim.journal().iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![503, 502, 204]);
}

#[tokio::test]
async fn retries_are_bounded() {
    let sim = sim(50);
    let c = client(&sim);
    let d = dir(&sim);
    sim.set_faults(script(vec![status_fault(504, None); 5]));
    let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
    assert_eq!(err.status(), Some(504));
    assert!(err.to_string().contains("gave up after 3 attempt(s)"), "{err}");
    assert_eq!(sim.journal_len(), 3);
}

#[tokio::test]
async fn post_is_never_replayed() {
    let sim = sim(50);
    let c = client(&sim);
    let d = dir(&sim);
    for fault in [status_fault(503, Some("0")), status_fault(429, Some("0")), Fault { drop: true, ..Fault::default() }] {
        sim.reset();
        sim.set_faults(script(vec![fault]));
        let err = c
            .redsky()
            .create_account(&AccountCreate { email: Some("a@example.org".into()), ..Default::default() })
            .await
            .unwrap_err();
        let j = sim.journal();
        assert_eq!(j.iter().filter(|e| e.method == "POST").count(), 1, "{err}");
        let _ = d.org_id.len();
    }
}

#[tokio::test]
async fn timeouts_are_transport_errors() {
    let sim = sim(50);
    let d = dir(&sim);
    let c = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&sim.base_url)
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    sim.set_faults(Faults { latency_ms: 1000, ..Faults::default() });
    let t = Instant::now();
    let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_millis(900));
    match err {
        Error::Transport(t) => assert_eq!(t.kind, TransportKind::Timeout),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::builder()
        .token("t")
        .base_url(format!("http://127.0.0.1:{port}/v1"))
        .retry(fast_retry())
        .build()
        .unwrap();
    let err = c.notifications().get_org().await.unwrap_err();
    match err {
        Error::Transport(t) => assert_eq!(t.kind, TransportKind::Connect, "{t}"),
        other => panic!("{other:?}"),
    }
}

struct Rotating {
    asked: Arc<Mutex<Vec<bool>>>,
}

impl TokenProvider for Rotating {
    fn token(&self, refresh: bool) -> platform::BoxFuture<'_, Result<String, Error>> {
        self.asked.lock().unwrap().push(refresh);
        Box::pin(async move { Ok(if refresh { "fresh-token" } else { "stale-token" }.to_string()) })
    }
}

#[tokio::test]
async fn a_401_asks_the_token_provider_once_more() {
    let sim = sim(50);
    let d = dir(&sim);
    sim.set_tokens(vec!["fresh-token".into()]);
    let asked = Arc::new(Mutex::new(Vec::new()));
    let c = Client::builder()
        .token_provider(Rotating { asked: asked.clone() })
        .base_url(&sim.base_url)
        .build()
        .unwrap();
    c.people().get_ecbn(&d.people[0]).await.unwrap();
    assert_eq!(*asked.lock().unwrap(), vec![false, true]);
    let statuses: Vec<u16> = sim.journal().iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![401, 200]);

    // A static token gets no second try, and the error says what to do.
    let c2 = client(&sim);
    let err = c2.people().get_ecbn(&d.people[0]).await.unwrap_err();
    let Error::Api(api) = &err else { panic!() };
    assert_eq!(api.kind, ApiErrorKind::Authentication);
    assert!(err.to_string().contains("access token"), "{err}");
    assert!(!err.to_string().contains(DEFAULT_TOKEN));
}

#[tokio::test]
async fn error_bodies_of_every_shape_are_read() {
    let sim = sim(50);
    let c = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).max_retries(0).build().unwrap();
    let d = dir(&sim);
    // HTML from a proxy.
    sim.set_faults(script(vec![status_fault(502, None)]));
    let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(api.message, "Bad Gateway");
    assert!(api.body_excerpt.contains("<html>"));
    // 429 without a body (a Retry-After longer than the client waits, so it is not waited out).
    sim.set_faults(script(vec![status_fault(429, Some("3600"))]));
    let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!((api.status, api.body_excerpt.as_str()), (429, ""));
    // A new client: this one sends nothing until the hour has passed.
    let c = Client::builder().token(DEFAULT_TOKEN).base_url(&sim.base_url).max_retries(0).build().unwrap();
    // The usual Webex body: message, errors[], trackingId.
    let err = c
        .people()
        .update_ecbn(
            &d.people[0],
            &PersonEcbnUpdate {
                selected: Some(CallbackSelection::LocationMemberNumber),
                location_member_id: Some(d.people[0].clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status, 400);
    assert_eq!(api.errors[0].error_code.as_deref(), Some("25009"));
    assert!(api.tracking_id.as_deref().unwrap().starts_with("WEBEX-EMERGENCY_"));
    // Truncated JSON on success is a decode error with an excerpt.
    sim.set_faults(script(vec![Fault { truncate: true, ..Fault::default() }]));
    match c.people().get_ecbn(&d.people[0]).await.unwrap_err() {
        Error::Decode(e) => {
            assert_eq!(e.status, 200);
            assert!(!e.body_excerpt.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // A success answer of the wrong shape, read through the answer model (the JSON entry point,
    // a bulk item of the bindings, the typed call, the audit, lists): a decode error that keeps
    // the status, the body and the tracking ID.
    let wrong_shape = || script(vec![Fault { status: Some(200), body: Some(r#"json:{"selected": 5}"#.into()), ..Fault::default() }]);
    let keeps_the_answer = |err: &Error| match err {
        Error::Decode(e) => {
            assert_eq!(e.status, 200);
            assert!(e.message.contains("selected"), "{e}");
            assert!(e.body_excerpt.contains("selected"), "{e:?}");
            assert!(e.tracking_id.is_some(), "{e:?}");
        }
        other => panic!("{other:?}"),
    };
    sim.set_faults(wrong_shape());
    let args = webex_emergency::bindings_api::Args { id: Some(d.people[0].clone()), ..Default::default() };
    let call = webex_emergency::bindings_api::call(&c, "people.get_ecbn", args).unwrap();
    keeps_the_answer(&call.send().await.unwrap_err());
    sim.set_faults(wrong_shape());
    let op = webex_emergency::bindings_api::find("people.get_ecbn").unwrap();
    let items = vec![Ok(serde_json::json!({"personId": d.people[0]}))].into_iter();
    let results = webex_emergency::bindings_api::bulk(c.clone(), op, items, Default::default()).unwrap().await;
    keeps_the_answer(results[0].1.as_ref().unwrap_err());
    sim.set_faults(wrong_shape());
    keeps_the_answer(&c.people().get_ecbn(&d.people[0]).await.unwrap_err());
    // An oversized answer is refused, not read into memory.
    sim.set_faults(script(vec![Fault { oversize: true, ..Fault::default() }]));
    match c.people().get_ecbn(&d.people[0]).await.unwrap_err() {
        Error::Decode(e) => assert!(e.message.contains("larger than"), "{e}"),
        other => panic!("{other:?}"),
    }
    // A dropped connection is a transport error.
    sim.set_faults(script(vec![Fault { drop: true, ..Fault::default() }]));
    assert!(matches!(c.people().get_ecbn(&d.people[0]).await.unwrap_err(), Error::Transport(_)));
}

#[tokio::test]
async fn unknown_fields_and_enum_values_are_kept() {
    let sim = sim(200);
    let c = client(&sim);
    let d = dir(&sim);
    // A member pointing at a virtual line gets memberType VIRTUAL_LINE, which the spec lacks.
    c.people()
        .update_ecbn(
            &d.people[1],
            &PersonEcbnUpdate {
                selected: Some(CallbackSelection::LocationMemberNumber),
                location_member_id: Some(d.virtual_lines[0].clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let ecbn = c.people().get_ecbn(&d.people[1]).await.unwrap();
    let info = ecbn.location_member_info.unwrap();
    assert_eq!(info.member_type, Some(MemberType::Other("VIRTUAL_LINE".into())));
    // Padding is a field we do not know: kept in `extra` (small enough to read).
    sim.set_faults(Faults {
        script: vec![Fault { oversize: true, ..Fault::default() }],
        oversize_bytes: 1000,
        ..Faults::default()
    });
    let ecbn = c.people().get_ecbn(&d.people[1]).await.unwrap();
    assert_eq!(ecbn.extra["padding"].as_str().unwrap().len(), 1000);
}

#[tokio::test]
async fn invalid_requests_send_nothing_and_report_every_rule() {
    let sim = sim(50);
    let c = client(&sim);
    let d = dir(&sim);
    let err = c
        .people()
        .update_ecbn(
            &d.workspaces[0],
            &PersonEcbnUpdate {
                selected: Some(CallbackSelection::LocationMemberNumber),
                location_member_id: None,
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    let rules: Vec<(&str, &str)> = err.field_errors().iter().map(|e| (e.field.as_str(), e.rule.as_str())).collect();
    assert_eq!(rules, vec![("personId", "id_kind"), ("locationMemberId", "required_if")]);
    assert!(err.to_string().contains("expected a PEOPLE ID but got a PLACE ID"), "{err}");
    let err = c
        .redsky()
        .update_service_settings(&ServiceSettingsUpdate {
            enabled: Some(true),
            external_tenant_enabled: Some(true),
            ..Default::default()
        })
        .await
        .unwrap_err();
    let fields: Vec<&str> = err.field_errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["email", "password"]);
    assert_eq!(sim.journal_len(), 0, "nothing was sent");
}

#[tokio::test]
async fn dry_run_shows_the_request_without_token_or_password() {
    let sim = sim(50);
    let c = client(&sim);
    let call = c.redsky().login(&Login {
        email: Some("a@example.org".into()),
        password: Some("hunter2-very-secret".into()),
        red_sky_org_id: None,
    });
    let shown = call.dry_run().unwrap();
    let text = format!("{shown:?} {}", serde_json::to_string(&shown).unwrap());
    assert!(!text.contains("hunter2-very-secret"), "{text}");
    assert!(!text.contains(DEFAULT_TOKEN), "{text}");
    assert_eq!(shown.method, "POST");
    assert_eq!(shown.body.as_ref().unwrap()["password"], "***");
    assert!(shown.url.ends_with("/telephony/config/redSky/actions/login/invoke"));
    assert!(!format!("{call:?}").contains("hunter2"));
    assert_eq!(sim.journal_len(), 0);
}

#[tokio::test]
async fn path_segments_are_percent_encoded() {
    let sim = sim(50);
    let c = client(&sim);
    let shown = c.people().get_ecbn("a/b+c=").dry_run().unwrap();
    assert!(shown.path.contains("/people/a%2Fb%2Bc%3D/"), "{}", shown.path);
    let err = c.people().get_ecbn("a/b+c=").await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(sim.journal()[0].path, "/v1/telephony/config/people/a%2Fb%2Bc%3D/emergencyCallbackNumber");
}

#[tokio::test]
async fn ids_cannot_reach_another_resource() {
    let sim = sim(50);
    let c = client(&sim);
    for bad in ["..", ".", "%2e%2e", "%2E", "a/../b", "a b", "x?orgId=y"] {
        let body = LocationNotificationUpdate { emergency_call_notification_enabled: Some(false), ..Default::default() };
        let err = c.notifications().update_location(bad, &body).await.unwrap_err();
        assert_eq!(err.code(), "validation", "{bad:?}: {err}");
        let err = c.redsky().update_location_status(bad, &Default::default()).await.unwrap_err();
        assert_eq!(err.code(), "validation", "{bad:?}: {err}");
    }
    assert_eq!(sim.journal_len(), 0, "nothing reached the server");
}

#[tokio::test]
async fn bulk_of_10000_with_faults_accounts_for_every_item() {
    let sim = sim(12_000);
    let d = dir(&sim);
    let c = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&sim.base_url)
        .retry(RetryPolicy { max_retries: 4, ..fast_retry() })
        .build()
        .unwrap();
    sim.set_faults(Faults {
        seed: 7,
        rate429: 0.03,
        retry_after: "0".into(),
        rate5xx: 0.02,
        burst: 2,
        drop_rate: 0.01,
        ..Faults::default()
    });
    let people = d.people.clone();
    let n = 10_000;
    let progress_calls = Arc::new(AtomicUsize::new(0));
    let pc = progress_calls.clone();
    let calls = (0..n).map(|i| {
        if i % 1000 == 999 {
            // Invalid on purpose: a workspace ID given as a person.
            c.people().update_ecbn(&d.workspaces[0], &PersonEcbnUpdate::default())
        } else {
            c.people().update_ecbn(
                &people[i % people.len()],
                &PersonEcbnUpdate { elin_enabled: Some(i % 2 == 0), ..Default::default() },
            )
        }
    });
    let options = BulkOptions {
        concurrency: 16,
        progress: Some(Arc::new(move |_p: BulkProgress| {
            pc.fetch_add(1, Ordering::Relaxed);
        })),
        ..Default::default()
    };
    let mut seen = vec![0u8; n];
    let mut ok = 0;
    let mut failed = Vec::new();
    let mut results = bulk::run_iter(calls, options);
    while let Some(item) = results.next().await {
        seen[item.index] += 1;
        match item.result {
            Ok(_) => ok += 1,
            Err(e) => failed.push((item.index, e)),
        }
    }
    assert!(seen.iter().all(|&s| s == 1), "every item exactly once");
    assert_eq!(ok + failed.len(), n);
    assert_eq!(progress_calls.load(Ordering::Relaxed), n);
    let invalid = failed.iter().filter(|(_, e)| matches!(e, Error::Validation(_))).count();
    assert_eq!(invalid, 10);
    assert!(failed.iter().all(|(i, e)| !matches!(e, Error::Validation(_)) || i % 1000 == 999));
    // Faults were really injected and mostly absorbed by retries.
    let j = sim.journal();
    assert!(j.iter().any(|e| e.status == 429));
    assert!(j.iter().any(|e| e.status >= 502));
    assert!(ok > n * 95 / 100, "ok {ok}, failed {}", failed.len());
    // Every valid item reached the server at least once.
    assert!(j.iter().filter(|e| e.method == "PUT").count() >= n - 10);
}

/// The retry engine on its own: a prepared request (no `Call`, no operation table) against the
/// simulator, retried through two 5xx answers; a POST is sent once whatever the answer.
#[tokio::test]
async fn retry_engine_sends_a_prepared_request() {
    let sim = sim(20);
    let c = client(&sim);
    let d = dir(&sim);
    sim.set_faults(script(vec![status_fault(503, None), status_fault(502, None)]));
    let url = format!("{}/telephony/config/people/{}/emergencyCallbackNumber", sim.base_url, d.people[0]);
    let request = retry::Request { operation: "engine.get", method: Method::Get, url, body: None, gate: None, ahead: false };
    let answer = retry::execute(&c, &request).await.unwrap();
    assert_eq!(answer.status, 200);
    let ecbn: Ecbn = retry::decode(request.operation, &answer).unwrap();
    assert!(ecbn.selected.is_some(), "{ecbn:?}");
    let journal = sim.journal();
    assert_eq!(journal.iter().map(|e| e.status).collect::<Vec<_>>(), [503, 502, 200]);
    assert!(journal.iter().all(|e| e.method == "GET" && e.path.ends_with("/emergencyCallbackNumber")));

    sim.reset();
    sim.set_faults(script(vec![status_fault(503, None)]));
    let url = format!("{}/telephony/config/redSky/actions/login/invoke", sim.base_url);
    let body = br#"{"email":"admin@example.org","password":"pw"}"#.to_vec();
    let request = retry::Request { operation: "engine.post", method: Method::Post, url, body: Some(body), gate: None, ahead: false };
    let err = retry::execute(&c, &request).await.unwrap_err();
    assert_eq!((err.status(), err.code(), err.class_name()), (Some(503), "server", "ServerError"));
    assert_eq!(sim.journal_len(), 1);
}

/// `Retry-After: 0` asks for no wait, so it paces nothing: each such 429 uses up a retry and
/// backs off, instead of being sent again at once until the deadline.
#[tokio::test]
async fn a_zero_retry_after_uses_up_retries() {
    let sim = sim(20);
    let c = client(&sim);
    let d = dir(&sim);
    sim.set_faults(script(vec![status_fault(429, Some("0")); 50]));
    let err = c.people().get_ecbn(&d.people[0]).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert!(err.to_string().contains("gave up after 3 attempt(s)"), "{err}");
    assert_eq!(sim.journal_len(), 3);
}

/// A Retry-After longer than the client waits fails that call at once, and every later call
/// of the client until then without sending it (the pacer is not paused for an hour).
#[tokio::test]
async fn a_long_retry_after_fails_later_calls_without_sending_them() {
    let sim = sim(20);
    let c = client(&sim);
    let d = dir(&sim);
    sim.set_faults(script(vec![status_fault(429, Some("3600"))]));
    assert_eq!(c.people().get_ecbn(&d.people[0]).await.unwrap_err().status(), Some(429));
    let t = Instant::now();
    let err = c.people().get_ecbn(&d.people[1]).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!((api.status, api.kind), (429, ApiErrorKind::RateLimited));
    assert!(api.retry_after.is_some_and(|ra| ra > Duration::from_secs(3590)), "{err}");
    assert!(err.to_string().contains("not sent"), "{err}");
    assert_eq!(sim.journal_len(), 1, "the later call is not sent");
    // Another client (its own pacer) is not held.
    client(&sim).people().get_ecbn(&d.people[1]).await.unwrap();
    // Nor one with the adaptation off: only the refused call fails.
    let fixed = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&sim.base_url)
        .retry(fast_retry())
        .pacing(Pacing { adaptive: false, max_rate: None })
        .build()
        .unwrap();
    sim.set_faults(script(vec![status_fault(429, Some("3600"))]));
    assert_eq!(fixed.people().get_ecbn(&d.people[0]).await.unwrap_err().status(), Some(429));
    fixed.people().get_ecbn(&d.people[1]).await.unwrap();
}

/// After a 401 the provider is asked for a new token once, for the attempt right after it; the
/// retries after that take the token as it is.
#[tokio::test]
async fn a_401_refreshes_once_not_on_every_later_retry() {
    let sim = sim(20);
    let d = dir(&sim);
    sim.set_tokens(vec!["fresh-token".into(), "stale-token".into()]);
    sim.set_faults(script(vec![status_fault(401, None), status_fault(503, None), status_fault(503, None)]));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let c = Client::builder().token_provider(Rotating { asked: asked.clone() }).base_url(&sim.base_url).retry(fast_retry()).build().unwrap();
    c.people().get_ecbn(&d.people[0]).await.unwrap();
    assert_eq!(*asked.lock().unwrap(), vec![false, true, false, false]);
    let statuses: Vec<u16> = sim.journal().iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![401, 503, 503, 200]);
}

/// The retry engine sends the client's token to the client's base URL only.
#[tokio::test]
async fn the_retry_engine_refuses_urls_outside_the_base_url() {
    let sim = sim(20);
    let c = client(&sim);
    let port = sim.base_url.rsplit(':').next().unwrap_or_default().to_string();
    for url in ["http://127.0.0.2:9/v1/x".to_string(), format!("{}evil/x", sim.base_url), format!("http://127.0.0.1:{port}")] {
        let request = retry::Request { operation: "engine.get", method: Method::Get, url: url.clone(), body: None, gate: None, ahead: false };
        let err = retry::execute(&c, &request).await.unwrap_err();
        assert_eq!(err.code(), "config", "{url}: {err}");
    }
    assert_eq!(sim.journal_len(), 0);
}

/// A typed call without its path ID or its body, or with an ID its operation does not take,
/// is refused before anything is sent.
#[tokio::test]
async fn typed_calls_need_their_id_and_body_and_take_no_other_id() {
    let sim = sim(20);
    let c = client(&sim);
    let d = dir(&sim);
    let no_id = Call::<Ecbn>::of::<api::ecbn::PeopleGetEcbn>(&c, None, None).await.unwrap_err();
    let no_body = Call::<wire::NoContent>::of::<api::ecbn::VirtualLinesUpdateEcbn>(&c, Some(&d.virtual_lines[0]), None).await.unwrap_err();
    let extra_id = Call::<OrgNotification>::of::<api::notifications::NotificationsGetOrg>(&c, Some(&d.locations[0]), None).await.unwrap_err();
    for (err, field, rule) in [(no_id, "personId", "required"), (no_body, "body", "required"), (extra_id, "id", "unexpected")] {
        let Error::Validation(v) = &err else { panic!("{err:?}") };
        assert!(v.errors.iter().any(|e| e.field == field && e.rule == rule), "{err}");
    }
    assert_eq!(sim.journal_len(), 0);
}
