//! Bulk changes from CSV sheets: header and row checks (line and column named), dry runs that
//! send nothing, runs under faults (every row once, no member updated twice) and resumes.

mod common;
use common::*;

use futures_util::StreamExt;
use webex_emergency::sheet::{RowStatus, Sheet, SheetKind, SheetOptions};
use webex_emergency::Error;

async fn run(sheet: Sheet, sim: &Simulator, dry_run: bool) -> Vec<(u64, RowStatus, String, String)> {
    let c = client(sim);
    let options = SheetOptions { concurrency: 4, dry_run, ..SheetOptions::default() };
    let mut out: Vec<_> =
        sheet.run(&c, options).map(|r| (r.line, r.status, r.error, r.record)).collect::<Vec<_>>().await;
    out.sort_by_key(|r| r.0);
    out
}

fn field_of(e: Error) -> String {
    match e {
        Error::Validation(v) => format!("{} {}", v.errors[0].field, v.errors[0].rule),
        other => panic!("not a validation error: {other}"),
    }
}

#[test]
fn header_problems_name_line_1_and_the_column() {
    let e = Sheet::read(SheetKind::Ecbn, "kind,id,selected\n", None).unwrap_err();
    assert_eq!(field_of(e), "line 1, column locationMemberId required");
    let e = Sheet::read(SheetKind::Ecbn, "kind,id,id,selected,locationMemberId\n", None).unwrap_err();
    assert_eq!(field_of(e), "line 1, column id duplicate");
    let e = Sheet::read(SheetKind::Notification, "", None).unwrap_err();
    assert_eq!(field_of(e), "line 1 required");
    // A byte-order mark and spaces around header names are spreadsheet habits, not errors.
    let s = Sheet::read(SheetKind::Notification, "\u{feff} locationId , enabled,email\r\nx,true,\r\n", None).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s.result_columns(), ["locationId", "enabled", "email", "status", "error"]);
}

#[test]
fn a_header_of_many_columns_is_checked_for_duplicates_in_one_pass() {
    // 200,000 distinct names, then the first again: a check of every name against the ones
    // before it would take about 2 * 10^10 comparisons here.
    let mut header: Vec<String> = (0..200_000).map(|i| format!("c{i}")).collect();
    header.extend(["c0", "kind", "id", "selected", "locationMemberId"].map(String::from));
    let e = Sheet::read(SheetKind::Ecbn, &(header.join(",") + "\n"), None).unwrap_err();
    assert_eq!(field_of(e), "line 1, column c0 duplicate");
}

#[tokio::test]
async fn each_malformed_row_fails_with_its_line_and_column_and_the_others_go_on() {
    let sim = sim(40);
    let d = dir(&sim);
    let (p, w, v) = (&d.people[0], &d.workspaces[0], &d.virtual_lines[0]);
    let csv = format!(
        "name,kind,id,selected,locationMemberId,elinEnabled\n\
         ok person,person, {p} ,LOCATION_ECBN,,\n\
         bad kind,robot,{p},LOCATION_ECBN,,\n\
         bad enum,workspace,{w},SOMETIMES,,\n\
         wrong id kind,person,{w},LOCATION_ECBN,,\n\
         blank selected,virtual_line,{v},,,\n\
         short row,person,{p}\n\
         long row,person,{p},LOCATION_ECBN,,,extra\n\
         bad bool,workspace,{w},LOCATION_ECBN,,maybe\n\
         no member,person,{p},LOCATION_MEMBER_NUMBER,,\n\
         ok line,virtual_line,{v},DIRECT_LINE,,\n\
         no elin for lines,virtual_line,{v},DIRECT_LINE,,false\n"
    );
    let sheet = Sheet::read(SheetKind::Ecbn, &csv, None).unwrap();
    assert_eq!(sheet.len(), 11);
    let rows = run(sheet, &sim, false).await;
    let status: Vec<(u64, RowStatus)> = rows.iter().map(|r| (r.0, r.1)).collect();
    use RowStatus::*;
    assert_eq!(
        status,
        [(2, Done), (3, Failed), (4, Failed), (5, Failed), (6, Failed), (7, Failed), (8, Failed), (9, Failed), (10, Failed), (11, Done), (12, Failed)]
    );
    let error = |line: u64| rows.iter().find(|r| r.0 == line).unwrap().2.clone();
    assert!(error(3).starts_with("line 3, column kind: `robot` is not one of person, workspace, virtual_line"), "{}", error(3));
    assert!(error(4).starts_with("line 4, column selected:") && error(4).contains("(enum)"), "{}", error(4));
    assert!(error(5).starts_with("line 5, column id:") && error(5).contains("PEOPLE"), "{}", error(5));
    assert_eq!(error(6), "line 6, column selected: is blank (required)");
    assert!(error(7).starts_with("line 7: column selected: is missing"), "{}", error(7));
    assert!(error(8).starts_with("line 8: has 7 cells"), "{}", error(8));
    assert!(error(9).starts_with("line 9, column elinEnabled:") && error(9).contains("(type)"), "{}", error(9));
    assert!(error(10).starts_with("line 10, column locationMemberId:"), "{}", error(10));
    assert_eq!(error(12), "line 12, column elinEnabled: is not a field of this request (unknown_field)");
    // Only the two good rows reached the server, and the input cells are carried as written.
    let j = sim.journal();
    assert_eq!(j.len(), 2, "{:?}", j.iter().map(|e| &e.path).collect::<Vec<_>>());
    assert!(j.iter().all(|e| e.method == "PUT" && e.status == 204));
    assert!(rows[0].3.starts_with(&format!("ok person,person, {p} ,LOCATION_ECBN,,,done,")), "{}", rows[0].3);
}

#[tokio::test]
async fn line_numbers_count_crlf_blank_lines_and_quoted_line_breaks() {
    let csv = "locationId,enabled,email\r\na,true,\r\n\r\n\"b\",\"tr\r\nue\",x\r\nc,true,\r\n";
    let sheet = Sheet::read(SheetKind::Notification, csv, None).unwrap();
    let head = sheet.head();
    assert_eq!(head, "locationId,enabled,email,status,error\r\n");
    let sim = sim(5);
    let c = client(&sim);
    let lines: Vec<u64> = sheet.run(&c, SheetOptions { dry_run: true, ..Default::default() }).map(|r| r.line).collect().await;
    assert_eq!(lines, [2, 4, 6]);
}

#[tokio::test]
async fn a_dry_run_sends_nothing_and_plans_the_valid_rows() {
    let sim = sim(20);
    let d = dir(&sim);
    let csv = format!(
        "locationId,enabled,email\n{},true,alerts@example.com\n{},TRUE,\n{},yes,\n",
        d.locations[0], d.locations[1], d.people[0]
    );
    let sheet = Sheet::read(SheetKind::Notification, &csv, None).unwrap();
    let c = client(&sim);
    let results: Vec<_> = sheet.run(&c, SheetOptions { dry_run: true, ..Default::default() }).collect().await;
    assert_eq!(sim.journal_len(), 0);
    assert_eq!(results[0].status, RowStatus::Planned);
    let request = results[0].request.as_ref().unwrap();
    assert_eq!(request["method"], "PUT");
    assert_eq!(request["body"]["emailAddress"], "alerts@example.com");
    assert!(!request.to_string().contains(DEFAULT_TOKEN));
    assert_eq!(results[1].status, RowStatus::Planned);
    assert_eq!(results[2].status, RowStatus::Failed);
    assert!(results[2].error.contains("line 4, column enabled") || results[2].error.contains("line 4, column locationId"));
}

#[tokio::test]
async fn faults_leave_every_row_once_and_no_member_updated_twice_then_resume_runs_the_rest() {
    let sim = sim(120);
    let d = dir(&sim);
    let mut csv = String::from("kind,id,selected,locationMemberId\n");
    for p in &d.people {
        csv.push_str(&format!("person,{p},LOCATION_ECBN,\n"));
    }
    let n = d.people.len();
    sim.set_faults(Faults { seed: 3, rate429: 0.1, retry_after: "0".into(), rate5xx: 0.05, burst: 1, drop_rate: 0.05, ..Faults::default() });
    let rows = run(Sheet::read(SheetKind::Ecbn, &csv, None).unwrap(), &sim, false).await;
    assert_eq!(rows.len(), n);
    let lines: std::collections::BTreeSet<u64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(lines.len(), n);
    let mut served: Vec<&str> = Vec::new();
    let journal = sim.journal();
    for e in journal.iter().filter(|e| e.status == 204) {
        served.push(&e.path);
    }
    let unique: std::collections::HashSet<&&str> = served.iter().collect();
    assert_eq!(unique.len(), served.len(), "a member was updated twice");
    let done = rows.iter().filter(|r| r.1 == RowStatus::Done).count();
    assert_eq!(done, served.len());

    // A results file with a failed row and a row lost in a crash: resume runs exactly those.
    let mut results = Sheet::read(SheetKind::Ecbn, &csv, None).unwrap().head();
    for r in rows.iter().skip(2) {
        let mut record = r.3.clone();
        if r.1 == RowStatus::Done && r.0 == 5 {
            record = record.replace(",done,", ",failed,");
        }
        results.push_str(&record);
    }
    sim.set_faults(Faults::default());
    let before = sim.journal_len();
    let sheet = Sheet::read(SheetKind::Ecbn, &csv, Some(&results)).unwrap();
    let not_done = rows.iter().skip(2).filter(|r| r.1 != RowStatus::Done || r.0 == 5).count();
    assert_eq!(sheet.len(), 2 + not_done);
    assert_eq!(sheet.kept(), n - 2 - not_done);
    let again = run(sheet, &sim, false).await;
    assert!(again.iter().all(|r| r.1 == RowStatus::Done));
    assert_eq!(sim.journal_len() - before, 2 + not_done);

    // A results file of another input is refused, naming it.
    let e = Sheet::read(SheetKind::Ecbn, &csv, Some("a,b\n")).unwrap_err();
    assert_eq!(field_of(e), "resume line 1 columns");
}

#[tokio::test]
async fn a_results_file_as_input_runs_only_its_rows_not_done_and_cr_line_ends_count() {
    let sim = sim(20);
    let d = dir(&sim);
    let csv = format!(
        "kind,id,selected,locationMemberId,status,error\r{kind},{p0},LOCATION_ECBN,,done,\r{kind},{p1},LOCATION_ECBN,,failed,\"429\"\r{kind},{p2},LOCATION_ECBN,,skipped,\r",
        kind = "person",
        p0 = d.people[0],
        p1 = d.people[1],
        p2 = d.people[2]
    );
    let sheet = Sheet::read(SheetKind::Ecbn, &csv, None).unwrap();
    assert_eq!((sheet.len(), sheet.kept()), (2, 1));
    assert_eq!(sheet.result_columns(), ["kind", "id", "selected", "locationMemberId", "status", "error"]);
    let rows = run(sheet, &sim, false).await;
    assert_eq!(rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(), [(3, RowStatus::Done), (4, RowStatus::Done)]);
    assert_eq!(sim.journal_len(), 2);
}

#[tokio::test]
async fn a_refused_token_stops_the_run_and_skips_the_rest() {
    let sim = sim(200);
    let d = dir(&sim);
    sim.set_tokens(vec!["another-token".into()]);
    let mut csv = String::from("kind,id,selected,locationMemberId\n");
    for p in d.people.iter().take(100) {
        csv.push_str(&format!("person,{p},LOCATION_ECBN,\n"));
    }
    let rows = run(Sheet::read(SheetKind::Ecbn, &csv, None).unwrap(), &sim, false).await;
    assert_eq!(rows.len(), 100);
    let failed = rows.iter().filter(|r| r.1 == RowStatus::Failed).count();
    let skipped: Vec<_> = rows.iter().filter(|r| r.1 == RowStatus::Skipped).collect();
    assert!((1..=16).contains(&failed), "{failed} failed");
    assert_eq!(failed + skipped.len(), 100);
    assert!(skipped[0].2.contains("refused (401)"), "{}", skipped[0].2);
    assert!(sim.journal_len() <= 16, "{} requests after a 401", sim.journal_len());
}
