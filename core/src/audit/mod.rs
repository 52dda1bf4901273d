//! The emergency-readiness audit: reads the organization's notification and RedSky state,
//! every location (notification, own ECBN) and every member's ECBN, concurrently within the
//! client's retry rules, and reports every rule that fails (see [`rules`]) with its fix.

pub mod report;
pub mod rules;

use crate::keyed::{KeySet, Keyed};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};

use serde_json::Value;

use crate::api::directory::{LOCATIONS_LIST_PAGE, PEOPLE_LIST_PAGE, VIRTUAL_LINES_LIST_PAGE, WORKSPACES_LIST_PAGE};
use crate::api::ecbn::{PEOPLE_GET_ECBN, VIRTUAL_LINES_GET_ECBN, WORKSPACES_GET_ECBN};
use crate::api::location_ecbn::LOCATIONS_GET_ECBN;
use crate::api::notifications::{NOTIFICATIONS_GET_LOCATION, NOTIFICATIONS_GET_ORG};
use crate::api::redsky::{LocationState, OrgStatus, REDSKY_COMPLIANCE_STATUS_PAGE};
use crate::api::Operation;
use crate::call::Call;
use crate::client::Client;
use crate::error::{ApiErrorKind, Error, ValidationErrors};
use crate::ids::{self, IdKind};
use crate::paging::{self, PageArgs};
use crate::platform::{self as rt, MaybeSend};
use crate::validate::ApiEnum;
use report::{add_severity, Entity, EntityKind, Finding, KindCounts, LocationSummary, Place, Report};
use rules::{enum_at, text_at, Subject};

/// Progress of an audit, reported after each entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuditProgress {
    /// Entities audited so far.
    pub done: u64,
    /// Entities to audit, once every list has been read.
    pub total: Option<u64>,
    /// Reads that failed so far.
    pub failed: u64,
}

/// A callback told of progress (`Send + Sync` on native targets).
#[cfg(not(target_arch = "wasm32"))]
pub type AuditProgressFn = Arc<dyn Fn(AuditProgress) + Send + Sync>;
/// A callback told of progress.
#[cfg(target_arch = "wasm32")]
pub type AuditProgressFn = Arc<dyn Fn(AuditProgress)>;

/// Most reads in flight an audit takes.
pub const MAX_CONCURRENCY: usize = 1000;

/// Members listed ahead of the reads at most (each a few hundred bytes): five seconds of reads
/// under a rate limit of 1,000 requests/s, more than a list page's `Retry-After` second.
const LIST_AHEAD: usize = 5000;

/// Seconds of reads left at which an audit under a rate limit asks the pacer to creep no
/// further (see `Pacer::finishing`): a 429 in the last second would cost the audit a
/// `Retry-After` second.
const FINISHING_SECS: f64 = 1.5;
/// Outcomes between two looks at the pacer's rate for that (each takes the pacer's lock): 32 ms
/// of reads at 1,000 requests/s.
const FINISHING_CHECK_EVERY: u64 = 32;

/// Options of an audit.
#[derive(Clone, Default)]
pub struct AuditOptions {
    /// Reads in flight at most (default 10; 1 to [`MAX_CONCURRENCY`]).
    pub concurrency: Option<usize>,
    /// Only these locations and their members (all when empty).
    pub locations: Vec<String>,
    /// `orgId` of every read (the client's default when `None`).
    pub org_id: Option<String>,
    /// Told of progress after each entity.
    pub progress: Option<AuditProgressFn>,
}

impl std::fmt::Debug for AuditOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditOptions")
            .field("concurrency", &self.concurrency)
            .field("locations", &self.locations)
            .field("org_id", &self.org_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Audits the organization's emergency readiness (see [`crate::audit`]). Fails only when
    /// the options are wrong, or the first read shows that the credentials are refused or the
    /// API cannot be reached; every other failed read is a `read-failed` finding.
    pub async fn audit(&self, options: AuditOptions) -> Result<Report, Error> {
        run(self, options).await
    }
}

/// What one entity's reads found.
struct Outcome {
    kind: EntityKind,
    location: Option<Place>,
    findings: Vec<Finding>,
    failed: u64,
    /// A location's own ECBN quality, when read.
    ecbn_quality: Option<String>,
}

/// One entity to audit.
enum Task {
    Location(Subject),
    Member(Subject),
    /// A list failed after its retries: a finding about the organization.
    ListFailed(&'static str, Error),
}

/// The state shared by every task of one audit.
struct Shared {
    client: Client,
    org_id: Option<String>,
    gate: Arc<crate::sync::Semaphore>,
    org: Subject,
    org_notification: Option<Value>,
    org_status: Option<OrgStatus>,
    states: Keyed<LocationState>,
}

impl Shared {
    /// Reads `op` (of the entity `id`, if any) within the audit's gate and `orgId`: its answer
    /// as JSON, checked and normalized by the answer model (the rules read JSON; see [`rules`]).
    async fn read(&self, op: &'static Operation, id: Option<&str>) -> Result<Value, Error> {
        let call = Call::<Value>::new(&self.client, op, id, (None, Vec::new())).gate(self.gate.clone());
        let call = match &self.org_id {
            Some(org) => call.org_id(org.clone()),
            None => call,
        };
        call.send().await
    }
}

fn check_options(options: &AuditOptions) -> Result<usize, Error> {
    let concurrency = options.concurrency.unwrap_or(10);
    if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
        return Err(Error::Config(format!("concurrency must be between 1 and {MAX_CONCURRENCY}")));
    }
    let mut errors = Vec::new();
    for (i, id) in options.locations.iter().enumerate() {
        if let Some(e) = ids::check(&format!("locations[{i}]"), id, IdKind::Location) {
            errors.push(e);
        }
    }
    if let Some(e) = options.org_id.as_deref().and_then(|o| ids::check("orgId", o, IdKind::Organization)) {
        errors.push(e);
    }
    if errors.is_empty() {
        Ok(concurrency)
    } else {
        Err(Error::Validation(Box::new(ValidationErrors { operation: "audit".into(), errors })))
    }
}

/// Whether a failed first read means the audit cannot run at all.
fn is_fatal(e: &Error) -> bool {
    match e {
        Error::Api(a) => matches!(a.kind, ApiErrorKind::Authentication | ApiErrorKind::PermissionDenied),
        Error::Transport(_) | Error::Config(_) | Error::TokenProvider(_) | Error::Validation(_) => true,
        Error::Decode(_) => false,
    }
}

/// Every item of the list `op`, as JSON (normalized by the item model).
fn list(client: &Client, op: &'static Operation, org_id: Option<&str>) -> impl Stream<Item = Result<Value, Error>> + MaybeSend + 'static {
    paging::items(client, op, PageArgs { page_size: None, order: None, org_id: org_id.map(str::to_string) })
}

/// The text in field `key` of a list item, or empty.
fn text_or_empty(item: &Value, key: &str) -> String {
    text_at(item, key).unwrap_or_default().to_string()
}

async fn run(client: &Client, options: AuditOptions) -> Result<Report, Error> {
    let started = rt::now_ms();
    let concurrency = check_options(&options)?;
    let org_id = options.org_id.clone().or_else(|| client.org_id().map(str::to_string));
    let org = Subject {
        entity: Entity { kind: EntityKind::Org, id: org_id.clone().unwrap_or_default(), name: "organization".into() },
        location: None,
    };
    let mut report = Report {
        findings: Vec::new(),
        audited: KindCounts::default(),
        skipped: KindCounts::default(),
        counts: Default::default(),
        by_location: Vec::new(),
        elapsed_ms: 0,
    };
    let gate = Arc::new(crate::sync::Semaphore::new(concurrency));
    let mut shared = Shared {
        client: client.clone(),
        org_id: options.org_id.clone(),
        gate,
        org,
        org_notification: None,
        org_status: None,
        states: Keyed::new(),
    };
    let mut failed = 0u64;

    // The organization: its notification (the first read: refused credentials end the audit
    // here) and its RedSky state with every location's.
    match shared.read(&NOTIFICATIONS_GET_ORG, None).await {
        Ok(n) => shared.org_notification = Some(n),
        Err(e) if is_fatal(&e) => return Err(e),
        Err(e) => {
            failed += 1;
            report.findings.push(rules::read_failed(&shared.org, "notifications.get_org", &e));
        }
    }
    let op = &REDSKY_COMPLIANCE_STATUS_PAGE;
    let args = PageArgs { page_size: Some(2000), order: None, org_id: options.org_id.clone() };
    let mut redsky = Box::pin(paging::pages(client, op, args));
    let mut first = true;
    while let Some(page) = redsky.next().await {
        match page {
            Ok(page) => {
                if first {
                    shared.org_status = enum_at(&page, "orgStatus");
                    let compliance = enum_at(&page, "complianceStatus");
                    report.findings.extend(rules::redsky_org(&shared.org, shared.org_status.as_ref(), compliance.as_ref()));
                    first = false;
                }
                let empty = Vec::new();
                let states = paging::at(&page, &["locationsStatus", "locations"]).and_then(Value::as_array).unwrap_or(&empty);
                for l in states {
                    if let (Some(id), Some(state)) = (text_at(l, "id"), enum_at(l, "state")) {
                        shared.states.insert(ids::identity(id), state);
                    }
                }
            }
            Err(e) => {
                failed += 1;
                report.findings.push(rules::read_failed(&shared.org, op.name, &e));
            }
        }
    }
    report.audited.add(EntityKind::Org);

    // Every location, kept (names are needed for members' findings).
    let mut wanted = KeySet::new();
    for id in &options.locations {
        wanted.insert(ids::identity(id), ());
    }
    let in_scope = |key: &str| wanted.is_empty() || wanted.contains(key);
    let mut locations: Keyed<Place> = Keyed::new();
    let mut summaries: Keyed<LocationSummary> = Keyed::new();
    let mut location_tasks = Vec::new();
    let mut listed = Box::pin(list(client, &LOCATIONS_LIST_PAGE, options.org_id.as_deref()));
    while let Some(location) = listed.next().await {
        match location {
            Ok(l) => {
                if shared.org.entity.id.is_empty() {
                    // Without an orgId, the organization is named by its locations.
                    shared.org.entity.id = text_or_empty(&l, "orgId");
                }
                let Some(id) = text_at(&l, "id") else { continue };
                let key = ids::identity(id);
                if !in_scope(&key) {
                    continue;
                }
                let p = Place { id: id.to_string(), name: text_or_empty(&l, "name") };
                summaries.insert(key.clone(), LocationSummary::of(&p));
                locations.insert(key, p.clone());
                location_tasks.push(Task::Location(Subject {
                    entity: Entity { kind: EntityKind::Location, id: p.id.clone(), name: p.name.clone() },
                    location: Some(p),
                }));
            }
            Err(e) => location_tasks.push(Task::ListFailed("locations.list_page", e)),
        }
    }

    // Every member, as the lists are read; then every read runs with at most `concurrency` in flight.
    let skipped = Arc::new(std::sync::Mutex::new(KindCounts::default()));
    // Entities listed so far, and whether every list has been read. The lists are read ahead
    // of the reads (a list page held up by a 429's Retry-After would otherwise leave them idle
    // for that long), [`LIST_AHEAD`] members at most, so the total is known well before the
    // last read.
    let listed = Arc::new(paging::ReadSoFar::default());
    let locations_listed = location_tasks.len() as u64;
    let members = member_tasks(client, options.org_id.as_deref(), Arc::new(locations), Arc::new(wanted), skipped.clone());
    // The locations first (no `chain` and `iter` stream adapters in the browser package).
    let tasks = paging::read_ahead(location_tasks, members, LIST_AHEAD, listed.clone());
    let org_entity_id = shared.org.entity.id.clone();
    #[allow(clippy::arc_with_non_send_sync)] // Send natively; the browser has one thread
    let shared = Arc::new(shared);
    let outcomes = crate::sync::buffer_unordered(tasks, concurrency * 4, move |task| audit_one(shared.clone(), task));
    let mut outcomes = std::pin::pin!(outcomes);
    let mut done = 0u64;
    let mut finishing = false;
    while let Some(outcome) = outcomes.next().await {
        done += 1;
        let total = listed.ended.load(Ordering::Acquire).then(|| locations_listed + listed.items.load(Ordering::Relaxed));
        if let (false, Some(total), 0) = (finishing, total, done % FINISHING_CHECK_EVERY) {
            // Under a rate limit, the last reads keep the rate from creeping up (a 429 among
            // them would hold the audit up for its Retry-After).
            let left = total.saturating_sub(done) as f64;
            if let Some(rate) = client.pace_rate().filter(|rate| left <= rate * FINISHING_SECS) {
                finishing = true;
                client.inner.pace.finishing(1000.0 * (left / rate + 0.5));
            }
        }
        failed += outcome.failed;
        match outcome.kind {
            EntityKind::Org => {}
            kind => report.audited.add(kind),
        }
        if let Some(p) = &outcome.location {
            let summary = summaries.get_or_insert_with(ids::identity(&p.id), || LocationSummary::of(p));
            // A location missing from the list is named by its members, the same whatever order
            // they finish in: the least ID spelling and name (a virtual line carries its
            // location's name, the others none).
            if p.id < summary.id {
                summary.id.clone_from(&p.id);
            }
            if !p.name.is_empty() && (summary.name.is_empty() || p.name < summary.name) {
                summary.name.clone_from(&p.name);
            }
            if outcome.kind != EntityKind::Location {
                summary.members += 1;
            } else {
                summary.ecbn_quality = outcome.ecbn_quality.clone();
            }
            for f in &outcome.findings {
                add_severity(&mut summary.findings, f.severity);
            }
        }
        report.findings.extend(outcome.findings);
        if let Some(progress) = &options.progress {
            progress(AuditProgress { done, total, failed });
        }
    }
    report.skipped = *skipped.lock().unwrap_or_else(|e| e.into_inner());
    for f in &mut report.findings {
        if f.entity.kind == EntityKind::Org && f.entity.id.is_empty() {
            f.entity.id = org_entity_id.clone();
        }
    }
    report.by_location = summaries.into_values();
    report.finish();
    report.elapsed_ms = (rt::now_ms() - started).max(0.0) as u64;
    Ok(report)
}

/// Every member to audit, from the people, workspace and virtual line lists at once: people
/// with a calling location, Webex Calling workspaces, every virtual line, in the locations
/// in scope. The others are counted in `skipped`.
fn member_tasks(
    client: &Client,
    org_id: Option<&str>,
    locations: Arc<Keyed<Place>>,
    wanted: Arc<KeySet>,
    skipped: Arc<std::sync::Mutex<KindCounts>>,
) -> impl Stream<Item = Task> + MaybeSend + 'static {
    const LISTS: [(EntityKind, &Operation); 3] = [
        (EntityKind::Person, &PEOPLE_LIST_PAGE),
        (EntityKind::Workspace, &WORKSPACES_LIST_PAGE),
        (EntityKind::VirtualLine, &VIRTUAL_LINES_LIST_PAGE),
    ];
    // The three lists are read at once (a page of one held up by a 429's Retry-After leaves the
    // others going), and ahead of the reads, up to [`LIST_AHEAD`] members (see `run`).
    // One `poll_fn` taking turns among the three (rather than two nested `select`s, a `map`
    // each and a `filter_map`: 1.4 kB of the browser package's .wasm, 2026-12-07).
    // Written out (an array's `map` was 0.3 kB of the browser package).
    const _: () = assert!(LISTS.len() == 3, "one stream per list below");
    let mut lists = [
        Some(Box::pin(list(client, LISTS[0].1, org_id))),
        Some(Box::pin(list(client, LISTS[1].1, org_id))),
        Some(Box::pin(list(client, LISTS[2].1, org_id))),
    ];
    let mut turn = 0;
    futures_util::stream::poll_fn(move |cx| {
        // Each list is asked once per round, starting with the one after the last to give; a
        // round ends the poll only when no list gave anything, so every list still open then
        // has just answered Pending (and will wake this task).
        let mut asked = 0;
        while asked < LISTS.len() {
            let at = turn % LISTS.len();
            turn += 1;
            asked += 1;
            let Some(stream) = lists[at].as_mut() else { continue };
            match stream.as_mut().poll_next(cx) {
                std::task::Poll::Ready(Some(item)) => {
                    let (kind, op) = LISTS[at];
                    if let Some(task) = member_task(kind, op, item, &locations, &wanted, &skipped) {
                        return std::task::Poll::Ready(Some(task));
                    }
                    // Skipped: the same list is asked again (it may have more ready).
                    turn -= 1;
                    asked = 0;
                }
                std::task::Poll::Ready(None) => lists[at] = None,
                std::task::Poll::Pending => {}
            }
        }
        if lists.iter().all(Option::is_none) {
            std::task::Poll::Ready(None)
        } else {
            std::task::Poll::Pending
        }
    })
}

/// The task of one item of a member list (`kind`'s list `op`), or `None` when the member is
/// skipped (counted) or outside the locations in scope.
fn member_task(
    kind: EntityKind,
    op: &'static Operation,
    item: Result<Value, Error>,
    locations: &Keyed<Place>,
    wanted: &KeySet,
    skipped: &std::sync::Mutex<KindCounts>,
) -> Option<Task> {
    let item = match item {
        Ok(item) => item,
        Err(e) => return Some(Task::ListFailed(op.name, e)),
    };
    let skip = || {
        skipped.lock().unwrap_or_else(|e| e.into_inner()).add(kind);
        None
    };
    let (location_id, location_name, name) = match kind {
        EntityKind::Person => match text_at(&item, "locationId") {
            None => return skip(),
            id => (id, None, text_at(&item, "displayName").map_or_else(|| full_name(&item), str::to_string)),
        },
        EntityKind::Workspace => {
            if item.get("calling").and_then(|c| text_at(c, "type")) != Some("webexCalling") {
                return skip();
            }
            (text_at(&item, "locationId"), None, text_or_empty(&item, "displayName"))
        }
        _ => {
            let l = item.get("location");
            (l.and_then(|l| text_at(l, "id")), l.and_then(|l| text_at(l, "name")), full_name(&item))
        }
    };
    let location = location_id.map(|id| {
        locations.get(&ids::identity(id)).cloned().unwrap_or_else(|| Place { id: id.to_string(), name: location_name.unwrap_or_default().to_string() })
    });
    let in_scope = wanted.is_empty() || location.as_ref().is_some_and(|p| wanted.contains(&ids::identity(&p.id)));
    let entity = Entity { kind, id: text_or_empty(&item, "id"), name };
    in_scope.then_some(Task::Member(Subject { entity, location }))
}

/// `firstName lastName` of a list item, leaving out what is absent or empty.
fn full_name(item: &Value) -> String {
    let mut name = String::new();
    for key in ["firstName", "lastName"] {
        let part = text_at(item, key).unwrap_or("");
        if !part.is_empty() && !name.is_empty() {
            name.push(' ');
        }
        name.push_str(part);
    }
    name
}

/// Reads what one entity's rules need and applies them.
async fn audit_one(shared: Arc<Shared>, task: Task) -> Outcome {
    match task {
        Task::ListFailed(operation, e) => Outcome {
            kind: EntityKind::Org,
            location: None,
            findings: vec![rules::read_failed(&shared.org, operation, &e)],
            failed: 1,
            ecbn_quality: None,
        },
        Task::Location(subject) => {
            let id = subject.entity.id.clone();
            let notification = shared.read(&NOTIFICATIONS_GET_LOCATION, Some(&id));
            let ecbn = shared.read(&LOCATIONS_GET_ECBN, Some(&id));
            let (notification, ecbn) = futures_util::future::join(notification, ecbn).await;
            let mut findings = Vec::new();
            let mut failed = 0;
            match notification {
                Ok(n) => findings.extend(rules::notification(&subject, &n, shared.org_notification.as_ref())),
                Err(e) => {
                    failed += 1;
                    findings.push(rules::read_failed(&subject, "notifications.get_location", &e));
                }
            }
            let mut ecbn_quality = None;
            match ecbn {
                Ok(e) => {
                    ecbn_quality = rules::location_ecbn_in_effect(&e).0.map(|q| q.as_str().to_string());
                    findings.extend(rules::location_ecbn(&subject, &e));
                }
                Err(e) => {
                    failed += 1;
                    findings.push(rules::read_failed(&subject, "locations.get_ecbn", &e));
                }
            }
            let state = shared.states.get(&ids::identity(&id));
            findings.extend(rules::redsky_location(&subject, shared.org_status.as_ref(), state));
            Outcome { kind: EntityKind::Location, location: subject.location.clone(), findings, failed, ecbn_quality }
        }
        Task::Member(subject) => {
            let id = subject.entity.id.clone();
            let op = match subject.entity.kind {
                EntityKind::Workspace => &WORKSPACES_GET_ECBN,
                EntityKind::VirtualLine => &VIRTUAL_LINES_GET_ECBN,
                _ => &PEOPLE_GET_ECBN,
            };
            let (findings, failed) = match shared.read(op, Some(&id)).await {
                Ok(ecbn) => (rules::member(&subject, &ecbn), 0),
                Err(e) => (vec![rules::read_failed(&subject, op.name, &e)], 1),
            };
            Outcome { kind: subject.entity.kind, location: subject.location.clone(), findings, failed, ecbn_quality: None }
        }
    }
}
