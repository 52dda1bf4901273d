//! Every audit rule on hand-made answers (the API's JSON, read through the core's tolerant
//! models), including the edge cases of its predicate.

use serde_json::{json, Value};
use webex_emergency::wire::Model;
use webex_emergency::audit::rules::{self, Subject};
use webex_emergency::{
    ApiError, ApiErrorKind, ComplianceStatusValue, Ecbn, Entity, EntityKind, Error, Json, LocationEcbn,
    LocationNotification, LocationState, OrgNotification, OrgStatus, Severity,
};

fn subject(kind: EntityKind) -> Subject {
    Subject {
        entity: Entity { kind, id: "ID".into(), name: "Ann".into() },
        location: Some(webex_emergency::audit::report::Place { id: "L".into(), name: "Site".into() }),
    }
}

fn read<T: Json>(v: Value) -> T {
    T::from_json(v).expect("the model reads the answer")
}

/// An answer as the audit reads it: checked and normalized by its answer model.
fn answer<T: Model>(mut v: Value) -> Value {
    T::info().read_answer(&mut v).expect("the model reads the answer");
    v
}

/// The rule IDs that fire for a member's ECBN answer.
fn member(v: Value) -> Vec<&'static str> {
    rules::member(&subject(EntityKind::Person), &answer::<Ecbn>(v)).iter().map(|f| f.rule).collect()
}

fn info(level: &str, value: &str, quality: &str) -> Value {
    json!({"effectiveLevel": level, "effectiveValue": value, "quality": quality, "phoneNumber": value})
}

#[test]
fn ecbn_a_healthy_direct_line_fires_nothing() {
    assert!(member(json!({"selected": "DIRECT_LINE", "directLineInfo": info("DIRECT_LINE", "+12025550101", "RECOMMENDED")})).is_empty());
}

#[test]
fn ecbn_none_fires_for_each_way_a_call_reaches_nobody() {
    // selected NONE, even with a default block that has a value.
    assert_eq!(member(json!({"selected": "NONE", "defaultInfo": info("NONE", "", "RECOMMENDED")})), ["ecbn-none"]);
    assert_eq!(member(json!({"selected": "NONE", "defaultInfo": info("DIRECT_LINE", "+12025550101", "RECOMMENDED")})), ["ecbn-none"]);
    // No selection at all.
    assert_eq!(member(json!({"directLineInfo": info("DIRECT_LINE", "+12025550101", "RECOMMENDED")})), ["ecbn-none"]);
    // The block in effect is missing (another block being fine does not help).
    assert_eq!(member(json!({"selected": "DIRECT_LINE", "locationECBNInfo": info("LOCATION_ECBN", "+12025550101", "RECOMMENDED")})), ["ecbn-none"]);
    // Its level is NONE: a fallback to NONE is ecbn-none only, not ecbn-fallback.
    assert_eq!(member(json!({"selected": "DIRECT_LINE", "directLineInfo": info("NONE", "", "RECOMMENDED")})), ["ecbn-none"]);
    assert_eq!(member(json!({"selected": "LOCATION_MEMBER_NUMBER", "locationMemberInfo": info("NONE", "+12025550101", "RECOMMENDED")})), ["ecbn-none"]);
    // No effective value: absent, empty or blank.
    assert_eq!(member(json!({"selected": "DIRECT_LINE", "directLineInfo": {"effectiveLevel": "DIRECT_LINE", "quality": "RECOMMENDED"}})), ["ecbn-none"]);
    assert_eq!(member(json!({"selected": "DIRECT_LINE", "directLineInfo": info("DIRECT_LINE", "  ", "RECOMMENDED")})), ["ecbn-none"]);
    // A missing level with a value is not NONE.
    assert!(member(json!({"selected": "DIRECT_LINE", "directLineInfo": {"effectiveValue": "+12025550101", "quality": "RECOMMENDED"}})).is_empty());
}

#[test]
fn ecbn_quality_is_read_on_the_block_in_effect_only() {
    let invalid = json!({"selected": "DIRECT_LINE", "directLineInfo": info("DIRECT_LINE", "+12025550101", "INVALID")});
    assert_eq!(member(invalid), ["ecbn-invalid"]);
    let hunt = json!({"selected": "LOCATION_MEMBER_NUMBER", "locationMemberInfo": info("LOCATION_MEMBER_NUMBER", "+12025550102", "NOT_RECOMMENDED")});
    assert_eq!(member(hunt), ["ecbn-not-recommended"]);
    let location = json!({"selected": "LOCATION_ECBN", "locationECBNInfo": info("LOCATION_ECBN", "+12025550103", "NOT_RECOMMENDED")});
    assert_eq!(member(location), ["ecbn-not-recommended"]);
    // Bad blocks that are not in effect do not count.
    let others = json!({
        "selected": "DIRECT_LINE",
        "directLineInfo": info("DIRECT_LINE", "+12025550101", "RECOMMENDED"),
        "locationECBNInfo": info("LOCATION_ECBN", "+12025550103", "INVALID"),
        "locationMemberInfo": info("LOCATION_MEMBER_NUMBER", "+12025550102", "NOT_RECOMMENDED"),
        "defaultInfo": info("NONE", "", "INVALID"),
    });
    assert!(member(others).is_empty());
    // A quality value this version does not know fires no quality rule.
    assert!(member(json!({"selected": "DIRECT_LINE", "directLineInfo": info("DIRECT_LINE", "+12025550101", "SOMETHING_NEW")})).is_empty());
    // INVALID on a block without a value: both the number rule and the quality rule.
    assert_eq!(member(json!({"selected": "DIRECT_LINE", "directLineInfo": info("DIRECT_LINE", "", "INVALID")})), ["ecbn-none", "ecbn-invalid"]);
}

#[test]
fn ecbn_fallback_fires_when_the_chosen_source_is_not_in_effect() {
    let direct = json!({"selected": "DIRECT_LINE", "directLineInfo": info("LOCATION_ECBN", "+12025550103", "RECOMMENDED")});
    assert_eq!(member(direct), ["ecbn-fallback"]);
    let member_number = json!({"selected": "LOCATION_MEMBER_NUMBER", "locationMemberInfo": info("LOCATION_ECBN", "+12025550103", "RECOMMENDED")});
    assert_eq!(member(member_number), ["ecbn-fallback"]);
    // A level this version does not know is still not the chosen one.
    let unknown = json!({"selected": "DIRECT_LINE", "directLineInfo": info("FUTURE_LEVEL", "+12025550103", "RECOMMENDED")});
    assert_eq!(member(unknown), ["ecbn-fallback"]);
    // Several rules for one entity: a fallback to an invalid number.
    let both = json!({"selected": "DIRECT_LINE", "directLineInfo": info("LOCATION_MEMBER_NUMBER", "+12025550104", "INVALID")});
    assert_eq!(member(both), ["ecbn-invalid", "ecbn-fallback"]);
    // No fallback rule for LOCATION_ECBN: its level mirrors the location's own source.
    let mirrored = json!({"selected": "LOCATION_ECBN", "locationECBNInfo": info("LOCATION_MEMBER_NUMBER", "+12025550104", "RECOMMENDED")});
    assert!(member(mirrored).is_empty());
    // The chosen level itself, or no level at all, is no fallback.
    assert!(member(json!({"selected": "LOCATION_MEMBER_NUMBER", "locationMemberInfo": info("LOCATION_MEMBER_NUMBER", "+1202555", "RECOMMENDED")})).is_empty());
}

#[test]
fn ecbn_an_unknown_selection_fires_nothing() {
    // Which block is in effect cannot be told for a value the API may add later.
    assert!(member(json!({"selected": "FUTURE_SOURCE", "directLineInfo": info("NONE", "", "INVALID")})).is_empty());
}

#[test]
fn ecbn_findings_carry_the_values_seen_and_the_operation_for_the_kind() {
    let ecbn = answer::<Ecbn>(json!({"selected": "DIRECT_LINE", "directLineInfo": info("LOCATION_ECBN", "+12025550103", "INVALID")}));
    for (kind, op) in [
        (EntityKind::Person, "people.update_ecbn"),
        (EntityKind::Workspace, "workspaces.update_ecbn"),
        (EntityKind::VirtualLine, "virtual_lines.update_ecbn"),
    ] {
        let found = rules::member(&subject(kind), &ecbn);
        assert_eq!(found.len(), 2);
        for f in &found {
            assert!(f.message.contains("+12025550103") && f.message.contains("DIRECT_LINE"), "{}", f.message);
            assert!(f.fix.contains(op), "{}", f.fix);
            assert_eq!(f.entity.kind, kind);
            assert_eq!(f.location.as_ref().map(|l| l.name.as_str()), Some("Site"));
        }
        assert_eq!((found[0].severity, found[1].severity), (Severity::Error, Severity::Warning));
    }
}

fn notification(location: Value, org: Option<Value>) -> Vec<&'static str> {
    let location = answer::<LocationNotification>(location);
    let org: Option<Value> = org.map(answer::<OrgNotification>);
    rules::notification(&subject(EntityKind::Location), &location, org.as_ref()).iter().map(|f| f.rule).collect()
}

#[test]
fn notification_uncovered_needs_neither_the_location_nor_the_org_to_send_mail() {
    let org_all = json!({"emergencyCallNotificationEnabled": true, "emailAddress": "sec@example.org", "allowEmailNotificationAllLocationEnabled": true});
    let off = json!({"emergencyCallNotificationEnabled": false});
    // The location's own setting is enough, whatever the org says.
    let own = json!({"emergencyCallNotificationEnabled": true, "emailAddress": "site@example.org"});
    assert!(notification(own.clone(), Some(off.clone())).is_empty());
    // The org's setting for all locations is enough.
    assert!(notification(off.clone(), Some(org_all.clone())).is_empty());
    // Neither: each missing piece of the org's three is enough to fire.
    for missing in ["emergencyCallNotificationEnabled", "emailAddress", "allowEmailNotificationAllLocationEnabled"] {
        let mut org = org_all.clone();
        org.as_object_mut().unwrap().remove(missing);
        assert_eq!(notification(off.clone(), Some(org)), ["notification-uncovered"], "without {missing}");
    }
    let mut org = org_all.clone();
    org["allowEmailNotificationAllLocationEnabled"] = json!(false);
    assert_eq!(notification(off.clone(), Some(org)), ["notification-uncovered"]);
    // The location on without an address (blank counts as none) does not send mail.
    let no_address = json!({"emergencyCallNotificationEnabled": true, "emailAddress": " "});
    assert_eq!(notification(no_address, Some(off.clone())), ["notification-uncovered"]);
    let address_only = json!({"emailAddress": "site@example.org"});
    assert_eq!(notification(address_only, Some(off.clone())), ["notification-uncovered"]);
    // Without the org's answer, the location answer's copy of it is used; without either, the
    // rule cannot be told and does not fire.
    let with_copy = json!({"emergencyCallNotificationEnabled": false, "organization": org_all});
    assert!(notification(with_copy, None).is_empty());
    assert_eq!(notification(json!({"organization": off}), None), ["notification-uncovered"]);
    assert!(notification(json!({}), None).is_empty());
}

#[test]
fn notification_message_names_the_values_seen() {
    let location = answer::<LocationNotification>(json!({"emergencyCallNotificationEnabled": true}));
    let org = answer::<OrgNotification>(json!({"emergencyCallNotificationEnabled": true, "emailAddress": "sec@example.org"}));
    let f = &rules::notification(&subject(EntityKind::Location), &location, Some(&org))[0];
    assert!(f.message.contains("location notification on (e-mail none)"), "{}", f.message);
    assert!(f.message.contains("sec@example.org") && f.message.contains("all locations unset"), "{}", f.message);
    assert!(f.fix.contains("notifications.update_location") && f.fix.contains("notifications.update_org"));
}

fn location_ecbn(v: Value) -> Vec<&'static str> {
    rules::location_ecbn(&subject(EntityKind::Location), &answer::<LocationEcbn>(v)).iter().map(|f| f.rule).collect()
}

#[test]
fn location_ecbn_quality_on_the_block_in_effect() {
    let number = |q: &str| json!({"phoneNumber": "+12025550100", "effectiveLevel": "LOCATION_NUMBER", "effectiveValue": "+12025550100", "quality": q});
    assert_eq!(location_ecbn(json!({"selected": "LOCATION_NUMBER", "locationInfo": number("INVALID")})), ["location-ecbn-invalid"]);
    assert_eq!(location_ecbn(json!({"selected": "LOCATION_NUMBER", "locationInfo": number("NOT_RECOMMENDED")})), ["location-ecbn-not-recommended"]);
    assert_eq!(location_ecbn(json!({"selected": "LOCATION_MEMBER_NUMBER", "locationMemberInfo": number("NOT_RECOMMENDED")})), ["location-ecbn-not-recommended"]);
    assert_eq!(location_ecbn(json!({"selected": "LOCATION_MEMBER_NUMBER", "locationMemberInfo": number("INVALID")})), ["location-ecbn-invalid"]);
    // The other block's quality does not count; neither does a healthy or unknown quality.
    assert!(location_ecbn(json!({"selected": "LOCATION_NUMBER", "locationInfo": number("RECOMMENDED"), "locationMemberInfo": number("INVALID")})).is_empty());
    assert!(location_ecbn(json!({"selected": "LOCATION_MEMBER_NUMBER", "locationInfo": number("INVALID")})).is_empty());
    assert!(location_ecbn(json!({"selected": "LOCATION_NUMBER", "locationInfo": number("SOMETHING_NEW")})).is_empty());
    // No selection, or one this version does not know: nothing can be told.
    assert!(location_ecbn(json!({"locationInfo": number("INVALID")})).is_empty());
    assert!(location_ecbn(json!({"selected": "FUTURE", "locationInfo": number("INVALID")})).is_empty());
    let f = &rules::location_ecbn(&subject(EntityKind::Location), &answer::<LocationEcbn>(json!({"selected": "LOCATION_NUMBER", "locationInfo": number("INVALID")})))[0];
    assert!(f.message.contains("+12025550100") && f.fix.contains("locations.update_ecbn"));
}

fn state(s: &str) -> LocationState {
    read(json!(s))
}

#[test]
fn redsky_location_incomplete_only_when_enabled_and_at_a_setup_step() {
    let s = subject(EntityKind::Location);
    let enabled = read::<OrgStatus>(json!("ENABLED"));
    for (step, next) in [("LOCATION_SETUP", "redsky.create_building"), ("ALERTS", "alert e-mail"), ("NETWORK_ELEMENTS", "network elements")] {
        let found = rules::redsky_location(&s, Some(&enabled), Some(&state(step)));
        assert_eq!(found.len(), 1, "{step}");
        assert_eq!(found[0].rule, "redsky-location-incomplete");
        assert!(found[0].message.contains(step) && found[0].fix.contains(next), "{}", found[0].fix);
    }
    for done in ["ROUTING_ENABLE", "COMPLIANT", "OPTED_OUT", "EXEMPTED", "SOMETHING_NEW"] {
        assert!(rules::redsky_location(&s, Some(&enabled), Some(&state(done))).is_empty(), "{done}");
    }
    assert!(rules::redsky_location(&s, Some(&enabled), None).is_empty());
    for org in ["INITIALISE", "OPTED_OUT", "SOMETHING_NEW"] {
        let org = read::<OrgStatus>(json!(org));
        assert!(rules::redsky_location(&s, Some(&org), Some(&state("LOCATION_SETUP"))).is_empty());
    }
    assert!(rules::redsky_location(&s, None, Some(&state("LOCATION_SETUP"))).is_empty());
}

#[test]
fn redsky_org_rules() {
    let s = subject(EntityKind::Org);
    let org = |v: &str| read::<OrgStatus>(json!(v));
    let compliance = |v: &str| read::<ComplianceStatusValue>(json!(v));
    let rules_for = |o: Option<OrgStatus>, c: Option<ComplianceStatusValue>| -> Vec<&'static str> {
        rules::redsky_org(&s, o.as_ref(), c.as_ref()).iter().map(|f| f.rule).collect()
    };
    assert_eq!(rules_for(Some(org("ENABLED")), Some(compliance("NON_COMPLIANT"))), ["redsky-org-non-compliant"]);
    assert!(rules_for(Some(org("ENABLED")), Some(compliance("COMPLIANT"))).is_empty());
    assert!(rules_for(Some(org("ENABLED")), Some(compliance("EXEMPTED"))).is_empty());
    assert!(rules_for(Some(org("ENABLED")), None).is_empty());
    assert_eq!(rules_for(Some(org("INITIALISE")), Some(compliance("NON_COMPLIANT"))), ["redsky-not-set-up"]);
    assert_eq!(rules_for(Some(org("INITIALISE")), None), ["redsky-not-set-up"]);
    assert!(rules_for(Some(org("OPTED_OUT")), Some(compliance("NON_COMPLIANT"))).is_empty());
    assert!(rules_for(Some(org("SOMETHING_NEW")), None).is_empty());
    assert!(rules_for(None, None).is_empty());
}

#[test]
fn read_failed_names_the_operation_status_and_tracking_id() {
    let error = Error::Api(Box::new(ApiError {
        operation: "people.get_ecbn".into(),
        status: 503,
        kind: ApiErrorKind::Server,
        message: "Service Unavailable".into(),
        errors: Vec::new(),
        tracking_id: Some("WEBEX_TRACKING_ID_1".into()),
        retry_after: None,
        body_excerpt: String::new(),
        note: None,
    }));
    let f = rules::read_failed(&subject(EntityKind::Person), "people.get_ecbn", &error);
    assert_eq!((f.rule, f.severity), ("read-failed", Severity::Error));
    for part in ["people.get_ecbn", "503", "WEBEX_TRACKING_ID_1"] {
        assert!(f.message.contains(part), "{part} in {}", f.message);
    }
}

#[test]
fn every_rule_is_listed_once_with_its_severity() {
    let mut ids: Vec<_> = rules::RULES.iter().map(|(r, _)| *r).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules::RULES.len());
    assert_eq!(rules::RULES.len(), 11);
}
