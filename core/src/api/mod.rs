//! The API: one module per area with its models, rules and operation declarations. Each
//! operation is declared once, with its types ([`Op`]); the untyped [`Operation`] that the
//! generic request path, the JSON entry point, the type information and the tests read is made
//! from that declaration.

pub mod directory;
pub mod ecbn;
pub mod location_ecbn;
pub mod notifications;
pub mod redsky;

use serde_json::Value;

use crate::error::{DecodeError, Error, FieldError};
use crate::ids::IdKind;
use crate::platform::MaybeSend;
use crate::validate::{check_shape, Body, Validate, Validator};
use crate::wire::{FieldKind, Json, ModelInfo, Schema};

/// HTTP methods this API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Read; retried on 429, 502, 503 and 504 (and 423 with Retry-After), on timeouts and on
    /// connection errors.
    Get,
    /// Replace; idempotent, so retried like GET.
    Put,
    /// Create or log in; never replayed after a failure it may have been processed in. A 401
    /// with a token provider is sent once more with the new token (the first was refused).
    Post,
}

impl Method {
    /// The method as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
    /// Whether a failed attempt may be sent again.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// The one `{name}` parameter of an operation's path and the Webex ID kind it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathParam {
    /// Its name in the path, e.g. `personId`.
    pub name: &'static str,
    /// The kind of Webex ID it takes.
    pub kind: IdKind,
}

/// How a list operation is paged.
#[derive(Debug, Clone, Copy)]
pub enum Paging {
    /// One answer, no paging.
    None,
    /// `start` (offset) and `max` (page size) query parameters, and an `order`.
    Offset(&'static OffsetPaging),
    /// `max` (and for some lists `start`); the next page is the `Link: <...>; rel="next"` URL.
    Link(&'static LinkPaging),
}

impl Paging {
    /// The name of the facade method that streams every item (`None` for unpaged operations).
    pub fn stream(&self) -> Option<&'static str> {
        match self {
            Paging::None => None,
            Paging::Offset(p) => Some(p.stream),
            Paging::Link(p) => Some(p.stream),
        }
    }
    /// The JSON path of the items in a page.
    pub fn items(&self) -> &'static [&'static str] {
        match self {
            Paging::None => &[],
            Paging::Offset(p) => p.items,
            Paging::Link(p) => p.items,
        }
    }
}

/// Link paging (RFC 8288): the next page's URL is taken from the answer's `Link` header as
/// given (it may carry a cursor); it is never rebuilt from `start` and `max`.
#[derive(Debug)]
pub struct LinkPaging {
    /// The facade method that streams every item (`list`).
    pub stream: &'static str,
    /// Page size asked for when the caller gives none.
    pub default_size: u32,
    /// Largest page size the API serves.
    pub max_size: u32,
    /// Whether the list also takes a `start` offset for its first page.
    pub start: bool,
    /// The JSON path of the items in a page.
    pub items: &'static [&'static str],
    /// Query parameters every page of this list carries (e.g. `callingData=true`).
    pub fixed: &'static [(&'static str, &'static str)],
}

impl LinkPaging {
    /// Checks a page size.
    pub fn check(&self, max: Option<u32>) -> Vec<FieldError> {
        match max {
            Some(m) if m == 0 || m > self.max_size => {
                vec![FieldError::new("max", "range", format!("must be between 1 and {}", self.max_size))]
            }
            _ => Vec::new(),
        }
    }
}

/// Offset paging: where the items and the total count are in each page.
#[derive(Debug)]
pub struct OffsetPaging {
    /// The facade method that streams every item.
    pub stream: &'static str,
    /// Page size when the caller gives none.
    pub default_size: u32,
    /// Largest page the API serves.
    pub max_size: u32,
    /// The keys the list can be ordered by (each optionally with `-asc` or `-desc`).
    pub orders: &'static [&'static str],
    /// The JSON path of the items in a page.
    pub items: &'static [&'static str],
    /// The JSON path of the total count in a page.
    pub count: &'static [&'static str],
}

impl OffsetPaging {
    /// The query parameters of an offset-paged operation.
    pub const QUERY: &'static [&'static str] = &["start", "max", "order"];

    /// Checks a page size and an order.
    pub fn check(&self, max: Option<u32>, order: Option<&str>) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(m) = max {
            if m == 0 || m > self.max_size {
                errors.push(FieldError::new("max", "range", format!("must be between 1 and {}", self.max_size)));
            }
        }
        if let Some(o) = order {
            let (key, dir) = crate::wire::split::rsplit_once_at(o, b'-').unwrap_or((o, "asc"));
            if !self.orders.contains(&key) || !matches!(dir, "asc" | "desc") {
                errors.push(FieldError::new(
                    "order",
                    "enum",
                    format!("`{}` is not one of {}, optionally with -asc or -desc", crate::validate::shown(o), crate::wire::split::join(self.orders, ", ")),
                ));
            }
        }
        errors
    }
}

/// A request body read from JSON and checked: its bytes as sent, and every broken rule.
pub type EncodedBody = (Option<Vec<u8>>, Vec<FieldError>);

/// One API operation, as data. Made by [`operations!`](crate::operations) from a typed
/// declaration; read by the request path, dry runs, bulk, paging, the JSON entry point, the
/// type information, the README check and the shared test vectors.
#[derive(Debug)]
pub struct Operation {
    /// Library name, `<resource>.<method>`, e.g. `people.update_ecbn`.
    pub name: &'static str,
    /// The spec's summary.
    pub summary: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path under the base URL, with at most one `{param}`.
    pub path: &'static str,
    /// The path parameter, if any.
    pub path_param: Option<PathParam>,
    /// How the answers are paged.
    pub paging: Paging,
    #[doc(hidden)]
    pub request: fn() -> Option<&'static ModelInfo>,
    #[doc(hidden)]
    pub answer: fn() -> Option<&'static ModelInfo>,
    #[doc(hidden)]
    pub rules: fn(Body<'_>, &mut Validator),
    /// The typed model's reading and writing of an answer, which [`Operation::normalize`] is
    /// tested against (not in the browser package, which has no use for it).
    #[cfg(not(target_arch = "wasm32"))]
    #[doc(hidden)]
    pub typed_normalize: fn(Value) -> Result<Value, String>,
}

impl Operation {
    /// The request body's model (`None` when the operation sends no body).
    pub fn request_model(&self) -> Option<&'static ModelInfo> {
        (self.request)()
    }
    /// The answer's model (`None` for answers without content).
    pub fn answer_model(&self) -> Option<&'static ModelInfo> {
        (self.answer)()
    }
    /// Whether the operation sends a JSON body.
    pub fn has_body(&self) -> bool {
        self.request_model().is_some()
    }
    /// Query parameters besides `orgId`.
    pub fn query(&self) -> &'static [&'static str] {
        match self.paging {
            Paging::None => &[],
            Paging::Offset(_) => OffsetPaging::QUERY,
            Paging::Link(p) if p.start => &["start", "max"],
            Paging::Link(_) => &["max"],
        }
    }
    /// The resource part of the name (`people` of `people.get_ecbn`).
    pub fn resource(&self) -> &'static str {
        crate::wire::split::split_once_at(self.name, b'.').map_or(self.name, |(r, _)| r)
    }
    /// The model of one item of a paged operation's list.
    pub fn item_model(&self) -> Option<&'static ModelInfo> {
        let mut model = self.answer_model()?;
        let path = self.paging.items();
        for (i, key) in path.iter().enumerate() {
            let field = model.field(key)?;
            model = match (&field.kind, i + 1 == path.len()) {
                (FieldKind::List(k), true) => k.model()?,
                (FieldKind::Object(m), false) => m(),
                _ => return None,
            };
        }
        (!path.is_empty()).then_some(model)
    }
    /// Whether this is one of the 26 operations of the Emergency Services Settings spec
    /// (the others are the directory operations the audit reads).
    pub fn in_spec(&self) -> bool {
        SPEC_AREAS.iter().any(|area| area.iter().any(|o| std::ptr::eq(*o, self)))
    }
    /// The method part of the name (`get_ecbn` of `people.get_ecbn`).
    pub fn method_name(&self) -> &'static str {
        crate::wire::split::split_once_at(self.name, b'.').map_or(self.name, |(_, m)| m)
    }
    /// Reads a JSON body: checks its shape against the request model, reads it, applies the
    /// model's rules and serializes it as it will be sent.
    pub fn read_body(&self, body: Option<Value>) -> EncodedBody {
        read_body_as(self.request_model(), self.rules, body)
    }
    /// Reads an answer through the answer model and gives it back as JSON (`null` for no
    /// content). Unknown fields and enum values are kept.
    pub fn normalize(&self, mut answer: Value) -> Result<Value, String> {
        let Some(model) = self.answer_model() else { return Ok(Value::Null) };
        match model.read_answer(&mut answer) {
            Ok(()) => Ok(answer),
            Err(e) => Err(crate::error::bare_message(&e)),
        }
    }
    /// [`Operation::normalize`], failing with a decode error of this operation.
    pub fn read_answer(&self, answer: Value) -> Result<Value, Error> {
        self.normalize(answer).map_err(|message| self.decode_error(message))
    }
    /// The decode error of an answer of this operation that did not read as its model.
    pub fn decode_error(&self, message: String) -> Error {
        let message = crate::error::bare_message(&message);
        Error::Decode(Box::new(DecodeError { operation: self.name.into(), status: 200, message, body_excerpt: String::new(), tracking_id: None }))
    }
}

/// A typed operation: its request and answer types, and its [`Operation`].
pub trait Op: 'static {
    /// What it sends ([`NoContent`](crate::wire::NoContent) for no body).
    type Request: Json + Schema + Validate;
    /// What it answers ([`NoContent`](crate::wire::NoContent) for no content).
    type Answer: Json + Schema + MaybeSend + 'static;
    /// Its description.
    fn operation() -> &'static Operation;
}

/// Validates a typed body and serializes it as it is sent.
pub fn encode_body<B: Json + Validate>(body: &B) -> EncodedBody {
    let json = body.clone().into_json();
    let errors = broken_rules(B::validate, &json);
    serialize(json, errors)
}

/// Every rule of `rules` that the JSON `body` breaks.
fn broken_rules(rules: fn(Body<'_>, &mut Validator), body: &Value) -> Vec<FieldError> {
    let mut v = Validator::default();
    if let Value::Object(map) = body {
        rules(Body(map), &mut v);
    }
    v.errors
}

fn serialize(json: Value, errors: Vec<FieldError>) -> EncodedBody {
    (Some(crate::wire::json::bytes(&json, false)), errors)
}

/// Reads a JSON body as the request `model` with its `rules`: checks its shape (unknown
/// fields, types, with their paths), reads it as the model would (`null` fields dropped,
/// counts as whole numbers), applies the rules and serializes it as it will be sent. One
/// function for every request model, over the model tables (no typed copy per model).
pub fn read_body_as(model: Option<&ModelInfo>, rules: fn(Body<'_>, &mut Validator), body: Option<Value>) -> EncodedBody {
    let Some(model) = model else {
        return match body {
            None | Some(Value::Null) => (None, Vec::new()),
            Some(_) => (None, vec![FieldError::new("body", "unexpected", "this operation takes no body")]),
        };
    };
    let mut body = body.unwrap_or_else(|| Value::Object(Default::default()));
    let Value::Object(map) = &body else {
        return (None, vec![FieldError::new("body", "type", "must be an object with the API's field names")]);
    };
    let mut errors = Vec::new();
    check_shape(model, map, "", &mut errors);
    if !errors.is_empty() {
        return (None, errors);
    }
    if let Err(e) = model.read_answer(&mut body) {
        return (None, vec![FieldError::new("body", "type", crate::error::bare_message(&e))]);
    }
    let errors = broken_rules(rules, &body);
    serialize(body, errors)
}

/// [`read_body_as`] for request type `B`.
pub fn read_body<B: Schema + Validate>(body: Option<Value>) -> EncodedBody {
    read_body_as(B::model(), B::validate, body)
}

/// An answer read by the typed model `A` and written back (what [`Operation::normalize`] is
/// tested against).
#[cfg(not(target_arch = "wasm32"))]
pub fn typed_normalize<A: Json + Schema>(value: Value) -> Result<Value, String> {
    if A::model().is_none() {
        return Ok(Value::Null);
    }
    A::from_json(value).map(Json::into_json).map_err(|e| crate::error::bare_message(&e))
}

/// Declares typed operations: for each, a unit type implementing [`Op`] and a static
/// [`Operation`], plus the area's `OPERATIONS` list in declaration order.
#[macro_export]
#[doc(hidden)]
macro_rules! operations {
    ($($ty:ident / $konst:ident = $name:literal, $method:ident $path:literal,
       path $param:expr, paging $paging:expr, request $req:ty, answer $ans:ty, $summary:literal;)+) => {
        $(
            #[doc = $summary]
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;
            #[doc = $summary]
            pub static $konst: $crate::api::Operation = $crate::api::Operation {
                name: $name,
                summary: $summary,
                method: $crate::api::Method::$method,
                path: $path,
                path_param: $param,
                paging: $paging,
                request: <$req as $crate::wire::Schema>::model,
                answer: <$ans as $crate::wire::Schema>::model,
                rules: <$req as $crate::validate::Validate>::validate,
                #[cfg(not(target_arch = "wasm32"))]
                typed_normalize: $crate::api::typed_normalize::<$ans>,
            };
            impl $crate::api::Op for $ty {
                type Request = $req;
                type Answer = $ans;
                fn operation() -> &'static $crate::api::Operation {
                    &$konst
                }
            }
        )+
        /// This area's operations, in the spec's order.
        pub static OPERATIONS: &[&$crate::api::Operation] = &[$(&$konst),+];
    };
}

/// A path parameter taking `kind` IDs.
pub(crate) const fn param(name: &'static str, kind: IdKind) -> Option<PathParam> {
    Some(PathParam { name, kind })
}

/// One resource of the client (`client.people()`, `client.redsky()`, ...).
#[derive(Debug)]
pub struct Resource {
    /// snake_case name, the prefix of its operations' names.
    pub name: &'static str,
    /// Class name in the bindings (`People`, `RedSky`, ...).
    pub class: &'static str,
}

/// Every resource, members first.
pub static RESOURCES: &[Resource] = &[
    Resource { name: "people", class: "People" },
    Resource { name: "workspaces", class: "Workspaces" },
    Resource { name: "virtual_lines", class: "VirtualLines" },
    Resource { name: "hunt_groups", class: "HuntGroups" },
    Resource { name: "notifications", class: "Notifications" },
    Resource { name: "redsky", class: "RedSky" },
    Resource { name: "locations", class: "Locations" },
];

/// The areas of the Emergency Services Settings spec's 26 operations.
static SPEC_AREAS: &[&[&Operation]] = &[redsky::OPERATIONS, notifications::OPERATIONS, ecbn::OPERATIONS];
/// Every area: the spec's, then the directory operations the audit reads.
static AREAS: &[&[&Operation]] =
    &[redsky::OPERATIONS, notifications::OPERATIONS, ecbn::OPERATIONS, directory::OPERATIONS, location_ecbn::OPERATIONS];

/// Every operation: the spec's 26 in its order, then the directory operations.
pub fn operations() -> impl Iterator<Item = &'static Operation> {
    AREAS.iter().flat_map(|area| area.iter().copied())
}

/// The operation with this library name.
pub fn find(name: &str) -> Option<&'static Operation> {
    for area in AREAS {
        for op in *area {
            if op.name == name {
                return Some(op);
            }
        }
    }
    None
}
