//! The audit's rules: each a precise predicate on the answers read, giving findings with a
//! message (the values seen) and a fix (the setting, and the operation that changes it).

use super::report::{Entity, EntityKind, Finding, Place, Severity};
use crate::api::ecbn::{Ecbn, EcbnInfo, EcbnQuality, EcbnSelection, EffectiveLevel};
use crate::api::location_ecbn::{LocationEcbn, LocationEcbnSelection};
use crate::api::notifications::{LocationNotification, OrgNotification};
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

fn has_value(info: &EcbnInfo) -> bool {
    info.effective_value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

/// The source block in effect for the member's selection (`None` for an unknown selection
/// or a block the answer lacks).
fn block(ecbn: &Ecbn) -> Option<&EcbnInfo> {
    match ecbn.selected.as_ref()? {
        EcbnSelection::DirectLine => ecbn.direct_line_info.as_ref(),
        EcbnSelection::LocationEcbn => ecbn.location_ecbn_info.as_ref(),
        EcbnSelection::LocationMemberNumber => ecbn.location_member_info.as_ref(),
        EcbnSelection::None => ecbn.default_info.as_ref(),
        EcbnSelection::Other(_) => None,
    }
}

/// The member rules (`ecbn-none`, `ecbn-invalid`, `ecbn-not-recommended`, `ecbn-fallback`) on a
/// person's, workspace's or virtual line's ECBN answer. An unknown `selected` value (one the
/// API may add) fires none of them: which block is in effect cannot be told.
pub fn member(subject: &Subject, ecbn: &Ecbn) -> Vec<Finding> {
    let mut out = Vec::new();
    let op = update_op(subject.entity.kind);
    let selected = text(&ecbn.selected).to_string();
    if matches!(ecbn.selected, Some(EcbnSelection::Other(_))) {
        return out;
    }
    let info = block(ecbn);
    let number = info.and_then(|i| i.effective_value.clone()).unwrap_or_default();
    let level = info.map_or("(no block)", |i| text(&i.effective_level)).to_string();
    let none = ecbn.selected.is_none()
        || ecbn.selected == Some(EcbnSelection::None)
        || info.is_none_or(|i| i.effective_level == Some(EffectiveLevel::None) || !has_value(i));
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
    match info.quality {
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
    let chosen = match ecbn.selected {
        Some(EcbnSelection::DirectLine) => Some(EffectiveLevel::DirectLine),
        Some(EcbnSelection::LocationMemberNumber) => Some(EffectiveLevel::LocationMemberNumber),
        _ => None,
    };
    if let (Some(chosen), Some(effective)) = (chosen, info.effective_level.as_ref()) {
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
fn org_covers(org: &OrgNotification) -> bool {
    org.emergency_call_notification_enabled == Some(true)
        && org.email_address.as_deref().is_some_and(|e| !e.trim().is_empty())
        && org.allow_email_notification_all_location_enabled == Some(true)
}

/// `notification-uncovered`: no e-mail is sent for an emergency call from the location
/// (Kari's Law). `org` is the organization's setting (the location answer's own copy is used
/// when the organization could not be read); without either, the rule cannot be told.
pub fn notification(subject: &Subject, location: &LocationNotification, org: Option<&OrgNotification>) -> Vec<Finding> {
    let Some(org) = org.or(location.organization.as_ref()) else { return Vec::new() };
    let own = location.emergency_call_notification_enabled == Some(true)
        && location.email_address.as_deref().is_some_and(|e| !e.trim().is_empty());
    if own || org_covers(org) {
        return Vec::new();
    }
    let flag = |b: Option<bool>| b.map_or("unset", |b| if b { "on" } else { "off" });
    vec![subject.finding(
        "notification-uncovered",
        format!(
            "no e-mail is sent for an emergency call from this location: location notification {} (e-mail {}), organization notification {} (e-mail {}, all locations {})",
            flag(location.emergency_call_notification_enabled),
            location.email_address.as_deref().unwrap_or("none"),
            flag(org.emergency_call_notification_enabled),
            org.email_address.as_deref().unwrap_or("none"),
            flag(org.allow_email_notification_all_location_enabled),
        ),
        "Turn on the location's emergency call notification with an e-mail address (notifications.update_location), or the organization's with an e-mail address and allowEmailNotificationAllLocationEnabled (notifications.update_org).".into(),
    )]
}

/// The quality and number of the location ECBN's block in effect for its selection
/// (`locationInfo` for LOCATION_NUMBER, `locationMemberInfo` for LOCATION_MEMBER_NUMBER).
pub fn location_ecbn_in_effect(ecbn: &LocationEcbn) -> (Option<EcbnQuality>, Option<String>) {
    match ecbn.selected {
        Some(LocationEcbnSelection::LocationNumber) => {
            let i = ecbn.location_info.as_ref();
            (i.and_then(|i| i.quality.clone()), i.and_then(|i| i.effective_value.clone().or(i.phone_number.clone())))
        }
        Some(LocationEcbnSelection::LocationMemberNumber) => {
            let i = ecbn.location_member_info.as_ref();
            (i.and_then(|i| i.quality.clone()), i.and_then(|i| i.effective_value.clone().or(i.phone_number.clone())))
        }
        _ => (None, None),
    }
}

/// `location-ecbn-invalid` and `location-ecbn-not-recommended`: the quality of the location's
/// own ECBN, on the block in effect for its selection.
pub fn location_ecbn(subject: &Subject, ecbn: &LocationEcbn) -> Vec<Finding> {
    let (quality, number) = location_ecbn_in_effect(ecbn);
    let selected = text(&ecbn.selected).to_string();
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
        format!("RedSky is enabled but this location's setup is incomplete (state {})", text(&state.cloned())),
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
