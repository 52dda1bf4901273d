//! One prepared call of one operation: validated up front, then sent (`.await`) or shown (`dry_run`).

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::Serialize;

use crate::api::{encode_body, EncodedBody, Op, Operation, Paging};
use crate::client::Client;
use crate::error::{Error, FieldError, ValidationErrors};
use crate::ids::{self, IdKind};
use crate::platform::{BoxFuture, MaybeSend};
use crate::retry::{self, Request};
use crate::wire::Json;

/// What would be sent, without the token: the result of a dry run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreparedRequest {
    /// Operation name, e.g. `people.update_ecbn`.
    pub operation: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Full URL with the query.
    pub url: String,
    /// Path under the base URL, percent-encoded.
    pub path: String,
    /// Query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers, with `Authorization` shown as `Bearer ***`.
    pub headers: Vec<(String, String)>,
    /// JSON body with secret fields masked.
    pub body: Option<serde_json::Value>,
}

impl PreparedRequest {
    /// As JSON (the field names above; `query` and `headers` as `[name, value]` pairs): the
    /// same value as its `Serialize` gives (tested), built without serde's value serializer.
    pub fn to_json(&self) -> serde_json::Value {
        self.clone().into_json()
    }

    /// [`PreparedRequest::to_json`], the body moved rather than copied (the browser package
    /// then has no code to copy JSON).
    pub fn into_json(self) -> serde_json::Value {
        let pairs = |list: &[(String, String)]| {
            crate::wire::json::list_of(list, |(k, v)| serde_json::Value::Array(vec![k.as_str().into(), v.as_str().into()]))
        };
        object!{
            "operation" => self.operation, "method" => self.method, "url" => self.url.as_str(), "path" => self.path.as_str(),
            "query" => pairs(&self.query), "headers" => pairs(&self.headers), "body" => self.body,
        }
    }
}

/// A call of one operation. `.await` sends it; [`Call::dry_run`] only shows it.
#[must_use = "a call does nothing until awaited or dry-run"]
pub struct Call<R> {
    pub(crate) parts: Parts,
    _r: PhantomData<fn() -> R>,
}

/// What a call holds, whatever its answer type: its methods are compiled once, not once per
/// answer type (the copies made the browser package larger).
pub(crate) struct Parts {
    pub(crate) client: Client,
    pub(crate) op: &'static Operation,
    pub(crate) path_id: Option<String>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) org_id: Option<String>,
    pub(crate) errors: Vec<FieldError>,
    pub(crate) gate: Option<Arc<crate::sync::Semaphore>>,
    /// Takes the pacer's next turn ahead of the calls waiting for theirs (a list's pages).
    pub(crate) ahead: bool,
    /// The full URL to send instead of the operation's (the next page of a Link-paged list).
    pub(crate) url: Option<String>,
}

impl<R> std::fmt::Debug for Call<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.parts.op.name)
            .field("path_id", &self.parts.path_id)
            .field("org_id", &self.parts.org_id)
            .finish_non_exhaustive()
    }
}

impl<R> Call<R> {
    /// A call of `op` with its path ID and an encoded body; broken rules (the body's and the
    /// path ID's) are kept and reported when the call is sent or dry-run, so that nothing is sent.
    pub(crate) fn new(client: &Client, op: &'static Operation, path_id: Option<&str>, body: EncodedBody) -> Self {
        Call { parts: Parts::new(client, op, path_id, body), _r: PhantomData }
    }

    /// Adds the paging parameters, checked against the operation's paging.
    pub(crate) fn with_page(mut self, start: Option<u32>, max: Option<u32>, order: Option<String>) -> Self {
        self.parts.with_page(start, max, order);
        self
    }

    /// Sends this call to this organization instead of the client's default.
    pub fn org_id(mut self, org_id: impl Into<String>) -> Self {
        self.parts.org_id = Some(org_id.into());
        self
    }

    /// The operation this call runs.
    pub fn operation(&self) -> &'static Operation {
        self.parts.op
    }

    /// Attempts of this call wait for a permit of `gate` (bulk runs use this to cap requests in
    /// flight without holding a permit while waiting to retry).
    pub fn gate(mut self, gate: Arc<crate::sync::Semaphore>) -> Self {
        self.parts.gate = Some(gate);
        self
    }

    /// The validation error of this call, if any.
    pub fn check(&self) -> Result<(), Error> {
        self.parts.check()
    }

    /// Builds and validates the request without sending it.
    pub fn dry_run(&self) -> Result<PreparedRequest, Error> {
        self.parts.dry_run()
    }
}

impl Parts {
    fn new(client: &Client, op: &'static Operation, path_id: Option<&str>, body: EncodedBody) -> Self {
        let (bytes, mut errors) = body;
        // The path's ID: required where the path has one, refused where it has none (an ID
        // dropped there would send the call to the organization's own setting).
        match (op.path_param, path_id) {
            (Some(param), Some(id)) => {
                if let Some(e) = ids::check(param.name, id, param.kind) {
                    errors.insert(0, e);
                }
            }
            (Some(param), None) => errors.push(FieldError::new(param.name, "required", "is required")),
            (None, Some(_)) => errors.insert(0, FieldError::new("id", "unexpected", "this operation takes no ID")),
            (None, None) => {}
        }
        Parts {
            client: client.clone(),
            op,
            path_id: path_id.map(str::to_string),
            query: Vec::new(),
            body: bytes,
            org_id: None,
            errors,
            gate: None,
            ahead: false,
            url: None,
        }
    }

    fn with_query(&mut self, name: &'static str, value: Option<String>) {
        if let Some(v) = value {
            self.query.push((name, v));
        }
    }

    fn with_page(&mut self, start: Option<u32>, max: Option<u32>, order: Option<String>) {
        let number = |n: Option<u32>| n.map(|n| n.to_string());
        match self.op.paging {
            Paging::Offset(paging) => {
                self.errors.extend(paging.check(max, order.as_deref()));
                self.with_query("start", number(start));
                self.with_query("max", number(max));
                self.with_query("order", order);
            }
            Paging::Link(paging) => {
                self.errors.extend(paging.check(max));
                if start.is_some() && !paging.start {
                    self.errors.push(FieldError::new("start", "unexpected", "this list is paged by its Link header and takes no `start`"));
                }
                if order.is_some() {
                    self.errors.push(FieldError::new("order", "unexpected", "this list takes no `order`"));
                }
                for (name, value) in paging.fixed {
                    self.with_query(name, Some(value.to_string()));
                }
                self.with_query("start", number(start));
                self.with_query("max", number(max));
            }
            Paging::None if start.is_some() || max.is_some() || order.is_some() => {
                self.errors.push(FieldError::new("start/max/order", "unexpected", "only list operations take paging parameters"));
            }
            Paging::None => {}
        }
    }

    fn effective_org(&self) -> Option<&str> {
        self.org_id.as_deref().or(self.client.inner.org_id.as_deref())
    }

    fn check(&self) -> Result<(), Error> {
        let mut errors = self.errors.clone();
        if let Some(org) = &self.org_id {
            if let Some(e) = ids::check("orgId", org, IdKind::Organization) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(Box::new(ValidationErrors { operation: self.op.name.into(), errors })))
        }
    }

    fn path_and_query(&self) -> (String, Vec<(String, String)>) {
        let mut path = self.op.path.to_string();
        if let (Some(param), Some(id)) = (self.op.path_param, &self.path_id) {
            let name = param.name;
            // The parameter is the one `{name}` segment of the path.
            let is_param = |at: &usize| path[at + 1..].strip_prefix(name).is_some_and(|r| r.starts_with("}"));
            if let Some(at) = crate::wire::split::find_byte(&path, b'{').filter(is_param) {
                // Put together anew (`replace_range`'s splice was 0.45 kB of the browser package).
                path = crate::wire::split::join(&[&path[..at], &encode_segment(id), &path[at + name.len() + 2..]], "");
            }
        }
        let mut query = Vec::with_capacity(self.query.len() + 1);
        for (k, v) in &self.query {
            query.push((k.to_string(), v.clone()));
        }
        if let Some(org) = self.effective_org() {
            query.push(("orgId".into(), org.to_string()));
        }
        (path, query)
    }

    fn dry_run(&self) -> Result<PreparedRequest, Error> {
        self.check()?;
        let (path, query) = self.path_and_query();
        let url = build_url(&self.client.inner.base_url, &path, &query);
        let mut headers = vec![
            ("Authorization".to_string(), "Bearer ***".to_string()),
            ("Accept".to_string(), "application/json".to_string()),
            ("TrackingID".to_string(), "<new per call>".to_string()),
        ];
        if cfg!(not(target_arch = "wasm32")) {
            headers.push(("User-Agent".into(), self.client.inner.user_agent.clone()));
        }
        let body = match &self.body {
            Some(b) => {
                headers.push(("Content-Type".into(), "application/json".into()));
                let mut value = crate::wire::json::read(b).unwrap_or_default();
                if let Some(model) = self.op.request_model() {
                    model.mask_secrets(&mut value);
                }
                Some(value)
            }
            None => None,
        };
        Ok(PreparedRequest {
            operation: self.op.name,
            method: self.op.method.as_str(),
            url,
            path,
            query,
            headers,
            body,
        })
    }

    /// The client and the request as the retry engine sends it (unchecked: callers run
    /// [`Parts::check`] first).
    fn into_request(self) -> (Client, Request) {
        let url = match self.url {
            Some(url) => url,
            None => {
                let (path, query) = self.path_and_query();
                build_url(&self.client.inner.base_url, &path, &query)
            }
        };
        let request = Request { operation: self.op.name, method: self.op.method, url, body: self.body, gate: self.gate, ahead: self.ahead };
        (self.client, request)
    }

    /// Checks and sends the call; the success answer, not yet decoded.
    async fn send(self) -> Result<retry::Answer, Error> {
        self.check()?;
        let (client, request) = self.into_request();
        retry::execute(&client, &request).await
    }
}

impl<R> Call<R> {
    /// A typed call of operation `O`, validated (broken rules are reported when it is sent).
    pub fn of<O: Op<Answer = R>>(client: &Client, path_id: Option<&str>, body: Option<&O::Request>) -> Self {
        let encoded = match body {
            Some(b) => encode_body(b),
            None if O::operation().request_model().is_some() => (None, vec![FieldError::new("body", "required", "is required")]),
            None => (None, Vec::new()),
        };
        Call::new(client, O::operation(), path_id, encoded)
    }
}

impl<R: Json + MaybeSend + 'static> Call<R> {
    /// Sends the call (same as `.await`).
    pub async fn send(self) -> Result<R, Error> {
        self.send_with_link().await.map(|(answer, _)| answer)
    }

    /// Sends the call; gives the answer and its `Link` header. A JSON answer (`Call<Value>`, the
    /// bindings' entry point) is read through the operation's answer model (`null` for no
    /// content). An answer that does not read as its model is a decode error with the answer's
    /// status, body excerpt and tracking ID.
    pub(crate) async fn send_with_link(self) -> Result<(R, Option<String>), Error> {
        let op = self.parts.op;
        let answer = self.parts.send().await?;
        let value: serde_json::Value = retry::decode(op.name, &answer)?;
        let read = if R::RAW_JSON { op.normalize(value) } else { Ok(value) };
        match read.and_then(R::from_json) {
            Ok(r) => Ok((r, answer.link)),
            Err(message) => Err(retry::decode_failure(op.name, &answer, crate::error::bare_message(&message))),
        }
    }
}

impl<R: Json + MaybeSend + 'static> IntoFuture for Call<R> {
    type Output = Result<R, Error>;
    type IntoFuture = BoxFuture<'static, Result<R, Error>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved characters).
pub fn encode_segment(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[(b >> 4) as usize], HEX[(b & 0xf) as usize]]);
        }
    }
    // Only ASCII was written.
    String::from_utf8(out).unwrap_or_default()
}

/// `base + path + ?k=v&...` with encoded query values.
pub(crate) fn build_url(base: &str, path: &str, query: &[(String, String)]) -> String {
    let mut url = String::with_capacity(base.len() + path.len() + 64);
    url.push_str(base);
    url.push_str(path);
    for (i, (k, v)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(&encode_segment(k));
        url.push('=');
        url.push_str(&encode_segment(v));
    }
    url
}
