//! The audit's rules: each a precise predicate on the answers read, giving findings with a
//! message (the values seen) and a fix (the setting, and the operation that changes it).
//!
//! The answers are JSON as the client reads them (checked and normalized by their answer
//! model, see [`crate::api::Operation::read_answer`]); the API's enums are read into their
//! types. Reading JSON rather than the typed models keeps the typed models' readers out of the
//! browser package (measured 2026-12-06: 6 kB gzipped).

use super::report::{Entity, EntityKind, Finding, Place, Severity};
use serde_json::Value;

use crate::api::ecbn::{EcbnQuality, EcbnSelection, EffectiveLevel};
use crate::api::location_ecbn::LocationEcbnSelection;
use crate::api::redsky::{ComplianceStatusValue, LocationState, OrgStatus};
use crate::error::Error;
use crate::validate::ApiEnum;

/// Every rule ID with its severity, in the order the issue lists them.
pub const RULES: &[(&str, Severity)] = &[
    ("ecbn-none", Severity::Error),
    ("ecbn-invalid", Severity::Error),
    ("ecbn-not-recommended", Severity::Warning),
    ("ecbn-fallback", Severity::Warning),
    ("notification-uncovered", Severity::Error),
    ("location-ecbn-invalid", Severity::Error),
    ("location-ecbn-not-recommended", Severity::Warning),
    ("redsky-location-incomplete", Severity::Error),
    ("redsky-org-non-compliant", Severity::Error),
    ("redsky-not-set-up", Severity::Warning),
    ("read-failed", Severity::Error),
];

/// The entity a rule looks at, and its location.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The entity.
    pub entity: Entity,
    /// Its location, when known.
    pub location: Option<Place>,
}

impl Subject {
    fn finding(&self, rule: &'static str, message: String, fix: String) -> Finding {
        let severity = RULES.iter().find(|(r, _)| *r == rule).map_or(Severity::Error, |(_, s)| *s);
        Finding { rule, severity, entity: self.entity.clone(), location: self.location.clone(), message, fix }
    }
}

/// The operation that changes a member's ECBN.
fn update_op(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Workspace => "workspaces.update_ecbn",
        EntityKind::VirtualLine => "virtual_lines.update_ecbn",
        _ => "people.update_ecbn",
    }
}

fn text<E: ApiEnum>(v: &Option<E>) -> &str {
    v.as_ref().map_or("(none)", ApiEnum::as_str)
}

/// The text in field `key` of an answer.
pub fn text_at<'a>(answer: &'a Value, key: &str) -> Option<&'a str> {
    answer.get(key).and_then(Value::as_str)
}

/// The flag in field `key` of an answer.
fn flag_at(answer: &Value, key: &str) -> Option<bool> {
    answer.get(key).and_then(Value::as_bool)
}

/// The API enum in field `key` of an answer.
pub fn enum_at<E: for<'s> From<&'s str>>(answer: &Value, key: &str) -> Option<E> {
    text_at(answer, key).map(E::from)
}

fn has_text(answer: &Value, key: &str) -> bool {
    text_at(answer, key).is_some_and(|v| !v.trim().is_empty())
}

/// The source block in effect for the member's selection (`None` for an unknown selection
/// or a block the answer lacks).
fn block<'a>(ecbn: &'a Value, selected: Option<&EcbnSelection>) -> Option<&'a Value> {
    let key = match selected? {
        EcbnSelection::DirectLine => "directLineInfo",
        EcbnSelection::LocationEcbn => "locationECBNInfo",
        EcbnSelection::LocationMemberNumber => "locationMemberInfo",
        EcbnSelection::None => "defaultInfo",
        EcbnSelection::Other(_) => return None,
    };
    ecbn.get(key).filter(|b| b.is_object())
}

/// The member rules (`ecbn-none`, `ecbn-invalid`, `ecbn-not-recommended`, `ecbn-fallback`) on a
/// person's, workspace's or virtual line's ECBN answer. An unknown `selected` value (one the
/// API may add) fires none of them: which block is in effect cannot be told.
pub fn member(subject: &Subject, ecbn: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    let op = update_op(subject.entity.kind);
    let choice: Option<EcbnSelection> = enum_at(ecbn, "selected");
    let selected = text(&choice).to_string();
    if matches!(choice, Some(EcbnSelection::Other(_))) {
        return out;
    }
    let info = block(ecbn, choice.as_ref());
    let number = info.and_then(|i| text_at(i, "effectiveValue")).unwrap_or_default().to_string();
    let effective: Option<EffectiveLevel> = info.and_then(|i| enum_at(i, "effectiveLevel"));
    let level = if info.is_some() { text(&effective) } else { "(no block)" }.to_string();
    let none = choice.is_none()
        || choice == Some(EcbnSelection::None)
        || info.is_none_or(|i| effective == Some(EffectiveLevel::None) || !has_text(i, "effectiveValue"));
    if none {
        out.push(subject.finding(
            "ecbn-none",
            format!(
                "a returned emergency call reaches nobody: selected {selected}, effective level {level}, effective value {}",
                if number.is_empty() { "(none)" } else { &number }
            ),
            format!("Select a callback number that reaches a person: DIRECT_LINE (the member's own active number), LOCATION_ECBN or LOCATION_MEMBER_NUMBER, with {op}."),
        ));
    }
    let Some(info) = info else { return out };
    match enum_at(info, "quality") {
        Some(EcbnQuality::Invalid) => out.push(subject.finding(
            "ecbn-invalid",
            format!("the callback number in effect ({selected}, {}) is inactive or does not exist", shown(&number)),
            format!("Activate the number, or select another source (LOCATION_ECBN or another member's number) with {op}."),
        )),
        Some(EcbnQuality::NotRecommended) => out.push(subject.finding(
            "ecbn-not-recommended",
            format!(
                "the callback number in effect ({selected}, {}) belongs to an auto attendant, hunt group or the like, not to a person or workspace",
                shown(&number)
            ),
            format!("Select a person's or workspace's number (LOCATION_MEMBER_NUMBER) or the location ECBN with {op}."),
        )),
        _ => {}
    }
    let chosen = match choice {
        Some(EcbnSelection::DirectLine) => Some(EffectiveLevel::DirectLine),
        Some(EcbnSelection::LocationMemberNumber) => Some(EffectiveLevel::LocationMemberNumber),
        _ => None,
    };
    if let (Some(chosen), Some(effective)) = (chosen, effective.as_ref()) {
        if effective != &chosen && effective != &EffectiveLevel::None {
            out.push(subject.finding(
                "ecbn-fallback",
                format!("selected {selected} is not in effect: the call goes out with {effective} {}", shown(&number)),
                format!("Make the selected source usable (an active number), or select the source you want with {op}."),
            ));
        }
    }
    out
}

fn shown(number: &str) -> &str {
    if number.is_empty() {
        "(no number)"
    } else {
        number
    }
}

/// Whether the organization's notification covers every location.
fn org_covers(org: &Value) -> bool {
    flag_at(org, "emergencyCallNotificationEnabled") == Some(true)
        && has_text(org, "emailAddress")
        && flag_at(org, "allowEmailNotificationAllLocationEnabled") == Some(true)
}

/// `notification-uncovered`: no e-mail is sent for an emergency call from the location
/// (Kari's Law). `org` is the organization's setting (the location answer's own copy is used
/// when the organization could not be read); without either, the rule cannot be told.
pub fn notification(subject: &Subject, location: &Value, org: Option<&Value>) -> Vec<Finding> {
    let Some(org) = org.or(location.get("organization")).filter(|o| o.is_object()) else { return Vec::new() };
    let own = flag_at(location, "emergencyCallNotificationEnabled") == Some(true) && has_text(location, "emailAddress");
    if own || org_covers(org) {
        return Vec::new();
    }
    let flag = |v: &Value, key: &str| flag_at(v, key).map_or("unset", |b| if b { "on" } else { "off" });
    vec![subject.finding(
        "notification-uncovered",
        format!(
            "no e-mail is sent for an emergency call from this location: location notification {} (e-mail {}), organization notification {} (e-mail {}, all locations {})",
            flag(location, "emergencyCallNotificationEnabled"),
            text_at(location, "emailAddress").unwrap_or("none"),
            flag(org, "emergencyCallNotificationEnabled"),
            text_at(org, "emailAddress").unwrap_or("none"),
            flag(org, "allowEmailNotificationAllLocationEnabled"),
        ),
        "Turn on the location's emergency call notification with an e-mail address (notifications.update_location), or the organization's with an e-mail address and allowEmailNotificationAllLocationEnabled (notifications.update_org).".into(),
    )]
}

/// The quality and number of the location ECBN's block in effect for its selection
/// (`locationInfo` for LOCATION_NUMBER, `locationMemberInfo` for LOCATION_MEMBER_NUMBER).
pub fn location_ecbn_in_effect(ecbn: &Value) -> (Option<EcbnQuality>, Option<String>) {
    let key = match enum_at(ecbn, "selected") {
        Some(LocationEcbnSelection::LocationNumber) => "locationInfo",
        Some(LocationEcbnSelection::LocationMemberNumber) => "locationMemberInfo",
        _ => return (None, None),
    };
    let Some(i) = ecbn.get(key) else { return (None, None) };
    (enum_at(i, "quality"), text_at(i, "effectiveValue").or(text_at(i, "phoneNumber")).map(str::to_string))
}

/// `location-ecbn-invalid` and `location-ecbn-not-recommended`: the quality of the location's
/// own ECBN, on the block in effect for its selection.
pub fn location_ecbn(subject: &Subject, ecbn: &Value) -> Vec<Finding> {
    let (quality, number) = location_ecbn_in_effect(ecbn);
    let selected = text_at(ecbn, "selected").unwrap_or("(none)").to_string();
    let number = number.unwrap_or_default();
    match quality {
        Some(EcbnQuality::Invalid) => vec![subject.finding(
            "location-ecbn-invalid",
            format!("the location's ECBN ({selected}, {}) is inactive or does not exist", shown(&number)),
            "Set the location's ECBN to an active number reaching a person: LOCATION_NUMBER or LOCATION_MEMBER_NUMBER with locations.update_ecbn.".into(),
        )],
        Some(EcbnQuality::NotRecommended) => vec![subject.finding(
            "location-ecbn-not-recommended",
            format!(
                "the location's ECBN ({selected}, {}) belongs to an auto attendant, hunt group or the like, not to a person or workspace",
                shown(&number)
            ),
            "Set the location's ECBN to a person's or workspace's number (LOCATION_MEMBER_NUMBER) or a main number answered by a person, with locations.update_ecbn.".into(),
        )],
        _ => Vec::new(),
    }
}

/// `redsky-location-incomplete`: RedSky is enabled for the organization and the location's
/// setup stops at `state`.
pub fn redsky_location(subject: &Subject, org_status: Option<&OrgStatus>, state: Option<&LocationState>) -> Vec<Finding> {
    if org_status != Some(&OrgStatus::Enabled) {
        return Vec::new();
    }
    let next = match state {
        Some(LocationState::LocationSetup) => "create the location's building address and alert e-mail (redsky.create_building), then report LOCATION_SETUP done (redsky.update_location_status)",
        Some(LocationState::Alerts) => "set up the alert e-mail notifications in RedSky, then report ALERTS done (redsky.update_location_status)",
        Some(LocationState::NetworkElements) => "add the location's network elements in RedSky, then report NETWORK_ELEMENTS done (redsky.update_location_status)",
        _ => return Vec::new(),
    };
    vec![subject.finding(
        "redsky-location-incomplete",
        format!("RedSky is enabled but this location's setup is incomplete (state {})", state.map_or("(none)", ApiEnum::as_str)),
        format!("Next step: {next}."),
    )]
}

/// The organization's RedSky rules: `redsky-org-non-compliant` and `redsky-not-set-up`.
pub fn redsky_org(subject: &Subject, org_status: Option<&OrgStatus>, compliance: Option<&ComplianceStatusValue>) -> Vec<Finding> {
    match org_status {
        Some(OrgStatus::Enabled) if compliance == Some(&ComplianceStatusValue::NonCompliant) => vec![subject.finding(
            "redsky-org-non-compliant",
            "RedSky is enabled and the organization is NON_COMPLIANT".into(),
            "Complete the RedSky setup of every location (see the redsky-location-incomplete findings), then report the organization's stage with redsky.update_status.".into(),
        )],
        Some(OrgStatus::Initialise) => vec![subject.finding(
            "redsky-not-set-up",
            "RedSky dispatchable location service is not configured (orgStatus INITIALISE)".into(),
            "Set up RedSky: create the account (redsky.create_account) or log in to an existing one (redsky.login), enable it (redsky.update_service_settings), then set up each location.".into(),
        )],
        _ => Vec::new(),
    }
}

/// `read-failed`: a read a rule needs failed after its retries.
pub fn read_failed(subject: &Subject, operation: &str, error: &Error) -> Finding {
    subject.finding(
        "read-failed",
        format!("reading {operation} failed, so the rules that need it were not checked: {error}"),
        "Run the audit again; if the read fails again, check this entity in Control Hub and quote the tracking ID to Webex support.".into(),
    )
}
