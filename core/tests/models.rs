//! Model coverage of the spec, ID decoding, Retry-After and error bodies, and property tests.

use proptest::prelude::*;
use serde_json::{json, Value};
use webex_emergency::wire::Inspect;
use webex_emergency::*;

fn spec() -> Value {
    serde_json::from_str(include_str!("../../tests/spec/emergency-services.openapi.json")).unwrap()
}

/// A value with every property of `schema` filled in (first enum value, `true`, `1`, "x").
fn full_example(spec: &Value, schema: &Value) -> Value {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => &spec["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => schema,
    };
    if let Some(e) = schema.get("enum") {
        return e[0].clone();
    }
    match schema["type"].as_str() {
        Some("object") => {
            let mut m = serde_json::Map::new();
            for (k, v) in schema["properties"].as_object().into_iter().flatten() {
                m.insert(k.clone(), full_example(spec, v));
            }
            Value::Object(m)
        }
        Some("array") => json!([full_example(spec, &schema["items"])]),
        Some("boolean") => json!(true),
        Some("number") => json!(1),
        _ => json!("someone@example.org"),
    }
}

fn unknown<T: Json + Inspect>(v: Value) -> Vec<String> {
    let t = T::from_json(v).expect("decodes");
    let mut out = Vec::new();
    t.unknown_fields("", &mut out);
    out
}

/// Read and written back by the one serializer that sends requests: nothing dropped.
fn request_ok<T: Json>(v: Value) -> Vec<String> {
    match T::from_json(v.clone()) {
        Ok(t) => {
            if t.into_json() == v {
                vec![]
            } else {
                vec!["round trip changed the value".into()]
            }
        }
        Err(e) => vec![e],
    }
}

webex_emergency::request_model! {
    /// A request model with a field of every kind.
    AllKinds {
        /// Text.
        text: String,
        /// A secret.
        secret: Secret,
        /// A flag.
        flag: bool,
        /// A count.
        count: u64,
        /// Any number.
        ratio: f64,
        /// An enum.
        choice: CallbackSelection,
        /// A nested model.
        nested: Address,
        /// A list of text.
        list: Vec<String>,
        /// A list of models.
        objects: Vec<Address>,
    }
}
impl validate::Validate for AllKinds {
    fn validate(_body: validate::Body<'_>, _v: &mut validate::Validator) {}
}

#[test]
fn shape_check_reads_the_field_kinds() {
    use webex_emergency::wire::Model;
    let good = json!({"text": "a", "secret": "s", "flag": true, "count": 3, "ratio": 2.5, "choice": "DIRECT_LINE",
                      "nested": {"city": "x"}, "list": ["a"], "objects": [{"city": "y"}]});
    let mut errors = Vec::new();
    validate::check_shape(AllKinds::info(), good.as_object().unwrap(), "", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    // Read and written by the one serializer, and sent as such.
    assert_eq!(AllKinds::from_json(good.clone()).unwrap().into_json(), good);
    let (bytes, errors) = api::read_body::<AllKinds>(Some(good.clone()));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(serde_json::from_slice::<Value>(&bytes.unwrap()).unwrap(), good);
    for (field, bad, path) in [
        ("text", json!(1), "text"),
        ("secret", json!(true), "secret"),
        ("flag", json!("true"), "flag"),
        ("count", json!(2.5), "count"),
        ("count", json!("3"), "count"),
        ("ratio", json!("2"), "ratio"),
        ("choice", json!(1), "choice"),
        ("nested", json!([]), "nested"),
        ("nested", json!({"city": 1}), "nested.city"),
        ("list", json!("a"), "list"),
        ("list", json!([1]), "list[0]"),
        ("objects", json!([{"town": "y"}]), "objects[0].town"),
    ] {
        let mut body = good.clone();
        body[field] = bad;
        let (bytes, errors) = api::read_body::<AllKinds>(Some(body));
        assert!(bytes.is_none(), "{field}");
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.rule.as_str())).collect();
        let rule = if path.ends_with("town") { "unknown_field" } else { "type" };
        assert_eq!(got, [(path, rule)], "{field}");
    }
    // The kinds as the type information gives them; secrets masked at any depth.
    let kinds: Vec<Value> = AllKinds::info().fields.iter().map(|f| f.kind.describe()).collect();
    assert_eq!(kinds[3], json!({"type": "integer"}));
    assert_eq!(kinds[5], json!({"type": "enum", "name": "CallbackSelection"}));
    assert_eq!(kinds[8], json!({"type": "list", "of": {"type": "object", "model": "Address"}}));
    let mut shown = good.clone();
    AllKinds::info().mask_secrets(&mut shown);
    assert_eq!((shown["secret"].as_str(), shown["text"].as_str()), (Some("***"), Some("a")));
}

#[test]
fn every_property_of_every_spec_schema_is_in_the_models() {
    let spec = spec();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let mut checked = 0;
    for (name, schema) in schemas {
        if schema.get("enum").is_some() {
            continue; // enums are checked below
        }
        let v = full_example(&spec, schema);
        let problems = match name.as_str() {
            "RedSkyServiceSettingsObject" => request_ok::<ServiceSettingsUpdate>(v),
            "RedSkyCreateObject" => request_ok::<AccountCreate>(v),
            "RedSkyComplianceStatusRequestObject" => request_ok::<ComplianceStatusUpdate>(v),
            "LoginRequest" => request_ok::<Login>(v),
            "CreateBuildingRequest" => request_ok::<BuildingCreate>(v),
            "UpdateBuildingRequest" => request_ok::<BuildingUpdate>(v),
            "AddressObject" => request_ok::<Address>(v),
            "PutLocationCallNotificationObject" => request_ok::<LocationNotificationUpdate>(v),
            "PutECBNObject" => request_ok::<VirtualLineEcbnUpdate>(v),
            "PutWorkspaceECBNObject" => request_ok::<WorkspaceEcbnUpdate>(v),
            "PutPersonECBNObject" => request_ok::<PersonEcbnUpdate>(v),
            "OrgCallNotificationObject" => {
                let mut p = request_ok::<OrgNotificationUpdate>(v.clone());
                p.extend(unknown::<OrgNotification>(v));
                p
            }
            "RedSkyGetObject" => unknown::<Account>(v),
            "ComplianceStatusResponseRedSkyClientLocation"
            | "GetComplianceStatusResponseRedSkyClientLocation" => unknown::<RedSkyLocation>(v),
            "ComplianceStatusResponseLocationStatusObject"
            | "GetComplianceStatusResponseLocationStatusObject"
            | "ComplianceStatusLocationStatusObject" => unknown::<LocationsStatus>(v),
            "ComplianceStatusResponse" | "GetComplianceStatusResponse" | "GetLocationComplianceStatusResponse" => {
                unknown::<ComplianceStatus>(v)
            }
            "UpdateLocationComplianceStatusResponse" => unknown::<LocationStatusUpdate>(v),
            "LoginResponse" => unknown::<LoginResult>(v),
            "GetLocationCallingParamtersResponse" => unknown::<LocationParameters>(v),
            "GetLocationCallNotificationObject" => unknown::<LocationNotification>(v),
            "VirtualLinesECBNDependenciesObject"
            | "GetHuntGroupCallbackNumberDependenciesObject"
            | "GetWorkspaceCallbackNumberDependenciesObject"
            | "GetPersonCallbackNumberDependenciesObject" => unknown::<EcbnDependencies>(v),
            "VirtualLinesECBNObject" | "GetWorkspaceCallbackNumberObject" | "GetPersonCallbackNumberObject" => {
                unknown::<Ecbn>(v)
            }
            other => panic!("schema {other} has no model"),
        };
        assert!(problems.is_empty(), "{name}: {problems:?}");
        checked += 1;
    }
    assert_eq!(checked, 32);
}

#[test]
fn every_spec_enum_value_is_known() {
    use webex_emergency::validate::ApiEnum;
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    let pairs: Vec<(&str, &[&str])> = vec![
        ("orgPrefixObject", OrgPrefix::KNOWN),
        ("ComplianceStatusRequestEnum", ComplianceStage::KNOWN),
        ("OrgStatusEnum", OrgStatus::KNOWN),
        ("ComplianceStatusResponseEnum", ComplianceStatusValue::KNOWN),
        ("UpdateComplianceStatusResponseLocationStateEnum", LocationState::KNOWN),
        ("GetComplianceStatusResponseLocationStateEnum", LocationState::KNOWN),
        ("ECBNSelectionType", EcbnSelection::KNOWN),
        ("ECBNDirectLineEffectiveLevelType", EffectiveLevel::KNOWN),
        ("LocationMemberInfoEffectiveLevelType", EffectiveLevel::KNOWN),
        ("ECBNQualityType", EcbnQuality::KNOWN),
        ("CallBackSelectedPatch", CallbackSelection::KNOWN),
        ("MemberType", MemberType::KNOWN),
    ];
    let mut enums = 0;
    for (name, s) in schemas.as_object().unwrap() {
        if s.get("enum").is_some() {
            enums += 1;
            assert!(pairs.iter().any(|(n, _)| n == name), "enum {name} has no model");
        }
    }
    assert_eq!(enums, pairs.len());
    for (name, known) in pairs {
        for v in schemas[name]["enum"].as_array().unwrap() {
            assert!(known.contains(&v.as_str().unwrap()), "{name}: {v}");
        }
    }
    // Request enums are exactly the spec's, so nothing outside it can be sent.
    assert_eq!(CallbackSelection::KNOWN.len(), 3);
    assert_eq!(ComplianceStage::KNOWN.len(), 5);
}

#[test]
fn operations_table_matches_the_spec() {
    let spec = spec();
    let mut n = 0;
    for op in api::operations().filter(|o| o.in_spec()) {
        let o = &spec["paths"][op.path][op.method.as_str().to_ascii_lowercase()];
        assert!(o.is_object(), "{} {} not in spec", op.method.as_str(), op.path);
        assert_eq!(o["summary"].as_str().unwrap().to_lowercase(), op.summary.to_lowercase(), "{}", op.name);
        assert_eq!(o.get("requestBody").is_some(), op.has_body(), "{}", op.name);
        let params: Vec<&str> = o["parameters"].as_array().unwrap().iter().filter(|p| p["in"] == "path").map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(params, op.path_param.iter().map(|p| p.name).collect::<Vec<_>>(), "{}", op.name);
        let query: Vec<&str> = o["parameters"].as_array().unwrap().iter().filter(|p| p["in"] == "query" && p["name"] != "orgId").map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(query, op.query().to_vec(), "{}", op.name);
        n += 1;
    }
    let in_spec: usize = spec["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!((n, in_spec), (26, 26));
    // The directory operations the audit reads are outside the spec.
    let outside: Vec<&str> = api::operations().filter(|o| !o.in_spec()).map(|o| o.name).collect();
    assert_eq!(outside, ["locations.list_page", "people.list_page", "workspaces.list_page", "virtual_lines.list_page", "locations.get_ecbn", "locations.update_ecbn"]);
    for name in outside {
        let op = api::find(name).unwrap();
        assert!(spec["paths"][op.path][op.method.as_str().to_ascii_lowercase()].is_null(), "{name} is in the spec");
    }
}

#[test]
fn webex_ids_decode_in_real_world_forms() {
    let plain = ids::WebexId::encode("us", "PEOPLE", "f5b36187-c8dd-4727-8b2f-f9c447f29046");
    assert!(!plain.ends_with('='));
    let d = ids::decode(&plain).unwrap();
    assert_eq!((d.cluster.as_str(), d.kind.as_str()), ("us", "PEOPLE"));
    // Padded, URL-safe, odd clusters, non-UUID inner IDs, PLACES.
    use base64::Engine;
    let padded = base64::engine::general_purpose::STANDARD.encode("ciscospark://us/PEOPLE/abc");
    assert!(padded.ends_with('='));
    assert_eq!(ids::decode(&padded).unwrap().kind, "PEOPLE");
    let team = ids::WebexId::encode("urn:TEAM:us-west-2_r", "LOCATION", "12345");
    let d = ids::decode(&team).unwrap();
    assert_eq!((d.cluster.as_str(), d.kind.as_str(), d.id.as_str()), ("urn:TEAM:us-west-2_r", "LOCATION", "12345"));
    let places = ids::WebexId::encode("us", "PLACES", "x");
    assert!(ids::check("workspaceId", &places, ids::IdKind::Workspace).is_none());
    let urlsafe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("ciscospark://us/HUNT_GROUP/??>>");
    assert_eq!(ids::decode(&urlsafe).unwrap().kind, "HUNT_GROUP");
    // Wrong kind is refused with both kinds named; IDs in the Webex alphabet that do not decode
    // pass to the server; anything else (dots, percent signs, spaces) is refused.
    let ws = ids::WebexId::encode("us", "PLACE", "x");
    let e = ids::check("personId", &ws, ids::IdKind::Person).unwrap();
    assert_eq!(e.rule, "id_kind");
    assert_eq!(e.message, "expected a PEOPLE ID but got a PLACE ID");
    assert!(ids::check("personId", "not-base64", ids::IdKind::Person).is_none());
    for bad in ["not-base64!", "..", ".", "%2e%2e", "a/../b", "a b", "é", "a\u{0}"] {
        assert_eq!(ids::check("personId", bad, ids::IdKind::Person).map(|e| e.rule), Some("id_format".into()), "{bad:?}");
    }
    assert!(ids::check("personId", "aGVsbG8", ids::IdKind::Person).is_none()); // "hello"
    assert_eq!(ids::check("personId", " ", ids::IdKind::Person).unwrap().rule, "required");
    let member = ids::WebexId::encode("us", "VIRTUAL_LINE", "x");
    assert!(ids::check("locationMemberId", &member, ids::IdKind::LocationMember).is_none());
    let loc = ids::WebexId::encode("us", "LOCATION", "x");
    assert!(ids::check("locationMemberId", &loc, ids::IdKind::LocationMember).is_some());
}

#[test]
fn retry_after_both_forms() {
    let now = 1_700_000_000_000.0;
    assert_eq!(retry::parse_retry_after("120", now), Some(std::time::Duration::from_secs(120)));
    assert_eq!(retry::parse_retry_after(" 1.5 ", now), Some(std::time::Duration::from_millis(1500)));
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_030);
    let date = httpdate::fmt_http_date(at);
    assert_eq!(retry::parse_retry_after(&date, now), Some(std::time::Duration::from_secs(30)));
    let past = httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000));
    assert_eq!(retry::parse_retry_after(&past, now), Some(std::time::Duration::ZERO));
    assert_eq!(retry::parse_retry_after("0.0005", now), Some(std::time::Duration::ZERO));
    assert_eq!(retry::parse_retry_after("99999999999999999999999", now), Some(std::time::Duration::from_secs(1_000_000_000)));
    for bad in ["", "-1", "soon", "NaN", "inf", "1e3", "+5", "5.", ".5", "1.2.3", "١٢"] {
        assert_eq!(retry::parse_retry_after(bad, now), None, "{bad}");
    }
}

#[test]
fn error_bodies_in_several_shapes() {
    let b = error::parse_error_body(br#"{"message":"Bad","errors":[{"description":"Field x","errorCode":25008}],"trackingId":"T1"}"#);
    assert_eq!(b.message.as_deref(), Some("Bad"));
    assert_eq!(b.errors[0].error_code.as_deref(), Some("25008"));
    assert_eq!(b.tracking_id.as_deref(), Some("T1"));
    let b = error::parse_error_body(br#"{"error":"invalid_token","error_description":"expired"}"#);
    assert_eq!(b.message.as_deref(), Some("expired"));
    let b = error::parse_error_body(br#"{"errors":[{"description":"only this"}]}"#);
    assert_eq!(b.message.as_deref(), Some("only this"));
    assert_eq!(error::parse_error_body(b"<html>502</html>"), error::ErrorBody::default());
    assert_eq!(error::parse_error_body(b""), error::ErrorBody::default());
}

#[test]
fn dry_runs_as_json_are_what_serialize_gives() {
    let c = Client::builder().token("t").base_url("http://127.0.0.1:9/v1").org_id(ids::WebexId::encode("us", "ORGANIZATION", "o")).build().unwrap();
    let update = OrgNotificationUpdate { email_address: Some("a@b.co".into()), ..Default::default() };
    let shown = [
        c.notifications().update_org(&update).dry_run().unwrap(),
        c.redsky().compliance_status_page(Some(0), Some(10), Some("locationName")).dry_run().unwrap(),
    ];
    for p in shown {
        assert_eq!(p.to_json(), serde_json::to_value(&p).unwrap());
    }
}

#[test]
fn validation_messages_name_field_and_rule() {
    let c = Client::builder().token("t").base_url("http://127.0.0.1:9/v1").build().unwrap();
    let err = c
        .notifications()
        .update_org(&OrgNotificationUpdate { email_address: Some("not an email".into()), ..Default::default() })
        .dry_run()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "notifications.update_org was not sent: 1 invalid field(s): emailAddress (email): `not an email` is not a plausible e-mail address"
    );
    let err = c
        .redsky()
        .create_building(
            &ids::WebexId::encode("us", "LOCATION", "1"),
            &BuildingCreate { alerting_email: None, address: Some(Address { city: Some(" ".into()), ..Default::default() }) },
        )
        .dry_run()
        .unwrap_err();
    let got: Vec<(&str, &str)> = err.field_errors().iter().map(|e| (e.field.as_str(), e.rule.as_str())).collect();
    assert_eq!(got, vec![("alertingEmail", "required"), ("address.city", "non_empty")]);
    let err = c.redsky().compliance_status_page(None, Some(0), Some("name")).dry_run().unwrap_err();
    let got: Vec<&str> = err.field_errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(got, vec!["max", "order"]);
    // Unknown enum values are read, but never sent.
    let err = c
        .virtual_lines()
        .update_ecbn(&ids::WebexId::encode("us", "VIRTUAL_LINE", "1"), &VirtualLineEcbnUpdate { selected: Some("NONE".into()), location_member_id: None })
        .dry_run()
        .unwrap_err();
    assert_eq!(err.field_errors()[0].rule, "enum");
    assert!(err.to_string().contains("`NONE` is not one of DIRECT_LINE, LOCATION_ECBN, LOCATION_MEMBER_NUMBER"));
    // orgId of the wrong kind.
    let err = c.notifications().get_org().org_id(ids::WebexId::encode("us", "PEOPLE", "1")).dry_run().unwrap_err();
    assert_eq!(err.field_errors()[0].field, "orgId");
}

#[test]
fn json_entry_point_reports_reader_errors_with_paths() {
    let c = Client::builder().token("t").base_url("http://127.0.0.1:9/v1").build().unwrap();
    let person = ids::WebexId::encode("us", "PEOPLE", "1");
    let call = bindings_api::call(&c, "people.update_ecbn", bindings_api::Args {
        id: Some(person.clone()),
        body: Some(json!({"selected": "DIRECT_LINE", "locationMemberID": "x"})),
        ..Default::default()
    })
    .unwrap();
    let err = call.dry_run().unwrap_err();
    assert_eq!(err.field_errors()[0].field, "locationMemberID");
    assert_eq!(err.field_errors()[0].rule, "unknown_field");
    let call = bindings_api::call(&c, "redsky.create_building", bindings_api::Args {
        id: Some(ids::WebexId::encode("us", "LOCATION", "1")),
        body: Some(json!({"alertingEmail": "a@b.co", "address": {"city": 5}})),
        ..Default::default()
    })
    .unwrap();
    let err = call.dry_run().unwrap_err();
    assert_eq!((err.field_errors()[0].field.as_str(), err.field_errors()[0].rule.as_str()), ("address.city", "type"));
    assert!(bindings_api::call(&c, "people.delete", bindings_api::Args::default()).is_err());
}

#[test]
fn config_errors() {
    assert!(Client::builder().token("t").base_url("http://webexapis.com/v1").build().is_err());
    assert!(Client::builder().token("").build().is_err());
    assert!(Client::builder().token("a b").build().is_err());
    assert!(Client::builder().token("t").timeout(std::time::Duration::ZERO).build().is_err());
    assert!(Client::builder().token("t").org_id(ids::WebexId::encode("us", "PEOPLE", "1")).build().is_err());
}

#[test]
fn tracking_ids_are_prefixed_random_uuids() {
    let a = retry::new_tracking_id();
    let uuid = a.strip_prefix("WEBEX-EMERGENCY_").unwrap();
    let groups: Vec<&str> = uuid.split('-').collect();
    assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{a}");
    assert!(uuid.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{a}");
    assert!(groups[2].starts_with('4') && matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{a}");
    assert_ne!(a, retry::new_tracking_id());
    assert_eq!(call::encode_segment("a b/é~"), "a%20b%2F%C3%A9~");
}

#[test]
fn link_headers_give_the_next_url_exactly_as_sent() {
    use webex_emergency::paging::next_link;
    let url = "https://webexapis.com/v1/people?cursor=abc%3D&max=100";
    assert_eq!(next_link(&format!("<{url}>; rel=\"next\"")), Some(url));
    // Among other relations, in any case, quoted or not, with several values in one rel.
    let many = format!("<https://x/v1/people?c=1>; rel=\"prev\", <{url}>; title=\"a, b\"; REL=\"last next\"");
    assert_eq!(next_link(&many), Some(url));
    assert_eq!(next_link(&format!("<{url}>;rel=next")), Some(url));
    // No next: none.
    assert_eq!(next_link("<https://x/v1/people?c=1>; rel=\"prev\""), None);
    assert_eq!(next_link(""), None);
    assert_eq!(next_link("rel=\"next\""), None);
    assert_eq!(next_link("<unclosed; rel=\"next\""), None);
    // Not a `rel` of "nextpage" or a parameter merely containing next.
    assert_eq!(next_link("<https://x/a>; rel=\"nextpage\""), None);
    assert_eq!(next_link("<https://x/a>; title=\"next\""), None);
}

#[test]
fn a_tiny_positive_timeout_is_rounded_up_not_refused_as_zero() {
    for t in [1e-9, 4e-7, 0.5] {
        let options = json!({"token": "t", "baseUrl": "http://127.0.0.1:9/v1", "timeout": t});
        let built = bindings_api::ClientOptions::from_json(&options).and_then(|o| o.builder()).and_then(|b| b.build());
        assert!(built.is_ok(), "{t}: {:?}", built.err());
    }
}

proptest! {
    #[test]
    fn link_headers_never_panic(header in "[<>;,= \"a-zé\u{1F600}/:?&]{0,80}") {
        let _ = webex_emergency::paging::next_link(&header);
    }

    #[test]
    fn decoders_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for op in api::operations() {
            if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
                let _ = bindings_api::normalize(op.name, v);
            }
        }
        let _ = retry::decode_body::<Ecbn>("x", 200, &bytes, None);
        let _ = retry::decode_body::<ComplianceStatus>("x", 200, &bytes, None);
        let _ = error::parse_error_body(&bytes);
        let _ = error::excerpt(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        let _ = retry::parse_retry_after(&text, 0.0);
        let _ = ids::decode(&text);
        let _ = ids::check("personId", &text, ids::IdKind::Person);
    }

    #[test]
    fn decoders_never_panic_on_json(v in arb_json()) {
        let bytes = serde_json::to_vec(&v).unwrap();
        for op in api::operations() {
            let _ = bindings_api::normalize(op.name, v.clone());
        }
        let _ = retry::decode_body::<Ecbn>("x", 200, &bytes, None);
        let _ = retry::decode_body::<EcbnDependencies>("x", 200, &bytes, None);
        let _ = retry::decode_body::<LocationNotification>("x", 200, &bytes, None);
        let _ = error::parse_error_body(&bytes);
        let _ = api::read_body::<PersonEcbnUpdate>(Some(v.clone()));
        let _ = api::read_body::<BuildingCreate>(Some(v));
    }

    #[test]
    fn options_of_any_shape_build_or_fail_without_a_panic(
        timeout in arb_json(), max_retries in arb_json(), org in arb_json(), n in any::<f64>(),
    ) {
        for t in [timeout.clone(), json!(n), json!(n * 1e300)] {
            let options = json!({"token": "t", "baseUrl": "http://127.0.0.1:9/v1", "timeout": t,
                "maxRetries": max_retries, "orgId": org, "timeoutMs": n});
            if let Ok(o) = bindings_api::ClientOptions::from_json(&options) {
                let _ = o.builder().map(|b| b.build());
            }
        }
    }

    #[test]
    fn no_id_reaches_another_path(id in "[./%a-zA-Z0-9 _=+-]{0,12}", dots in "(\\.|%2[eE]){1,3}") {
        let c = Client::builder().token("t").base_url("http://127.0.0.1:9/v1").build().unwrap();
        for id in [id.clone(), dots.clone(), format!("a/{dots}/b"), format!("{id}{dots}")] {
            if let Ok(shown) = c.notifications().update_location(&id, &LocationNotificationUpdate::default()).dry_run() {
                let path = shown.path.clone();
                prop_assert!(path.ends_with("/emergencyCallNotification"), "{}", path);
                let segments: Vec<&str> = path.split('/').collect();
                prop_assert!(!segments.iter().any(|s| {
                    let lower = s.to_ascii_lowercase();
                    lower.contains('.') || lower.contains("%2e")
                }), "{}", path);
                prop_assert_eq!(segments.len(), 6, "{}", path);
            }
        }
    }

    #[test]
    fn error_texts_are_bounded(message in ".{0,3000}", count in 0usize..60) {
        let errors: Vec<Value> = (0..count).map(|_| json!({"description": message, "errorCode": 1})).collect();
        let body = serde_json::to_vec(&json!({"message": message, "errors": errors})).unwrap();
        let parsed = error::parse_error_body(&body);
        prop_assert!(parsed.message.map_or(0, |m| m.chars().count()) <= error::MAX_ERROR_TEXT_CHARS + 1);
        prop_assert!(parsed.errors.len() <= error::MAX_ERROR_ITEMS);
    }

    #[test]
    fn answers_with_broken_fields_read_as_the_typed_models_read_them(v in arb_json(), broken in 0usize..4) {
        // A well-formed answer with one field broken in turn (null, fractional count, any value).
        let mut answer = json!({"selected": "DIRECT_LINE", "directLineInfo": {"quality": "RECOMMENDED", "x": v.clone()},
                                "dependencies": {"dependentMemberCount": 3}, "extra": v.clone()});
        match broken {
            0 => answer["selected"] = Value::Null,
            1 => answer["dependencies"]["dependentMemberCount"] = json!(2.5),
            2 => answer["directLineInfo"]["quality"] = v.clone(),
            _ => {}
        }
        for x in [&v, &answer, &answer["dependencies"]] {
            for op in api::operations() {
                prop_assert_eq!(op.normalize(x.clone()), (op.typed_normalize)(x.clone()), "{}", op.name);
            }
        }
    }

    #[test]
    fn ids_round_trip(cluster in "[a-z:_A-Z0-9-]{1,20}", kind in "[A-Z_]{1,12}", inner in "[a-z0-9-]{1,36}") {
        let id = ids::WebexId::encode(&cluster, &kind, &inner);
        let d = ids::decode(&id).unwrap();
        prop_assert_eq!((d.cluster, d.kind, d.id), (cluster, kind, inner));
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "[a-zA-Z_ ]{0,12}".prop_map(Value::String),
        prop_oneof![Just("DIRECT_LINE"), Just("RECOMMENDED"), Just("LOCATION_SETUP")].prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("selected".to_string()), Just("directLineInfo".to_string()), Just("quality".to_string()),
            Just("dependentMemberCount".to_string()), Just("locationsStatus".to_string()), Just("locations".to_string()),
            Just("count".to_string()), Just("message".to_string()), Just("errors".to_string()), Just("address".to_string()),
            "[a-z]{1,8}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(keys, inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn readme_lists_every_operation() {
    let readme = include_str!("../../README.md");
    for op in api::operations() {
        let row = readme
            .lines()
            .find(|l| l.contains(&format!("| `{}` |", op.name)))
            .unwrap_or_else(|| panic!("{} missing from README", op.name));
        assert!(row.contains(&format!("`{}`", op.path)) && row.contains(op.method.as_str()), "{row}");
    }
}

/// A value shaped like `model` from `seed`: each field absent, `null`, of its kind or of
/// another JSON type (fractions and negatives for counts, unknown enum values), nested models
/// and lists filled the same way, plus an unknown field now and then.
fn shaped(model: &'static wire::ModelInfo, seed: &mut u64, depth: u32) -> Value {
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }
    fn of_kind(kind: &wire::FieldKind, seed: &mut u64, depth: u32) -> Value {
        use wire::FieldKind as K;
        if next(seed).is_multiple_of(8) {
            // Another JSON type than the field's.
            return [json!(null), json!(true), json!(7), json!(-2.5), json!("text"), json!([1]), json!({"a": 1})]
                [(next(seed) % 7) as usize]
                .clone();
        }
        match kind {
            K::String | K::Secret | K::Any => json!(format!("s{}", next(seed) % 100)),
            K::Enum(e) => match e.values.get((next(seed) % (e.values.len() as u64 + 1)) as usize) {
                Some(v) => json!(v),
                None => json!("A_VALUE_FROM_A_NEWER_API"),
            },
            K::Bool => json!(next(seed).is_multiple_of(2)),
            K::Integer => [json!(3), json!(0), json!(2.75), json!(-4), json!(1e30), json!(u64::MAX)][(next(seed) % 6) as usize].clone(),
            K::Number => [json!(3), json!(2.75), json!(-1e-3)][(next(seed) % 3) as usize].clone(),
            K::Object(m) if depth < 4 => shaped(m(), seed, depth + 1),
            K::Object(_) => json!({}),
            K::List(item) => Value::Array((0..next(seed) % 3).map(|_| of_kind(item, seed, depth + 1)).collect()),
        }
    }
    let mut map = serde_json::Map::new();
    for (field, name) in model.fields.iter().zip(model.json_names()) {
        if !next(seed).is_multiple_of(5) {
            map.insert(name.clone(), of_kind(&field.kind, seed, depth));
        }
    }
    if next(seed).is_multiple_of(3) {
        map.insert("fieldFromANewerApi".into(), json!({"kept": [1, null]}));
    }
    Value::Object(map)
}

#[test]
fn answers_read_by_the_model_tables_as_the_typed_models_read_them() {
    // `Operation::normalize` (one function over the model tables, the only reader in the browser
    // package) must give what the typed model gives when it reads an answer and writes it back.
    let (mut same, mut refused) = (0, 0);
    for op in api::operations() {
        let Some(model) = op.answer_model() else { continue };
        for n in 1..=400u64 {
            let mut seed = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let answer = shaped(model, &mut seed, 0);
            let got = op.normalize(answer.clone());
            let typed = (op.typed_normalize)(answer.clone());
            assert_eq!(got, typed, "{} on {answer}", op.name);
            if got.is_ok() { same += 1 } else { refused += 1 }
        }
        // Not an object at all.
        assert_eq!(op.normalize(json!([1])), (op.typed_normalize)(json!([1])), "{}", op.name);
    }
    // Both outcomes were exercised, many times.
    assert!(same > 1000 && refused > 1000, "read {same}, refused {refused}");
}

#[test]
fn floats_in_answers_are_read_exactly() {
    // Floats whose digits need 17 significant places: serde_json's default reader can land one
    // unit in the last place off on these (1.0000000000000007 read as ...09); the native build
    // reads them exactly, so an unknown field holding one is passed on as the server sent it.
    for text in ["1.0000000000000007", "123456789012345.67", "0.30000000000000004", "2.2250738585072014e-308", "5e-324"] {
        let body = format!(r#"{{"selected":"DIRECT_LINE","x":{text}}}"#);
        let answer = retry::decode_body::<Value>("people.get_ecbn", 200, body.as_bytes(), None).unwrap();
        let answer = bindings_api::normalize("people.get_ecbn", answer).unwrap();
        let want: f64 = text.parse().unwrap();
        assert_eq!(answer["x"].as_f64().unwrap().to_bits(), want.to_bits(), "{text}");
    }
}
