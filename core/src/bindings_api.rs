//! What both bindings (and the shared test vectors) need, done once: operations by name with
//! JSON arguments and answers, client options, bulk runs collected in input order, paging,
//! and the type information the Python stubs and the TypeScript declarations are generated
//! from. Requests still go through the typed models, so the same rules apply.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::api::{self, Operation, Paging, RESOURCES};
use crate::audit::report;
use crate::audit::{AuditOptions, AuditProgressFn};
use crate::bulk::{self, BulkOptions, ProgressFn};
use crate::call::{Call, PreparedRequest};
use crate::client::{Client, ClientBuilder, TokenProvider};
use crate::error::{Error, FieldError, ValidationErrors, ERROR_CLASSES};
use crate::paging::{self, PageArgs};
use crate::platform::MaybeSend;
use crate::wire::json::list_of;
use crate::wire::{camel_to_snake, snake_to_camel, FieldKind, ModelInfo};

/// Arguments of one call, as JSON with the API's names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Args {
    /// The path parameter (person, workspace, virtual line, hunt group or location ID).
    #[serde(default)]
    pub id: Option<String>,
    /// The request body, with the API's camelCase keys.
    #[serde(default)]
    pub body: Option<Value>,
    /// `orgId` for this call.
    #[serde(default)]
    pub org_id: Option<String>,
    /// Paging offset (list operations).
    #[serde(default)]
    pub start: Option<u32>,
    /// Page size (list operations).
    #[serde(default)]
    pub max: Option<u32>,
    /// Sort order (list operations).
    #[serde(default)]
    pub order: Option<String>,
}

/// The operation with this name, or a configuration error naming it.
pub fn find(operation: &str) -> Result<&'static Operation, Error> {
    api::find(operation).ok_or_else(|| Error::Config(format!("unknown operation `{operation}`")))
}

/// A call of the named operation (e.g. `people.update_ecbn`) from JSON arguments. Every broken
/// rule is kept in the call and reported when it is sent or dry-run.
pub fn call(client: &Client, operation: &str, args: Args) -> Result<Call<Value>, Error> {
    Ok(call_op(client, find(operation)?, args))
}

/// [`call`] for an operation already looked up.
pub fn call_op(client: &Client, op: &'static Operation, args: Args) -> Call<Value> {
    let id = args.id.as_deref();
    let mut call = Call::new(client, op, id, op.read_body(args.body));
    call = call.with_page(args.start, args.max, args.order);
    if let Some(org) = args.org_id {
        call = call.org_id(org);
    }
    call
}

/// Reads an answer of the named operation through its typed model and gives it back as JSON
/// (`null` for operations without content). Unknown fields and enum values are kept.
pub fn normalize(operation: &str, value: Value) -> Result<Value, Error> {
    find(operation)?.read_answer(value)
}

/// Sends a call and returns its answer read through the operation's model.
pub async fn send(call: Call<Value>) -> Result<Value, Error> {
    call.send().await
}

/// What a call would send, as JSON (token and secrets masked).
pub fn dry_run(call: &Call<Value>) -> Result<Value, Error> {
    call.dry_run().map(PreparedRequest::into_json)
}

/// The validation error for a request that could not even be read.
pub fn invalid(operation: &str, errors: Vec<FieldError>) -> Error {
    Error::Validation(Box::new(ValidationErrors { operation: operation.to_string(), errors }))
}

/// Arguments from a call's keyword fields (snake_case or camelCase) merged over a body object.
pub fn args_from_fields(op: &Operation, id: Option<String>, body: Option<Value>, fields: Map<String, Value>) -> Args {
    let body = if fields.is_empty() {
        body
    } else {
        let mut map = match body {
            Some(Value::Object(m)) => m,
            _ => Default::default(),
        };
        for (k, v) in fields {
            map.insert(snake_to_camel(&k), v);
        }
        Some(Value::Object(map))
    };
    let body = if op.has_body() { Some(body.unwrap_or_else(|| Value::Object(Default::default()))) } else { body };
    Args { id, body, ..Default::default() }
}

/// Arguments from one bulk item: an `[id, {fields}]` pair, or an object holding the path ID
/// under `id` or the parameter's own name (camelCase or snake_case) beside the body fields
/// (camelCase or snake_case).
pub fn args_from_item(op: &Operation, item: Value) -> Result<Args, FieldError> {
    let (id, fields) = match item {
        Value::Array(mut pair) if pair.len() == 2 => {
            let fields = pair.pop().unwrap_or(Value::Null);
            let id = pair.pop().unwrap_or(Value::Null);
            (id, fields)
        }
        Value::Object(mut map) => {
            let mut id = Value::Null;
            if let Some(param) = op.path_param {
                let keys = ["id".to_string(), param.name.to_string(), camel_to_snake(param.name)];
                // The map is rebuilt without the key rather than `remove`d from: a B-tree's
                // removal code costs 1.3 kB of the gzipped browser package (2026-12-06).
                if let Some(key) = keys.into_iter().find(|k| map.contains_key(k)) {
                    let mut rest = serde_json::Map::new();
                    for (k, v) in std::mem::take(&mut map) {
                        if k == key {
                            id = v;
                        } else {
                            rest.insert(k, v);
                        }
                    }
                    map = rest;
                }
            }
            (id, Value::Object(map))
        }
        _ => return Err(FieldError::new("item", "type", "each item must be an object or an (id, fields) pair")),
    };
    let id = match id {
        Value::Null => None,
        Value::String(s) => Some(s),
        _ => return Err(FieldError::new(op.path_param.map_or("id", |p| p.name), "type", "must be a string")),
    };
    let body = match fields {
        Value::Object(map) => {
            let mut body = Map::new();
            for (k, v) in map {
                body.insert(snake_to_camel(&k), v);
            }
            Value::Object(body)
        }
        Value::Null => Value::Object(Default::default()),
        _ => return Err(FieldError::new("item", "type", "the fields of an item must be an object")),
    };
    Ok(Args { id, body: op.has_body().then_some(body), ..Default::default() })
}

/// The broken rule of a path ID a binding was given as something other than text (a number,
/// bytes): named after the operation's parameter (`personId`), as every other rule is.
pub fn id_not_text(op: &Operation) -> FieldError {
    FieldError::new(op.path_param.map_or("id", |p| p.name), "type", "must be a string (a Webex ID)")
}

/// A call of `op` that fails validation with `errors` (for items that cannot be read).
pub fn failed_call(client: &Client, op: &'static Operation, errors: Vec<FieldError>) -> Call<Value> {
    let mut call = Call::new(client, op, None, (None, Vec::new()));
    call.parts.errors = errors; // these alone, not also a missing path ID
    call
}

/// A call from one bulk item (already converted to JSON, or the error of its conversion); an
/// item that cannot be read becomes a call that fails validation without a request.
pub fn call_from_item(client: &Client, op: &'static Operation, item: Result<Value, FieldError>, org_id: Option<&str>) -> Call<Value> {
    let mut call = match item.and_then(|v| args_from_item(op, v)) {
        Ok(args) => call_op(client, op, args),
        Err(e) => failed_call(client, op, vec![e]),
    };
    if let Some(org) = org_id {
        call = call.org_id(org);
    }
    call
}

/// How a binding asked for a bulk run.
#[derive(Clone, Default)]
pub struct BulkArgs {
    /// Requests in flight at most.
    pub concurrency: Option<u32>,
    /// `orgId` of every item.
    pub org_id: Option<String>,
    /// Only validate and show every item's request.
    pub dry_run: bool,
    /// Told of progress after each item.
    pub progress: Option<ProgressFn>,
    /// Stops the run early: items taken and not finished fail as aborted (see [`bulk::run`]).
    pub cancel: Option<bulk::Cancel>,
}

/// One result per bulk item: its index in the input and its answer (or dry run) or error.
pub type BulkResults = Vec<(usize, Result<Value, Error>)>;

/// Most requests in flight a bulk run of the bindings takes.
pub const MAX_CONCURRENCY: u32 = 1000;

/// Runs `op` for every item, with at most `concurrency` requests in flight; the future gives
/// one result per item taken, in input order (every item, unless a cancel stops the reading of
/// a source of unknown length: see [`bulk::run`]). Items are read one at a time, as requests go out. A
/// concurrency outside 1 to [`MAX_CONCURRENCY`] is a `ConfigError`, before any item is read.
pub fn bulk<I>(
    client: Client,
    op: &'static Operation,
    items: I,
    args: BulkArgs,
) -> Result<impl std::future::Future<Output = BulkResults> + MaybeSend + 'static, Error>
where
    I: Iterator<Item = Result<Value, FieldError>> + MaybeSend + 'static,
{
    let concurrency = checked_concurrency(args.concurrency)?;
    let org_id = args.org_id;
    let calls = items.map(move |item| call_from_item(&client, op, item, org_id.as_deref()));
    let (dry, progress, cancel) = (args.dry_run, args.progress, args.cancel);
    Ok(async move {
        if dry {
            let mut results = Vec::new();
            for (i, call) in calls.enumerate() {
                results.push((i, dry_run(&call)));
            }
            return results;
        }
        use futures_util::StreamExt;
        let options = BulkOptions { concurrency, progress, cancel };
        let calls = crate::platform::BoxIter::new(calls);
        let mut run = std::pin::pin!(bulk::run_iter(calls, options));
        let mut results: BulkResults = Vec::new();
        while let Some(item) = run.next().await {
            results.push((item.index, item.result));
        }
        into_input_order(&mut results);
        results
    })
}

/// Puts results in input order: their indices are 0 to n - 1, each once (one result per item
/// taken), so each goes straight to its place by swaps (a sort's code was 0.3 kB of the npm
/// package's .wasm before gzip, 0.03 kB after). An index out of range or repeated, which cannot
/// come, ends its cycle unplaced.
fn into_input_order(results: &mut BulkResults) {
    for at in 0..results.len() {
        loop {
            let to = results[at].0;
            if to == at || to >= results.len() || results[to].0 == to {
                break;
            }
            results.swap(at, to);
        }
    }
}

/// A bulk run's concurrency (default 10): outside 1 to [`MAX_CONCURRENCY`] it is a `ConfigError`.
pub(crate) fn checked_concurrency(concurrency: Option<u32>) -> Result<usize, Error> {
    let concurrency = concurrency.unwrap_or(10);
    if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
        return Err(Error::Config(format!("concurrency must be between 1 and {MAX_CONCURRENCY}")));
    }
    Ok(concurrency as usize)
}

/// Every item of the named paged operation, read through its model; once ended, the stream
/// stays ended (see [`paging::items`]).
pub fn pages(
    client: &Client,
    operation: &str,
    args: PageArgs,
) -> Result<impl futures_util::Stream<Item = Result<Value, Error>> + MaybeSend + 'static, Error> {
    Ok(paging::items(client, find(operation)?, args))
}

/// How a binding asked for an audit.
#[derive(Clone, Default)]
pub struct AuditArgs {
    /// Reads in flight at most.
    pub concurrency: Option<u32>,
    /// Only these locations.
    pub locations: Vec<String>,
    /// `orgId` of every read.
    pub org_id: Option<String>,
    /// Told of progress after each entity.
    pub progress: Option<AuditProgressFn>,
}

/// The `locations` option of an audit given as JSON (from JS): absent or `null` is all
/// locations; anything but an array of strings is a validation error of `audit`.
pub fn audit_locations(value: Value) -> Result<Vec<String>, Error> {
    let wrong = |field: String| invalid("audit", vec![FieldError::new(&field, "type", "must be a string (a location ID)")]);
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => {
            let mut ids = Vec::with_capacity(items.len());
            for (i, v) in items.into_iter().enumerate() {
                match v {
                    Value::String(s) => ids.push(s),
                    _ => return Err(wrong(format!("locations[{i}]"))),
                }
            }
            Ok(ids)
        }
        _ => Err(invalid("audit", vec![FieldError::new("locations", "type", "must be an array of location IDs")])),
    }
}

/// Runs the audit; the future gives the report as JSON (camelCase, as [`report::Report::to_json`]).
pub fn audit(client: &Client, args: AuditArgs) -> impl std::future::Future<Output = Result<Value, Error>> + MaybeSend + 'static {
    let client = client.clone();
    let options = AuditOptions {
        concurrency: args.concurrency.map(|c| c as usize),
        locations: args.locations,
        org_id: args.org_id,
        progress: args.progress,
    };
    async move { client.audit(options).await.map(|r| r.to_json_value()) }
}

/// A report (as given by [`audit`]) as JSON text, the same bytes in every language.
pub fn report_json(report: &Value) -> String {
    report::json_text(report)
}

/// A report's findings as CSV text (columns [`report::CSV_COLUMNS`]).
pub fn report_csv(report: &Value) -> String {
    report::csv_text(report)
}

/// A report's plan as a bulk ECBN CSV (columns [`report::PLAN_COLUMNS`]; see [`report::plan_csv`]).
pub fn report_plan_csv(report: &Value) -> String {
    report::plan_csv(report)
}

/// The audit's rules: `[{rule, severity}]`.
pub fn audit_rules() -> Value {
    list_of(crate::audit::rules::RULES, |(rule, severity)| object!{"rule" => *rule, "severity" => severity.as_str()})
}

/// Client options as the bindings take them (camelCase JSON; `timeout` in seconds or
/// `timeoutMs` in milliseconds). Wrong types and out-of-range values are a `ConfigError`.
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// Access token.
    pub token: Option<String>,
    /// Base URL.
    pub base_url: Option<String>,
    /// Limit of one attempt, in seconds.
    pub timeout: Option<f64>,
    /// Retries after the first attempt.
    pub max_retries: Option<f64>,
    /// Default `orgId`.
    pub org_id: Option<String>,
    /// User agent (native targets).
    pub user_agent: Option<String>,
    /// HTTP proxy (native targets).
    pub proxy: Option<String>,
    /// Requests per second at most, from the start (see [`crate::pace::Pacing::max_rate`]).
    pub max_rate: Option<f64>,
    /// Adapt the rate to 429 answers (default true; see [`crate::pace::Pacing::adaptive`]).
    pub adaptive_pacing: Option<bool>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token and the proxy (which may hold a password) are never shown.
        f.debug_struct("ClientOptions")
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("org_id", &self.org_id)
            .field("proxy", &self.proxy.as_ref().map(|_| "***"))
            .field("max_rate", &self.max_rate)
            .field("adaptive_pacing", &self.adaptive_pacing)
            .finish_non_exhaustive()
    }
}

/// Longest timeout of one attempt the options take, in seconds (a day).
pub const MAX_TIMEOUT_SECS: u32 = 86_400;
pub use crate::client::MAX_RETRIES;

impl ClientOptions {
    /// Reads options from JSON; unknown keys are refused, `null` means "not given".
    pub fn from_json(options: &Value) -> Result<Self, Error> {
        let bad = |key: &str, what: &str| Error::Config(format!("option `{key}` must be {what}"));
        let map = match options {
            Value::Null => return Ok(Self::default()),
            Value::Object(map) => map,
            _ => return Err(Error::Config("the client options must be an object".into())),
        };
        let text = |key: &str| -> Result<Option<String>, Error> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(bad(key, "a string")),
            }
        };
        let number = |key: &str| -> Result<Option<f64>, Error> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => Ok(n.as_f64()),
                Some(_) => Err(bad(key, "a number")),
            }
        };
        let flag = |key: &str| -> Result<Option<bool>, Error> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(_) => Err(bad(key, "true or false")),
            }
        };
        const KNOWN: &[&str] =
            &["token", "baseUrl", "timeout", "timeoutMs", "maxRetries", "orgId", "userAgent", "proxy", "maxRate", "adaptivePacing"];
        if let Some(k) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(Error::Config(format!("unknown option `{k}`; the options are {}", crate::wire::split::join(KNOWN, ", "))));
        }
        let timeout = match (number("timeout")?, number("timeoutMs")?) {
            (Some(_), Some(_)) => return Err(Error::Config("give `timeout` or `timeoutMs`, not both".into())),
            (Some(s), None) => Some(s),
            (None, Some(ms)) => Some(ms / 1000.0),
            (None, None) => None,
        };
        Ok(ClientOptions {
            token: text("token")?,
            base_url: text("baseUrl")?,
            timeout,
            max_retries: number("maxRetries")?,
            org_id: text("orgId")?,
            user_agent: text("userAgent")?,
            proxy: text("proxy")?,
            max_rate: number("maxRate")?,
            adaptive_pacing: flag("adaptivePacing")?,
        })
    }

    /// A builder with these options checked (a `ConfigError` names the option).
    pub fn builder(self) -> Result<ClientBuilder, Error> {
        let mut b = Client::builder();
        if let Some(t) = self.token {
            b = b.token(t);
        }
        if let Some(u) = self.base_url {
            b = b.base_url(u);
        }
        if let Some(t) = self.timeout {
            if !(t.is_finite() && t > 0.0 && t <= f64::from(MAX_TIMEOUT_SECS)) {
                return Err(Error::Config(format!("timeout must be a positive number of seconds up to {MAX_TIMEOUT_SECS}")));
            }
            b = b.timeout(crate::retry::duration_of(t));
        }
        if let Some(n) = self.max_retries {
            if !(n.fract() == 0.0 && (0.0..=f64::from(MAX_RETRIES)).contains(&n)) {
                return Err(Error::Config(format!("maxRetries must be a whole number from 0 to {MAX_RETRIES}")));
            }
            b = b.max_retries(n as u32);
        }
        if let Some(o) = self.org_id {
            b = b.org_id(o);
        }
        if let Some(ua) = self.user_agent {
            b = b.user_agent(ua);
        }
        if let Some(p) = self.proxy {
            b = b.proxy(p);
        }
        if self.max_rate.is_some() || self.adaptive_pacing.is_some() {
            let pacing = crate::pace::Pacing { adaptive: self.adaptive_pacing.unwrap_or(true), max_rate: self.max_rate };
            pacing.check()?;
            b = b.pacing(pacing);
        }
        Ok(b)
    }

    /// Builds the client, with `provider` as its token source when given.
    pub fn build(self, provider: Option<impl TokenProvider + 'static>) -> Result<Client, Error> {
        let mut b = self.builder()?;
        if let Some(p) = provider {
            b = b.token_provider(p);
        }
        b.build()
    }
}

/// The operations table: name, summary, method, path, path parameter, query, request and
/// answer models, whether it has a bulk form, whether it is paged (and the name of its stream
/// method and the model of its items), and whether it is one of the spec's 26.
pub fn operations() -> Value {
    let mut out = Vec::new();
    for o in api::operations() {
        out.push(object!{
            "name" => o.name, "resource" => o.resource(), "methodName" => o.method_name(),
            "summary" => o.summary, "method" => o.method.as_str(), "path" => o.path,
            "pathParam" => o.path_param.map(|p| p.name), "query" => list_of(o.query(), |q| Value::from(*q)),
            "request" => o.request_model().map(|m| m.name), "result" => o.answer_model().map(|m| m.name),
            "bulk" => o.path_param.is_some() && o.has_body(), "paged" => !matches!(o.paging, Paging::None),
            "stream" => o.paging.stream(), "item" => o.item_model().map(|m| m.name), "inSpec" => o.in_spec(),
        });
    }
    Value::Array(out)
}

/// Every model reachable from the operations, requests and answers, each once.
pub fn all_models() -> Vec<&'static ModelInfo> {
    let mut out = Vec::new();
    for op in api::operations() {
        for model in [op.request_model(), op.answer_model()].into_iter().flatten() {
            model.with_nested(&mut out);
        }
    }
    out
}

/// The answer models with their fields: `{name: {doc, fields: [snake], nested: {json: model}}}`.
pub fn models() -> Value {
    let mut out = Map::new();
    for m in all_models().into_iter().filter(|m| !m.request) {
        let fields = list_of(m.fields, |f| Value::from(f.name));
        let mut nested = Map::new();
        for f in m.fields {
            if let Some(n) = f.kind.model() {
                nested.insert(snake_to_camel(f.name), Value::from(n.name));
            }
        }
        out.insert(m.name.into(), object!{"doc" => m.doc.trim(), "fields" => fields, "nested" => nested});
    }
    Value::Object(out)
}

/// Every model (requests and answers) with its fields and their kinds, every enum with its
/// values and whether requests use it, the operations, the resources and the error classes:
/// what the generated type stubs and declarations are made from.
pub fn type_info() -> Value {
    let mut requests = Map::new();
    let mut answers = Map::new();
    let mut enums = Map::new();
    for m in all_models() {
        let fields: Vec<Value> = m
            .fields
            .iter()
            .map(|f| object!{"name" => f.name, "json" => snake_to_camel(f.name), "kind" => f.kind.describe(), "doc" => f.doc.trim()})
            .collect();
        for f in m.fields {
            let mut kind = &f.kind;
            while let FieldKind::List(inner) = kind {
                kind = inner;
            }
            if let FieldKind::Enum(e) = kind {
                let entry = enums.entry(e.name).or_insert_with(|| object!{"values" => e.values, "request" => false});
                if m.request {
                    entry["request"] = serde_json::Value::from(true);
                }
            }
        }
        let target = if m.request { &mut requests } else { &mut answers };
        target.insert(m.name.into(), object!{"doc" => m.doc.trim(), "fields" => fields});
    }
    object!{
        "requests" => requests, "answers" => answers, "enums" => enums, "operations" => operations(),
        "resources" => resources(), "errors" => error_classes(),
    }
}

/// The client's resources: `[{name, class}]`.
pub fn resources() -> Value {
    list_of(RESOURCES, |r| object!{"name" => r.name, "class" => r.class})
}

/// The error classes: `[{class, parent, code, doc}]`, parents first.
pub fn error_classes() -> Value {
    list_of(ERROR_CLASSES, |c| object!{"class" => c.class, "parent" => c.parent, "code" => c.code, "doc" => c.doc})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_results_are_put_in_input_order() {
        // Every permutation of 5 and scrambled longer runs, against a sort.
        let mut orders: Vec<Vec<usize>> = Vec::new();
        for n in [0usize, 1, 2, 3, 5, 64, 1000] {
            let mut order: Vec<usize> = (0..n).collect();
            let mut seed = n as u64 + 7;
            for i in (1..n).rev() {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                order.swap(i, (seed >> 33) as usize % (i + 1));
            }
            orders.push(order);
        }
        fn permutations(k: usize, items: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            if k == items.len() {
                out.push(items.clone());
            }
            for i in k..items.len() {
                items.swap(k, i);
                permutations(k + 1, items, out);
                items.swap(k, i);
            }
        }
        permutations(0, &mut (0..5).collect(), &mut orders);
        assert_eq!(orders.len(), 7 + 120);
        for order in orders {
            let mut results: BulkResults = order.iter().map(|&i| (i, Ok(Value::from(i as u64 * 10)))).collect();
            into_input_order(&mut results);
            let got: Vec<(usize, u64)> = results.iter().map(|(i, r)| (*i, r.as_ref().unwrap().as_u64().unwrap())).collect();
            let want: Vec<(usize, u64)> = (0..order.len()).map(|i| (i, i as u64 * 10)).collect();
            assert_eq!(got, want, "{order:?}");
        }
    }
}
