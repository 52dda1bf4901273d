//! What an audit finds and how it is reported: findings, the report, its JSON and CSV forms.

use serde::Serialize;
use serde_json::Value;

use crate::wire::csv_row;
use crate::wire::json::list_of;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// An emergency call is not handled as the law or safety requires.
    Error,
    /// It works, but not as the admin chose or as recommended.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// The severity as written in reports: `error`, `warning`, `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What kind of thing a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person with Webex Calling.
    Person,
    /// A Webex Calling workspace.
    Workspace,
    /// A virtual line.
    VirtualLine,
    /// A location.
    Location,
    /// The organization.
    Org,
}

impl EntityKind {
    /// The kind as written in reports: `person`, `workspace`, `virtual_line`, `location`, `org`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Workspace => "workspace",
            EntityKind::VirtualLine => "virtual_line",
            EntityKind::Location => "location",
            EntityKind::Org => "org",
        }
    }
}

/// The entity a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    /// Its kind.
    pub kind: EntityKind,
    /// Its Webex ID (empty for the organization when no `orgId` was given).
    pub id: String,
    /// Its name as the directory gives it.
    pub name: String,
}

/// A location named by ID and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// Location ID.
    pub id: String,
    /// Location name.
    pub name: String,
}

/// One broken rule for one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's stable ID, e.g. `ecbn-invalid`.
    pub rule: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What it is about.
    pub entity: Entity,
    /// The entity's location, when known.
    pub location: Option<Place>,
    /// What is wrong, with the values seen.
    pub message: String,
    /// What the admin should do, naming the setting and the operation that changes it.
    pub fix: String,
}

/// How many entities of each kind were audited (or, in `skipped`, left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindCounts {
    /// The organization (1 when its settings were read).
    pub org: u64,
    /// Locations.
    pub location: u64,
    /// People.
    pub person: u64,
    /// Workspaces.
    pub workspace: u64,
    /// Virtual lines.
    pub virtual_line: u64,
}

impl KindCounts {
    /// Adds one of `kind`.
    pub fn add(&mut self, kind: EntityKind) {
        match kind {
            EntityKind::Org => self.org += 1,
            EntityKind::Location => self.location += 1,
            EntityKind::Person => self.person += 1,
            EntityKind::Workspace => self.workspace += 1,
            EntityKind::VirtualLine => self.virtual_line += 1,
        }
    }
    /// All entities counted.
    pub fn total(&self) -> u64 {
        self.org + self.location + self.person + self.workspace + self.virtual_line
    }
}

/// Findings per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SeverityCounts {
    /// Errors.
    pub error: u64,
    /// Warnings.
    pub warning: u64,
    /// Infos.
    pub info: u64,
}

/// One location's share of the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationSummary {
    /// Location ID.
    pub id: String,
    /// Location name.
    pub name: String,
    /// Members (people, workspaces, virtual lines) of this location audited.
    pub members: u64,
    /// Findings about the location or its members, per severity.
    pub findings: SeverityCounts,
    /// Quality of the location's own ECBN (`RECOMMENDED`, `NOT_RECOMMENDED`, `INVALID`), when
    /// it was read.
    pub ecbn_quality: Option<String>,
}

impl LocationSummary {
    /// The summary of `place` before anything of it was audited.
    pub(crate) fn of(place: &Place) -> Self {
        LocationSummary { id: place.id.clone(), name: place.name.clone(), members: 0, findings: Default::default(), ecbn_quality: None }
    }
}

/// The result of an audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Every finding, by severity, then location name, then entity name, then rule.
    pub findings: Vec<Finding>,
    /// Entities audited, per kind.
    pub audited: KindCounts,
    /// Entities listed but not audited (people without calling, workspaces without Webex
    /// Calling), per kind.
    pub skipped: KindCounts,
    /// Findings per severity.
    pub counts: SeverityCounts,
    /// Per location, by name.
    pub by_location: Vec<LocationSummary>,
    /// How long the audit took, in milliseconds.
    pub elapsed_ms: u64,
}

/// The columns of the CSV form, in order.
pub const CSV_COLUMNS: [&str; 9] =
    ["severity", "rule", "entityKind", "entityId", "entityName", "locationId", "locationName", "message", "fix"];

/// The columns of a plan (the bulk ECBN CSV format), in order.
pub const PLAN_COLUMNS: [&str; 7] = ["kind", "id", "selected", "locationMemberId", "name", "locationName", "rules"];

/// The member rules a plan answers.
const ECBN_RULES: [&str; 4] = ["ecbn-none", "ecbn-invalid", "ecbn-not-recommended", "ecbn-fallback"];

impl Report {
    /// Puts the findings in the report's order and counts them.
    pub(crate) fn finish(&mut self) {
        // Unstable sorts (smaller in the npm package). Their keys take every field, so the
        // order does not depend on the sort's algorithm (std's differs between the npm package,
        // built for size, and native builds) or on the order the audit finished in.
        self.findings.sort_unstable_by(|a, b| order_key(a).cmp(&order_key(b)));
        self.counts = SeverityCounts::default();
        for f in &self.findings {
            add_severity(&mut self.counts, f.severity);
        }
        self.by_location.sort_unstable_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    }
    /// The report as JSON (camelCase), as every language writes it: the same value as its
    /// `Serialize` gives (tested), built without serde's value serializer, which the browser
    /// package would otherwise carry.
    pub fn to_json_value(&self) -> Value {
        let place = |p: &Option<Place>| p.as_ref().map_or(Value::Null, |p| object!{"id" => p.id.as_str(), "name" => p.name.as_str()});
        let kinds = |k: &KindCounts| {
            object!{"org" => k.org, "location" => k.location, "person" => k.person, "workspace" => k.workspace, "virtualLine" => k.virtual_line}
        };
        let severities = |c: &SeverityCounts| object!{"error" => c.error, "warning" => c.warning, "info" => c.info};
        let findings = list_of(&self.findings, |f| {
            let entity = object!{"kind" => f.entity.kind.as_str(), "id" => f.entity.id.as_str(), "name" => f.entity.name.as_str()};
            object!{
                "rule" => f.rule, "severity" => f.severity.as_str(), "entity" => entity, "location" => place(&f.location),
                "message" => f.message.as_str(), "fix" => f.fix.as_str(),
            }
        });
        let by_location = list_of(&self.by_location, |l| {
            object!{
                "id" => l.id.as_str(), "name" => l.name.as_str(), "members" => l.members, "findings" => severities(&l.findings),
                "ecbnQuality" => l.ecbn_quality.as_deref(),
            }
        });
        object!{
            "findings" => findings, "audited" => kinds(&self.audited), "skipped" => kinds(&self.skipped),
            "counts" => severities(&self.counts), "byLocation" => by_location, "elapsedMs" => self.elapsed_ms,
        }
    }
    /// The report as JSON text, indented by two spaces.
    pub fn to_json(&self) -> String {
        json_text(&self.to_json_value())
    }
    /// The findings as CSV (see [`CSV_COLUMNS`]).
    pub fn to_csv(&self) -> String {
        csv_text(&self.to_json_value())
    }
    /// The proposed changes as a bulk ECBN CSV (see [`plan_csv`]).
    pub fn plan_csv(&self) -> String {
        plan_csv(&self.to_json_value())
    }
}

pub(crate) fn add_severity(counts: &mut SeverityCounts, severity: Severity) {
    match severity {
        Severity::Error => counts.error += 1,
        Severity::Warning => counts.warning += 1,
        Severity::Info => counts.info += 1,
    }
}

/// A finding's place in the report: severity, location name, entity name, rule, then the rest
/// of its fields (so that no two different findings are equal).
#[allow(clippy::type_complexity)]
fn order_key(f: &Finding) -> (Severity, &str, &str, &str, &str, &str, &str, Option<&str>, &str) {
    let location = f.location.as_ref().map_or("", |l| l.name.as_str());
    (
        f.severity,
        location,
        &f.entity.name,
        f.rule,
        &f.entity.id,
        &f.message,
        f.entity.kind.as_str(),
        f.location.as_ref().map(|l| l.id.as_str()),
        &f.fix,
    )
}

/// A report's JSON value as text, indented by two spaces (the bindings give their reports back
/// to the core for this, so every language writes the same bytes).
pub fn json_text(report: &Value) -> String {
    crate::wire::json::text(report, true)
}

/// A report's findings as CSV text: a header row of [`CSV_COLUMNS`], then one row per finding.
/// A cell that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, tab or
/// carriage return) gets a leading `'`: names come from the directory and are not trusted.
pub fn csv_text(report: &Value) -> String {
    let mut out = csv_row::row(&CSV_COLUMNS);
    let empty = Vec::new();
    let findings = report.get("findings").and_then(Value::as_array).unwrap_or(&empty);
    for f in findings {
        let text = |path: &[&str]| -> String {
            let v = path.iter().try_fold(f, |v, k| v.get(k));
            spreadsheet_safe(v.and_then(Value::as_str).unwrap_or(""))
        };
        let row = [
            text(&["severity"]),
            text(&["rule"]),
            text(&["entity", "kind"]),
            text(&["entity", "id"]),
            text(&["entity", "name"]),
            text(&["location", "id"]),
            text(&["location", "name"]),
            text(&["message"]),
            text(&["fix"]),
        ];
        csv_row::write_spreadsheet_row(&mut out, &row);
    }
    out
}

/// A plan for the admin to review and apply with the bulk ECBN command: one row (columns
/// [`PLAN_COLUMNS`]) proposing `LOCATION_ECBN` for each person, workspace or virtual line whose
/// ECBN rule fired and whose location's own ECBN is RECOMMENDED; members of other locations
/// need a decision a plan cannot make. Rows follow the report's order, one per member; `rules`
/// lists the rules that fired, space-separated.
pub fn plan_csv(report: &Value) -> String {
    let empty = Vec::new();
    let list = |key: &str| report.get(key).and_then(Value::as_array).unwrap_or(&empty);
    let text = |v: &Value, path: &[&str]| -> String {
        path.iter().try_fold(v, |v, k| v.get(k)).and_then(Value::as_str).unwrap_or("").to_string()
    };
    let mut recommended = crate::keyed::KeySet::new();
    for l in list("byLocation") {
        if text(l, &["ecbnQuality"]) == "RECOMMENDED" {
            recommended.insert(crate::ids::identity(&text(l, &["id"])), ());
        }
    }
    let mut rows: Vec<[String; 7]> = Vec::new();
    let mut row_of: crate::keyed::Keyed<usize> = crate::keyed::Keyed::new();
    for f in list("findings") {
        let (rule, kind, id) = (text(f, &["rule"]), text(f, &["entity", "kind"]), text(f, &["entity", "id"]));
        let member = matches!(kind.as_str(), "person" | "workspace" | "virtual_line");
        if !member || !ECBN_RULES.contains(&rule.as_str()) || !recommended.contains(&crate::ids::identity(&text(f, &["location", "id"]))) {
            continue;
        }
        match row_of.get(&id).and_then(|&i| rows.get_mut(i)) {
            Some(row) => {
                row[6].push(' ');
                row[6].push_str(&rule);
            }
            None => {
                row_of.insert(id.clone(), rows.len());
                let name = text(f, &["entity", "name"]);
                rows.push([kind, id, "LOCATION_ECBN".into(), String::new(), name, text(f, &["location", "name"]), rule]);
            }
        }
    }
    let mut out = csv_row::row(&PLAN_COLUMNS);
    for row in &rows {
        csv_row::write_spreadsheet_row(&mut out, &row.each_ref().map(|c| spreadsheet_safe(c)));
    }
    out
}

/// A cell a spreadsheet would take for a formula gets a leading `'`.
pub(crate) fn spreadsheet_safe(s: &str) -> String {
    if s.bytes().next().is_some_and(|b| b"=+-@\t\r".contains(&b)) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_start_a_formula_in_any_spreadsheet_locale() {
        let entity = |name: &str| object!("kind" => "person", "id" => "P", "name" => name);
        let report = object!("findings" => vec![
            object!("severity" => "error", "rule" => "r", "entity" => entity("=cmd|' /C calc'!A0"), "message" => "m", "fix" => "f"),
            object!("severity" => "error", "rule" => "r", "entity" => entity("x;=HYPERLINK(\"http://e\")"), "message" => "m", "fix" => "f"),
        ]);
        let text = csv_text(&report);
        assert!(text.contains(",'=cmd|' /C calc'!A0,"), "{text}");
        assert!(text.contains(",\"x;=HYPERLINK(\"\"http://e\"\")\","), "{text}");
    }

    fn finding(kind: EntityKind, location: Option<Place>, fix: &str) -> Finding {
        Finding {
            rule: "read-failed",
            severity: Severity::Error,
            entity: Entity { kind, id: "X".into(), name: "same".into() },
            location,
            message: "the same message".into(),
            fix: fix.into(),
        }
    }

    /// Findings equal in severity, names, rule, ID and message still have one order, whatever
    /// order they came in (the sort is unstable, and its algorithm differs between builds).
    #[test]
    fn findings_have_one_order_whatever_order_they_come_in() {
        let unnamed = Some(Place { id: "L".into(), name: String::new() });
        let findings = vec![
            finding(EntityKind::Person, None, "b"),
            finding(EntityKind::Person, None, "a"),
            finding(EntityKind::Workspace, None, "a"),
            finding(EntityKind::Person, unnamed, "a"),
        ];
        let mut orders = Vec::new();
        for rotation in 0..findings.len() {
            for reversed in [false, true] {
                let mut input = findings.clone();
                input.rotate_left(rotation);
                if reversed {
                    input.reverse();
                }
                let mut report = Report {
                    findings: input,
                    audited: KindCounts::default(),
                    skipped: KindCounts::default(),
                    counts: Default::default(),
                    by_location: Vec::new(),
                    elapsed_ms: 0,
                };
                report.finish();
                orders.push(report.findings);
            }
        }
        assert!(orders.windows(2).all(|w| w[0] == w[1]), "{orders:#?}");
    }
}
