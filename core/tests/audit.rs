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

/// Fails with the findings the report has in excess and those it lacks.
fn assert_same(report: &Report, sim: &Simulator) {
    let (got, want) = (pairs(report), expected(sim));
    let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).take(10).collect();
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).take(10).collect();
    let messages: Vec<_> =
        report.findings.iter().filter(|f| extra.iter().any(|e| e.0 == f.entity.id && e.1 == f.rule)).map(|f| &f.message).collect();
    assert!(extra.is_empty() && missing.is_empty(), "extra {extra:#?} {messages:#?}, missing {missing:#?}");
    assert_eq!(got, want);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seeded_org_gives_exactly_its_expected_findings() {
    for redsky in [false, true] {
        let sim = Simulator::start(Config { redsky, ..Config::default() }).unwrap();
        let report = client(&sim).audit(AuditOptions::default()).await.unwrap();
        assert_same(&report, &sim);
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
    // The hand-built JSON is what the report's `Serialize` gives.
    assert_eq!(report.to_json_value(), serde_json::to_value(&report).unwrap());
    assert!(report.findings.iter().any(|f| f.location.is_none()) && report.findings.iter().any(|f| f.location.is_some()));
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

/// The API writes one ID in several base64 forms; with references to locations respelled
/// (padded, `urn:TEAM:` cluster), members, locations and RedSky states still match.
#[tokio::test(flavor = "multi_thread")]
async fn ids_in_other_base64_forms_match() {
    let faults = webex_emergency_sim::Faults { respell_ids: true, ..Default::default() };
    let sim = Simulator::start(Config { redsky: true, faults, ..Config::default() }).unwrap();
    let c = client(&sim);
    // The references really are spelled differently from the locations' own IDs.
    use futures_util::TryStreamExt;
    let locations: Vec<_> = c.locations().list(None, None).try_collect().await.unwrap();
    let canonical: Vec<String> = locations.iter().map(|l| l.id.clone().unwrap()).collect();
    let people: Vec<_> = c.people().list(None, None).try_collect().await.unwrap();
    let refs: Vec<String> = people.iter().filter_map(|p| p.location_id.clone()).collect();
    assert!(!refs.is_empty() && refs.iter().all(|r| !canonical.contains(r) && r.ends_with('=')), "{refs:?}");
    assert!(refs.iter().all(|r| canonical.iter().any(|c| webex_emergency::ids::identity(c) == webex_emergency::ids::identity(r))));

    let report = c.audit(AuditOptions::default()).await.unwrap();
    assert_same(&report, &sim);
    // Every member was placed in its location (by ID, as the locations list spells it).
    let members = report.audited.person + report.audited.workspace + report.audited.virtual_line;
    assert_eq!(report.by_location.iter().map(|l| l.members).sum::<u64>(), members);
    assert!(report.findings.iter().filter_map(|f| f.location.as_ref()).all(|l| canonical.contains(&l.id)));
    assert!(report.findings.iter().any(|f| f.rule == "redsky-location-incomplete"));

    // A filter given in another form picks the same location.
    let respelled = people.iter().find_map(|p| p.location_id.clone()).unwrap();
    let one = c.audit(AuditOptions { locations: vec![respelled.clone()], ..Default::default() }).await.unwrap();
    assert_eq!(one.audited.location, 1);
    assert_eq!(one.by_location.len(), 1);
    assert_eq!(webex_emergency::ids::identity(&one.by_location[0].id), webex_emergency::ids::identity(&respelled));
    assert!(one.by_location[0].members > 0);
}

/// A 10,000-member org with reads failing: every listed entity is audited or skipped, each
/// failed read is a finding, and nothing else is missing.
#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_members_with_read_failures_lose_nothing() {
    let faults = webex_emergency_sim::Faults { fail_share: 0.05, seed: 11, ..Default::default() };
    let sim = Simulator::start(Config { size: 10_000, seed: 5, faults, ..Config::default() }).unwrap();
    let c = Client::builder().token("sim-token").base_url(sim.base_url.clone()).max_retries(0).build().unwrap();
    let progress = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = progress.clone();
    let options = AuditOptions {
        concurrency: Some(20),
        progress: Some(std::sync::Arc::new(move |p| seen.lock().unwrap().push(p))),
        ..Default::default()
    };
    let report = c.audit(options).await.unwrap();
    assert_same(&report, &sim);
    let failed = report.findings.iter().filter(|f| f.rule == "read-failed").count();
    assert!(failed > 100, "{failed} read failures");
    // Every member listed is accounted for: hunt groups aside, audited or skipped.
    let d = sim.directory(100_000);
    let listed = ["people", "workspaces", "virtualLines"].iter().map(|k| d[k].as_array().unwrap().len() as u64).sum::<u64>();
    let a = report.audited;
    let s = report.skipped;
    assert_eq!(a.person + a.workspace + a.virtual_line + s.person + s.workspace + s.virtual_line, listed);
    assert_eq!(a.location, d["locations"].as_array().unwrap().len() as u64);
    let progress = progress.lock().unwrap();
    let last = *progress.last().unwrap();
    assert_eq!(last.total, Some(last.done));
    assert_eq!(last.done, a.total() - 1);
    // The lists are read ahead of the reads: the total is known early, and does not change.
    let known = progress.iter().position(|p| p.total.is_some()).unwrap();
    assert!(known < progress.len() / 2, "total known at {known} of {}", progress.len());
    assert!(progress[known..].iter().all(|p| p.total == last.total));
    assert_eq!(last.failed as usize, failed);
}

/// Under a rate limit the member lists are read at once and ahead of the reads (so that a list
/// page held up by a 429's Retry-After leaves them work to do): every list page is read before half the
/// members' reads (about 20 in practice), not as the reads come to its items (about 770).
#[tokio::test(flavor = "multi_thread")]
async fn member_lists_are_read_ahead_of_the_reads() {
    let sim = Simulator::start(Config { size: 1000, ..Config::default() }).unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = log.clone();
    let c = Client::builder()
        .token("sim-token")
        .base_url(sim.base_url.clone())
        .pacing(webex_emergency::Pacing { adaptive: false, max_rate: Some(1000.0) })
        .attempt_log(std::sync::Arc::new(move |a| seen.lock().unwrap().push(a.operation)))
        .build()
        .unwrap();
    c.audit(AuditOptions { concurrency: Some(10), ..Default::default() }).await.unwrap();
    let log = log.lock().unwrap();
    let is_read = |op: &&&str| op.ends_with(".get_ecbn") && !op.starts_with("locations.");
    let reads = log.iter().filter(is_read).count();
    let pages: Vec<usize> = log.iter().enumerate().filter(|(_, op)| op.ends_with(".list_page") && !op.starts_with("locations.")).map(|(i, _)| i).collect();
    assert!(pages.len() >= 9 && reads > 800, "{} pages, {reads} reads", pages.len());
    let reads_before_last_page = log[..*pages.last().unwrap()].iter().filter(is_read).count();
    assert!(reads_before_last_page < reads / 2, "{reads_before_last_page} of {reads} reads before the last list page");
    // The three lists are read at once: the other two start before the people list ends.
    let first = |op: &str| log.iter().position(|o| *o == op).unwrap();
    let last_people = log.iter().rposition(|o| *o == "people.list_page").unwrap();
    assert!(first("workspaces.list_page") < last_people && first("virtual_lines.list_page") < last_people, "{log:?}");
}

/// The plan proposes LOCATION_ECBN for exactly the members with an ECBN finding whose location's
/// own ECBN is RECOMMENDED (in the seeded org: not location 1, whose ECBN is a hunt group's
/// number, nor location 2, whose main number is inactive).
#[tokio::test(flavor = "multi_thread")]
async fn the_plan_covers_members_of_locations_with_a_recommended_ecbn() {
    let sim = Simulator::start(Config::default()).unwrap();
    let report = client(&sim).audit(AuditOptions::default()).await.unwrap();
    let quality = |id: &str| report.by_location.iter().find(|l| l.id == id).and_then(|l| l.ecbn_quality.clone());
    let qualities: Vec<_> = report.by_location.iter().map(|l| l.ecbn_quality.clone().unwrap_or_default()).collect();
    assert_eq!(qualities, ["RECOMMENDED", "NOT_RECOMMENDED", "INVALID", "RECOMMENDED"]);
    let ecbn_rules = ["ecbn-none", "ecbn-invalid", "ecbn-not-recommended", "ecbn-fallback"];
    let mut want: Vec<String> = report
        .findings
        .iter()
        .filter(|f| ecbn_rules.contains(&f.rule) && f.location.as_ref().and_then(|l| quality(&l.id)).as_deref() == Some("RECOMMENDED"))
        .map(|f| f.entity.id.clone())
        .collect();
    want.sort();
    want.dedup();
    let plan = report.plan_csv();
    let mut lines = plan.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(lines.next(), Some("kind,id,selected,locationMemberId,name,locationName,rules"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let mut got: Vec<String> = rows.iter().map(|r| r[1].to_string()).collect();
    got.sort();
    assert!(want.len() > 10, "{}", want.len());
    assert_eq!(got, want);
    assert!(rows.iter().all(|r| r[2] == "LOCATION_ECBN" && r[3].is_empty() && ["person", "workspace", "virtual_line"].contains(&r[0])));
    // A member with two rules is one row naming both.
    assert!(rows.iter().any(|r| r[6].contains(' ')));
}

/// With the locations list failing, each location's summary is named by its members: the same
/// in every run, whatever order the members' reads finish in (the lists are read at once).
#[tokio::test(flavor = "multi_thread")]
async fn locations_named_by_their_members_are_named_the_same_in_every_run() {
    let faults = webex_emergency_sim::Faults { rate5xx: 1.0, path_contains: Some("/v1/locations".into()), ..Default::default() };
    let sim = Simulator::start(Config { faults, ..Config::default() }).unwrap();
    let c = Client::builder().token("sim-token").base_url(sim.base_url.clone()).max_retries(0).build().unwrap();
    let mut runs = Vec::new();
    for concurrency in [1, 10, 50] {
        let report = c.audit(AuditOptions { concurrency: Some(concurrency), ..Default::default() }).await.unwrap();
        assert!(report.findings.iter().any(|f| f.rule == "read-failed"), "the locations list failed");
        assert_eq!(report.audited.location, 0);
        let summaries: Vec<_> = report.by_location.iter().map(|l| (l.id.clone(), l.name.clone(), l.members)).collect();
        assert!(summaries.len() >= 4 && summaries.iter().all(|s| !s.1.is_empty()), "{summaries:?}");
        runs.push(summaries);
    }
    assert!(runs.windows(2).all(|w| w[0] == w[1]), "{runs:#?}");
}
