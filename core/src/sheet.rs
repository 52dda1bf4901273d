//! Bulk changes from a spreadsheet (CSV): the columns of each kind of sheet, rows read as text
//! (cells trimmed, a blank cell is "not set"), one call per row, and the results file: the
//! input columns plus `status` and `error`, one row per input row, written as rows finish and
//! read back to resume a run.

use futures_util::Stream;
use std::task::Poll;
use serde_json::{Map, Value};

use crate::api::{self, Operation};
use crate::bindings_api::{call_op, checked_concurrency, failed_call, find, invalid, Args, BulkArgs};
use crate::bulk::{self, BulkOptions};
use crate::call::Call;
use crate::client::Client;
use crate::error::{ApiErrorKind, Error, FieldError, TransportKind};
use crate::keyed::Keyed;
use crate::platform::MaybeSend;
use crate::wire::{split, FieldKind, ModelInfo};

/// The two columns a results file adds to the input's.
pub const RESULT_COLUMNS: [&str; 2] = ["status", "error"];

/// What a sheet changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    /// Members' ECBN: `kind` (person | workspace | virtual_line), `id`, `selected`,
    /// `locationMemberId`, optional `elinEnabled`.
    Ecbn,
    /// Locations' emergency call notification: `locationId`, `enabled`, `email`.
    Notification,
}

/// How a column of a sheet is used: the path ID, the member kind, or a body field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Kind,
    Id,
    Field(&'static str),
}

/// A column a sheet knows: its name, whether the header must have it, whether every row must
/// fill it, and its use.
struct Column {
    name: &'static str,
    required: bool,
    filled: bool,
    used: Use,
}

const ECBN_COLUMNS: &[Column] = &[
    Column { name: "kind", required: true, filled: true, used: Use::Kind },
    Column { name: "id", required: true, filled: true, used: Use::Id },
    Column { name: "selected", required: true, filled: true, used: Use::Field("selected") },
    Column { name: "locationMemberId", required: true, filled: false, used: Use::Field("locationMemberId") },
    Column { name: "elinEnabled", required: false, filled: false, used: Use::Field("elinEnabled") },
];

const NOTIFICATION_COLUMNS: &[Column] = &[
    Column { name: "locationId", required: true, filled: true, used: Use::Id },
    Column { name: "enabled", required: true, filled: false, used: Use::Field("emergencyCallNotificationEnabled") },
    Column { name: "email", required: true, filled: false, used: Use::Field("emailAddress") },
];

/// The operation of a notification sheet's rows.
const NOTIFICATION_OPERATION: &str = "notifications.update_location";

/// The member kinds of an ECBN sheet and their update operations.
const MEMBER_KINDS: &[(&str, &str)] = &[
    ("person", "people.update_ecbn"),
    ("workspace", "workspaces.update_ecbn"),
    ("virtual_line", "virtual_lines.update_ecbn"),
];

impl SheetKind {
    /// The kind named `ecbn` or `notification`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "ecbn" => Some(SheetKind::Ecbn),
            "notification" => Some(SheetKind::Notification),
            _ => None,
        }
    }
    /// Its name, as in `bulk ecbn`.
    pub fn name(self) -> &'static str {
        match self {
            SheetKind::Ecbn => "ecbn",
            SheetKind::Notification => "notification",
        }
    }
    fn columns(self) -> &'static [Column] {
        match self {
            SheetKind::Ecbn => ECBN_COLUMNS,
            SheetKind::Notification => NOTIFICATION_COLUMNS,
        }
    }
    /// The names of its columns, required first as the header must have them.
    pub fn column_names(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for c in self.columns() {
            names.push(c.name);
        }
        names
    }
    /// The operations its rows call.
    fn operation_names(self) -> Vec<&'static str> {
        match self {
            SheetKind::Ecbn => kinds_and_operations().1,
            SheetKind::Notification => vec![NOTIFICATION_OPERATION],
        }
    }
    fn operation_name(self) -> &'static str {
        match self {
            SheetKind::Ecbn => "bulk ecbn",
            SheetKind::Notification => "bulk notification",
        }
    }
}

/// The member kinds of an ECBN sheet, and their operations.
fn kinds_and_operations() -> (Vec<&'static str>, Vec<&'static str>) {
    let (mut kinds, mut operations) = (Vec::new(), Vec::new());
    for (kind, op) in MEMBER_KINDS {
        kinds.push(*kind);
        operations.push(*op);
    }
    (kinds, operations)
}

/// The cells of a header record, trimmed (a cell that is not UTF-8 is empty).
fn header_names(cells: Vec<Option<String>>) -> Vec<String> {
    let mut names = Vec::with_capacity(cells.len());
    for cell in cells {
        names.push(cell.unwrap_or_default().trim().to_string());
    }
    names
}

/// The cells of a record as written (a cell that is not UTF-8 is empty).
fn texts(cells: Vec<Option<String>>) -> Vec<String> {
    let mut texts = Vec::with_capacity(cells.len());
    for cell in cells {
        texts.push(cell.unwrap_or_default());
    }
    texts
}

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    /// The change was made.
    Done,
    /// The row is malformed or the API refused it (see the error).
    Failed,
    /// The run was stopped before the row finished (it may have been sent; run it again).
    Skipped,
    /// A dry run found it valid (nothing sent).
    Planned,
}

/// Rows per status, counted as a run goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    /// Rows done.
    pub done: u64,
    /// Rows failed.
    pub failed: u64,
    /// Rows skipped.
    pub skipped: u64,
    /// Rows planned (dry run).
    pub planned: u64,
}

impl RowCounts {
    /// Counts one row.
    pub fn add(&mut self, status: RowStatus) {
        *match status {
            RowStatus::Done => &mut self.done,
            RowStatus::Failed => &mut self.failed,
            RowStatus::Skipped => &mut self.skipped,
            RowStatus::Planned => &mut self.planned,
        } += 1;
    }
    /// `(status name, rows)` for every status, in the order done, failed, skipped, planned.
    pub fn by_name(&self) -> [(&'static str, u64); 4] {
        use RowStatus::*;
        [(Done.as_str(), self.done), (Failed.as_str(), self.failed), (Skipped.as_str(), self.skipped), (Planned.as_str(), self.planned)]
    }
}

impl RowStatus {
    /// `done`, `failed`, `skipped` or `planned`.
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Done => "done",
            RowStatus::Failed => "failed",
            RowStatus::Skipped => "skipped",
            RowStatus::Planned => "planned",
        }
    }
}

/// One input row: its line in the file (the header is line 1), its cells as written, and
/// what is wrong with its shape (a missing cell, cells past the header, text not UTF-8).
#[derive(Debug, Clone)]
struct Row {
    line: u64,
    cells: Vec<String>,
    broken: Option<String>,
}

/// A sheet read and checked: its columns, the rows still to run, and the rows a previous run
/// already did (kept from the results file being resumed).
#[derive(Debug, Clone)]
pub struct Sheet {
    kind: SheetKind,
    /// The input's columns, carried into the results (without `status` and `error`).
    columns: Vec<String>,
    rows: Vec<Row>,
    kept: Vec<Vec<String>>,
}

/// The result of one row: its line, status, error and the results-file record (CSV text with
/// its line end), and for a dry run the request that would be sent.
#[derive(Debug, Clone)]
pub struct RowResult {
    /// Line of the row in the input file.
    pub line: u64,
    /// What became of it.
    pub status: RowStatus,
    /// Why it failed or was skipped (empty otherwise).
    pub error: String,
    /// The error code of a failed row (`validation`, `authentication`, `not_found`, ...).
    pub code: Option<&'static str>,
    /// The row's input cells, as written (by the input's columns, without `status` and `error`).
    pub cells: Vec<String>,
    /// The row for the results file: the input cells, the status and the error.
    pub record: String,
    /// The validated request, token and secrets masked (dry runs only).
    pub request: Option<Value>,
}

/// How to run a sheet.
#[derive(Clone, Default)]
pub struct SheetOptions {
    /// Requests in flight at most (default 10).
    pub concurrency: usize,
    /// Only validate and show each row's request.
    pub dry_run: bool,
    /// `orgId` of every request.
    pub org_id: Option<String>,
    /// Told of progress after each row.
    pub progress: Option<bulk::ProgressFn>,
    /// Stops the run: rows not sent yet are `skipped`. The run fires it itself when the access
    /// token is refused (401), so that no other row is sent with it.
    pub cancel: Option<bulk::Cancel>,
}

impl std::fmt::Debug for SheetOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetOptions").field("concurrency", &self.concurrency).field("dry_run", &self.dry_run).finish_non_exhaustive()
    }
}

fn header_error(kind: SheetKind, field: String, rule: &str, message: String) -> Error {
    invalid(kind.operation_name(), vec![FieldError::new(field, rule, message)])
}

/// The records of a CSV text: each one's line and cells (`None` for a cell that is not UTF-8).
/// Read by `csv_core`'s reader directly (the csv crate's own engine): from bytes in memory it
/// has no error to give, and the csv crate's `Reader` around it (an `io::Read` buffer, byte
/// records, positions) was 1.9 kB of the gzipped browser package (2026-12-06). Lines are counted from each record's first byte (after the
/// line ends the reader takes before it).
fn records(text: &str) -> impl Iterator<Item = (u64, Vec<Option<String>>)> + '_ {
    use csv_core::ReadRecordResult;
    let text = text.strip_prefix("\u{feff}").unwrap_or(text);
    let bytes = text.as_bytes();
    let mut reader = csv_core::Reader::new();
    let (mut out, mut ends) = (vec![0u8; 1024], vec![0usize; 32]);
    let (mut at, mut counted_to, mut line) = (0usize, 0usize, 1u64);
    let mut line_at = move |mut offset: usize| {
        while bytes.get(offset).is_some_and(|b| *b == b'\r' || *b == b'\n') {
            offset += 1;
        }
        let offset = offset.min(bytes.len()).max(counted_to);
        // A line ends at `\n`, or at a `\r` not followed by one (old spreadsheets' CR files).
        for i in counted_to..offset {
            let b = bytes[i];
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line += 1;
            }
        }
        counted_to = offset;
        line
    };
    std::iter::from_fn(move || {
        let start = at;
        let (mut nout, mut nend) = (0, 0);
        loop {
            // Past the last byte, the empty input tells the reader the text has ended.
            let (result, nin, o, e) = reader.read_record(&bytes[at..], &mut out[nout..], &mut ends[nend..]);
            (at, nout, nend) = (at + nin, nout + o, nend + e);
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                ReadRecordResult::End => return None,
                ReadRecordResult::Record => break,
            }
        }
        let mut from = 0;
        let mut cells = Vec::with_capacity(nend);
        for &end in &ends[..nend] {
            cells.push(std::str::from_utf8(&out[from..end]).ok().map(str::to_string));
            from = end;
        }
        Some((line_at(start), cells))
    })
}

/// The cell in column `status` of every record after the header (`None` when absent or not
/// UTF-8), in order.
fn statuses_of(text: &str, status: usize) -> impl Iterator<Item = Option<String>> + '_ {
    let mut records = records(text);
    records.next();
    records.map(move |(_, mut cells)| cells.get_mut(status).and_then(Option::take).map(|c| c.trim().to_string()))
}

impl Sheet {
    /// Reads a sheet's CSV text. The header must have the kind's required columns, each once;
    /// other columns are carried into the results. A results file given as input runs its rows
    /// that are not `done` again (its done rows are kept). With `resume` (the text of an earlier
    /// results file of this input), every row that file has as `done` is kept and not run
    /// again. A header or resume problem is a validation error of `bulk ecbn` /
    /// `bulk notification`; a malformed row only fails that row.
    pub fn read(kind: SheetKind, input: &str, resume: Option<&str>) -> Result<Sheet, Error> {
        let mut records = records(input);
        let header: Vec<String> = match records.next() {
            None => return Err(header_error(kind, "line 1".into(), "required", "the file is empty: the first line must name the columns".into())),
            Some((_, cells)) => header_names(cells),
        };
        // A set of the names seen (a JSON object: its map code is in every build anyway), so
        // that a header of many thousand columns is checked in n log n, not n².
        let mut seen = serde_json::Map::new();
        for name in &header {
            if !name.is_empty() && seen.insert(name.clone(), serde_json::Value::Null).is_some() {
                return Err(header_error(kind, format!("line 1, column {name}"), "duplicate", "is named twice".into()));
            }
        }
        let mut missing = Vec::new();
        for c in kind.columns() {
            if c.required && !header.iter().any(|h| h == c.name) {
                missing.push(c.name);
            }
        }
        if !missing.is_empty() {
            let expected = split::join(&kind.column_names(), ", ");
            return Err(header_error(
                kind,
                format!("line 1, column {}", split::join(&missing, ", ")),
                "required",
                format!("the header has no such column; a {} sheet has the columns {expected}", kind.name()),
            ));
        }
        // A results file given as input (to run its failed rows again) carries its input
        // columns, not its old status and error.
        let (mut source, mut columns) = (Vec::new(), Vec::new());
        for (i, name) in header.iter().enumerate() {
            if !RESULT_COLUMNS.contains(&name.as_str()) {
                source.push(i);
                columns.push(name.clone());
            }
        }
        let width = header.len();
        let mut rows = Vec::new();
        for (line, cells) in records {
            let bad = cells.iter().position(Option::is_none);
            let count = cells.len();
            let broken = match bad {
                Some(i) => Some(format!("column {}: is not UTF-8 text", header.get(i).map_or("?", String::as_str))),
                None if count > width => Some(format!("has {count} cells but the header names {width} columns")),
                None if count < width => {
                    Some(format!("column {}: is missing (the row has {count} cells, the header names {width} columns)", header[count]))
                }
                None => None,
            };
            let mut carried = Vec::with_capacity(source.len());
            for &i in &source {
                carried.push(cells.get(i).cloned().flatten().unwrap_or_default());
            }
            rows.push(Row { line, cells: carried, broken });
        }
        let mut sheet = Sheet { kind, columns, rows, kept: Vec::new() };
        // A results file given as input: its done rows are kept, the others run again.
        if let Some(status) = header.iter().position(|h| h == RESULT_COLUMNS[0]) {
            for (row, st) in std::mem::take(&mut sheet.rows).into_iter().zip(statuses_of(input, status)) {
                if row.broken.is_none() && st.as_deref() == Some(RowStatus::Done.as_str()) {
                    sheet.kept.push(row.cells);
                } else {
                    sheet.rows.push(row);
                }
            }
        }
        if let Some(results) = resume {
            sheet.keep_done(results)?;
        }
        Ok(sheet)
    }

    /// [`Sheet::read`] of the kind named `ecbn` or `notification`, as the bindings name it.
    pub fn read_named(kind: &str, input: &str, resume: Option<&str>) -> Result<Sheet, Error> {
        let Some(kind) = SheetKind::from_name(kind) else {
            return Err(Error::Config(format!("`{}` is not a kind of sheet (ecbn or notification)", crate::validate::shown(kind))));
        };
        Sheet::read(kind, input, resume)
    }

    /// [`Sheet::run`] with the options of a bindings' bulk run (its concurrency checked as for
    /// `bindings_api::bulk`).
    pub fn run_with(
        self,
        client: &Client,
        args: BulkArgs,
    ) -> Result<impl Stream<Item = RowResult> + MaybeSend + 'static, Error> {
        let concurrency = checked_concurrency(args.concurrency)?;
        let options = SheetOptions {
            concurrency,
            dry_run: args.dry_run,
            org_id: args.org_id,
            progress: args.progress,
            cancel: args.cancel,
        };
        Ok(self.run(client, options))
    }

    /// Moves every row an earlier results file has as `done` (matched on all input cells, as
    /// many times as it is there) from the rows to run to the kept rows.
    fn keep_done(&mut self, results: &str) -> Result<(), Error> {
        let kind = self.kind;
        let mut records = records(results);
        let header: Vec<String> = match records.next() {
            None => return Ok(()),
            Some((_, cells)) => header_names(cells),
        };
        let mut expected = self.columns.clone();
        for c in RESULT_COLUMNS {
            expected.push(c.to_string());
        }
        if header != expected {
            return Err(header_error(
                kind,
                "resume line 1".into(),
                "columns",
                format!("the results file's columns ({}) are not this input's plus status and error", split::join(&header, ", ")),
            ));
        }
        let status = self.columns.len();
        let mut done: Keyed<usize> = Keyed::new();
        for (_, cells) in records {
            if cells.get(status).and_then(Option::as_deref) == Some(RowStatus::Done.as_str()) {
                let mut cells = texts(cells);
                cells.truncate(status);
                *done.get_or_insert_with(row_key(&cells), || 0) += 1;
            }
        }
        let rows = std::mem::take(&mut self.rows);
        for row in rows {
            match done.get_mut(&row_key(&row.cells)) {
                Some(n) if *n > 0 && row.broken.is_none() => {
                    *n -= 1;
                    self.kept.push(row.cells);
                }
                _ => self.rows.push(row),
            }
        }
        Ok(())
    }

    /// Rows to run.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    /// Whether there is no row to run.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    /// Rows kept as done from the results file being resumed.
    pub fn kept(&self) -> usize {
        self.kept.len()
    }
    /// The results file's columns: the input's, then `status` and `error`.
    pub fn result_columns(&self) -> Vec<String> {
        let mut out = self.columns.clone();
        for c in RESULT_COLUMNS {
            out.push(c.to_string());
        }
        out
    }
    /// The start of the results file: its header, then every kept row (as `done`).
    pub fn head(&self) -> String {
        let mut text = crate::wire::csv_row::row(&self.result_columns());
        for cells in &self.kept {
            text.push_str(&result_record(cells, RowStatus::Done, ""));
        }
        text
    }

    /// The cell of column `name` in `row`, trimmed; `None` when blank or absent.
    fn cell<'a>(&self, row: &'a Row, name: &str) -> Option<&'a str> {
        let i = self.columns.iter().position(|c| c == name)?;
        row.cells.get(i).map(|c| c.trim()).filter(|c| !c.is_empty())
    }

    /// The call one row makes (or the call that fails with the row's errors, naming its line
    /// and columns, without a request).
    fn row_call(&self, client: &Client, row: &Row, org_id: Option<&str>) -> Call<serde_json::Value> {
        let at = |column: &str| format!("line {}, column {column}", row.line);
        let fail = |op: &'static Operation, errors: Vec<FieldError>| failed_call(client, op, errors);
        let op = match self.kind {
            SheetKind::Notification => api::find(NOTIFICATION_OPERATION),
            SheetKind::Ecbn => match self.cell(row, "kind") {
                Some(kind) => match MEMBER_KINDS.iter().find(|(k, _)| *k == kind) {
                    Some((_, name)) => api::find(name),
                    None => {
                        let kinds = kinds_and_operations().0;
                        let e = FieldError::new(at("kind"), "enum", format!("`{}` is not one of {}", crate::validate::shown(kind), split::join(&kinds, ", ")));
                        return fail(api::find("people.update_ecbn").expect("declared"), vec![e]);
                    }
                },
                None => {
                    let e = FieldError::new(at("kind"), "required", "is blank; one of person, workspace, virtual_line");
                    return fail(api::find("people.update_ecbn").expect("declared"), vec![e]);
                }
            },
        };
        let op = op.expect("the sheets' operations are declared");
        if let Some(broken) = &row.broken {
            return fail(op, vec![FieldError::new(format!("line {}", row.line), "csv", broken.clone())]);
        }
        let mut errors = Vec::new();
        let mut id = None;
        let mut fields = Vec::new();
        for column in self.kind.columns() {
            let value = self.cell(row, column.name);
            if value.is_none() && column.filled {
                errors.push(FieldError::new(at(column.name), "required", "is blank"));
            }
            match (column.used, value) {
                (Use::Id, Some(v)) => id = Some(v.to_string()),
                (Use::Field(json), Some(v)) => fields.push((json, v)),
                _ => {}
            }
        }
        let body = match op.request_model() {
            Some(model) => match text_body(model, &fields) {
                Ok(body) => Some(body),
                Err(e) => {
                    errors.extend(e);
                    None
                }
            },
            None => None,
        };
        if !errors.is_empty() {
            return fail(op, self.name_columns(row.line, errors));
        }
        let mut call = call_op(client, op, Args { id, body, ..Default::default() });
        if let Some(org) = org_id {
            call = call.org_id(org);
        }
        call
    }

    /// Names the line and the column of each error of a row's request (the API's field names
    /// are the sheet's column names where they differ).
    fn name_columns(&self, line: u64, errors: Vec<FieldError>) -> Vec<FieldError> {
        let mut path_params = Vec::new();
        for name in self.kind.operation_names() {
            if let Some(p) = api::find(name).and_then(|op| op.path_param) {
                path_params.push(p.name);
            }
        }
        let mut named = Vec::with_capacity(errors.len());
        for mut e in errors {
            if !e.field.starts_with("line ") {
                let column = self.kind.columns().iter().find(|c| match c.used {
                    Use::Id => path_params.contains(&e.field.as_str()),
                    Use::Field(json) => json == e.field,
                    Use::Kind => false,
                });
                let name = column.map_or(e.field.as_str(), |c| c.name);
                e.field = format!("line {line}, column {name}");
            }
            named.push(e);
        }
        named
    }

    /// Runs every row (at most `concurrency` requests in flight) and yields one result per
    /// row, as each finishes. A dry run sends nothing: valid rows are `planned`.
    pub fn run(self, client: &Client, options: SheetOptions) -> impl Stream<Item = RowResult> + MaybeSend + 'static {
        let client = client.clone();
        let sheet = std::sync::Arc::new(self);
        let rows = sheet.rows.len();
        let calls_sheet = sheet.clone();
        let org_id = options.org_id.clone();
        let calls = (0..rows).map(move |i| calls_sheet.row_call(&client, &calls_sheet.rows[i], org_id.as_deref()));
        let dry_run = options.dry_run;
        // A refused token (401) or a failing token provider stops the run, by firing its
        // cancel: every other row would fail the same way. Why, once it did: 1 refused, 2 the
        // provider failed.
        let stopped_by = std::sync::Arc::new(std::sync::atomic::AtomicU8::new(0));
        let cancel = options.cancel.unwrap_or_default();
        let bulk_options = BulkOptions { concurrency: options.concurrency, progress: options.progress, cancel: Some(cancel.clone()) };
        // The dry runs or the bulk run's items, read by one `poll_fn` (no `Either`, `map` and
        // `enumerate` stream adapters in the browser package).
        let (mut shown, mut sent) = if dry_run {
            (Some(calls), None)
        } else {
            (None, Some(Box::pin(bulk::run_iter(crate::platform::BoxIter::new(calls), bulk_options))))
        };
        let mut taken = 0;
        futures_util::stream::poll_fn(move |cx| {
            let (index, result) = match (shown.as_mut(), sent.as_mut()) {
                (Some(calls), _) => match calls.next() {
                    Some(call) => {
                        taken += 1;
                        (taken - 1, call.dry_run().map(|p| Some(p.into_json())))
                    }
                    None => return Poll::Ready(None),
                },
                (None, Some(run)) => match run.as_mut().poll_next(cx) {
                    Poll::Ready(Some(item)) => (item.index, item.result.map(|_| None)),
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Pending => return Poll::Pending,
                },
                (None, None) => return Poll::Ready(None),
            };
            let row = &sheet.rows[index];
            let code = result.as_ref().err().map(Error::code);
            let (status, error, request) = match result {
                Ok(request) if dry_run => (RowStatus::Planned, String::new(), request),
                Ok(_) => (RowStatus::Done, String::new(), None),
                Err(Error::Transport(t)) if t.kind == TransportKind::Aborted => {
                    let why = match stopped_by.load(std::sync::atomic::Ordering::SeqCst) {
                        1 => "not sent: the access token was refused (401) on another row",
                        2 => "not sent: the token provider failed on another row",
                        _ => "the run was stopped before this row finished (run it again)",
                    };
                    (RowStatus::Skipped, why.to_string(), None)
                }
                Err(Error::Validation(mut v)) => {
                    v.errors = sheet.name_columns(row.line, std::mem::take(&mut v.errors));
                    (RowStatus::Failed, row_error(&Error::Validation(v)), None)
                }
                Err(e) => {
                    let stop = match &e {
                        Error::Api(a) if a.kind == ApiErrorKind::Authentication => 1,
                        Error::TokenProvider(_) => 2,
                        _ => 0,
                    };
                    if stop != 0 {
                        // The first reason stays (rows aborted after it were stopped by it).
                        let _ = stopped_by.compare_exchange(0, stop, std::sync::atomic::Ordering::SeqCst, std::sync::atomic::Ordering::SeqCst);
                        cancel.fire();
                    }
                    (RowStatus::Failed, row_error(&e), None)
                }
            };
            let record = result_record(&row.cells, status, &error);
            Poll::Ready(Some(RowResult { line: row.line, status, error, code, record, request, cells: row.cells.clone() }))
        })
    }
}

/// A row's cells as one key: each cell's length, `:` and the cell, so that no two rows share one.
fn row_key(cells: &[String]) -> String {
    let mut key = String::new();
    for cell in cells {
        key.push_str(&cell.len().to_string());
        key.push(':');
        key.push_str(cell);
    }
    key
}

/// The error cell of a failed row: each broken rule with its line and column, or the API's
/// answer (status, message, tracking ID).
fn row_error(e: &Error) -> String {
    match e {
        Error::Validation(v) => {
            let mut text = String::new();
            for f in &v.errors {
                if !text.is_empty() {
                    text.push_str("; ");
                }
                text.push_str(&format!("{}: {} ({})", f.field, f.message, f.rule));
            }
            text
        }
        other => other.to_string(),
    }
}

/// A results row: the input cells as written (so that a resume matches them), then the status
/// and the error (made spreadsheet-safe: it holds the server's words).
fn result_record(cells: &[String], status: RowStatus, error: &str) -> String {
    let mut row = Vec::with_capacity(cells.len() + 2);
    for cell in cells {
        row.push(cell.as_str());
    }
    let error = crate::audit::report::spreadsheet_safe(error);
    row.push(status.as_str());
    row.push(&error);
    let mut record = String::new();
    crate::wire::csv_row::write_spreadsheet_row(&mut record, &row);
    record
}

/// A request body from text values by JSON field name (`address.city` for a nested field),
/// each converted by its field's kind. Unknown names and values that do not convert are
/// errors naming the field; the model's own rules are checked when the call is made.
pub fn text_body(model: &'static ModelInfo, fields: &[(&str, &str)]) -> Result<Value, Vec<FieldError>> {
    let mut body = Map::new();
    let mut errors = Vec::new();
    for (name, text) in fields {
        let (outer, inner) = match crate::wire::split::split_once_at(name, b'.') {
            Some((o, i)) => (o, Some(i)),
            None => (*name, None),
        };
        // The field's kind: a top-level field, or a field of a nested object's model.
        let kind = model.field(outer).and_then(|f| match (inner, &f.kind) {
            (None, kind) => Some(kind),
            (Some(inner), FieldKind::Object(nested)) => nested().field(inner).map(|g| &g.kind),
            (Some(_), _) => None,
        });
        let Some(kind) = kind else {
            errors.push(FieldError::new(*name, "unknown_field", "is not a field of this request"));
            continue;
        };
        match (kind.from_text(text), inner) {
            (Err(message), _) => errors.push(FieldError::new(*name, "type", message)),
            (Ok(v), None) => {
                body.insert(outer.to_string(), v);
            }
            (Ok(v), Some(inner)) => {
                if let Value::Object(m) = body.entry(outer.to_string()).or_insert_with(|| Value::Object(Map::new())) {
                    m.insert(inner.to_string(), v);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(Value::Object(body))
    } else {
        Err(errors)
    }
}

/// A request body of `operation` from text values by field name (`address.city` for a nested
/// field), as a command line's flags give them; a value that does not convert is a validation
/// error naming the field.
pub fn operation_text_body(operation: &str, fields: &[(String, String)]) -> Result<Value, Error> {
    let op = find(operation)?;
    let Some(model) = op.request_model() else {
        return Err(invalid(operation, vec![FieldError::new("body", "unknown_field", "this operation sends no body")]));
    };
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    text_body(model, &pairs).map_err(|errors| invalid(operation, errors))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// `records` drives csv_core's reader by hand: it reads the same records and cells as
        /// the csv crate's reader (no headers, flexible) on texts of quotes, separators, line
        /// ends of every kind, blanks and a multi-byte character.
        #[test]
        fn records_agree_with_the_csv_crate(text in "[a\",\r\n é]{0,40}") {
            let ours: Vec<Vec<Option<String>>> = super::records(&text).map(|(_, cells)| cells).collect();
            let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
            let theirs: Vec<Vec<Option<String>>> = reader
                .byte_records()
                .map(|r| r.unwrap().iter().map(|c| std::str::from_utf8(c).ok().map(str::to_string)).collect())
                .collect();
            prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn a_long_record_grows_the_buffers() {
        let cells: Vec<String> = (0..100).map(|i| "x".repeat(i * 7)).collect();
        let text = format!("{}\r\nlast", cells.join(","));
        let records: Vec<_> = super::records(&text).collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].1, cells.into_iter().map(Some).collect::<Vec<_>>());
        assert_eq!(records[1], (2, vec![Some("last".to_string())]));
    }
}
