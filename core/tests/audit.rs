//! The audit against the simulator's seeded organization, and its rules on hand-made answers.

use serde_json::Value;
use webex_emergency::{AuditOptions, Client, Report};
use webex_emergency_sim::{Config, Simulator};

fn client(sim: &Simulator) -> Client {
    Client::builder().token("sim-token").base_url(sim.base_url.clone()).build().unwrap()
}

/// `(entityId, rule)` of every finding, in the simulator's order.
fn pairs(report: &Report) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.entity.id.clone(), f.rule.to_string(), f.entity.kind.as_str().to_string()))
        .collect();
    out.sort();
    out
}

fn expected(sim: &Simulator) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = sim
        .expected_findings()
        .iter()
        .map(|f: &Value| (f["entityId"].as_str().unwrap().to_string(), f["rule"].as_str().unwrap().to_string(), f["entityKind"].as_str().unwrap().to_string()))
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seeded_org_gives_exactly_its_expected_findings() {
    for redsky in [false, true] {
        let sim = Simulator::start(Config { redsky, ..Config::default() }).unwrap();
        let report = client(&sim).audit(AuditOptions::default()).await.unwrap();
        let (got, want) = (pairs(&report), expected(&sim));
        let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
        let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
        let messages: Vec<_> = report.findings.iter().filter(|f| extra.iter().any(|e| e.0 == f.entity.id && e.1 == f.rule)).map(|f| &f.message).collect();
        assert!(extra.is_empty() && missing.is_empty(), "redsky {redsky}: extra {extra:#?} {messages:#?}, missing {missing:#?}");
        assert_eq!(got, want);
        // Every rule but the other RedSky org rule fires in this org.
        let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
        rules.sort();
        rules.dedup();
        let other = if redsky { "redsky-not-set-up" } else { "redsky-org-non-compliant" };
        for (rule, _) in webex_emergency::audit::rules::RULES {
            let absent = [other, "read-failed"].contains(rule) || (!redsky && *rule == "redsky-location-incomplete");
            assert_eq!(rules.contains(rule), !absent, "rule {rule} with redsky {redsky}: {rules:?}");
        }
        assert_eq!(report.audited.org, 1);
        assert_eq!(report.audited.location, 4);
        assert!(report.skipped.person > 0 && report.skipped.workspace > 0, "{:?}", report.skipped);
        let audited = report.audited.person + report.audited.workspace + report.audited.virtual_line;
        let listed_members = 200 - 10; // hunt groups are not audited
        assert_eq!(audited + report.skipped.person + report.skipped.workspace, listed_members);
    }
}

/// The report's JSON for the seeded org (RedSky enabled), with the time set to 0: the shared
/// vector the Python and Node suites compare their reports with byte for byte. Written when
/// `UPDATE_VECTORS` is set.
#[tokio::test(flavor = "multi_thread")]
async fn report_json_is_the_shared_vector() {
    let sim = Simulator::start(Config { redsky: true, ..Config::default() }).unwrap();
    let mut report = client(&sim).audit(AuditOptions::default()).await.unwrap();
    report.elapsed_ms = 0;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/audit/seed42-redsky.json");
    let text = report.to_json();
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // The CSV has a header and one row per finding.
    let csv = report.to_csv();
    assert_eq!(csv.lines().count(), report.findings.len() + 1);
    assert!(csv.starts_with("severity,rule,entityKind,entityId,entityName,locationId,locationName,message,fix\r\n"));
}
