//! Every operation by name with JSON arguments and results: the one entry point of the Python
//! and JavaScript bindings and of the shared test vectors. Requests still go through the typed
//! models (so the same rules apply) and answers are read through the typed models too.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::call::Call;
use crate::models::{Fields, Json, NoContent, RequestBody};
use crate::ops::{self, Operation};
use crate::{ecbn, notifications as notif, redsky};
use crate::{Client, Error, FieldError, ValidationErrors};

/// Arguments of one call, as JSON with the API's names.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
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
    /// Paging offset (compliance status list).
    #[serde(default)]
    pub start: Option<u32>,
    /// Page size (compliance status list).
    #[serde(default)]
    pub max: Option<u32>,
    /// Sort order (compliance status list).
    #[serde(default)]
    pub order: Option<String>,
}

/// Reads a JSON body as `T`, first checking its shape against `T`'s fields so that every
/// unknown field and every value of the wrong JSON type is reported with its path.
pub fn parse_body<T: Json + Fields>(body: Option<Value>) -> Result<T, Vec<FieldError>> {
    let body = body.unwrap_or_else(|| Value::Object(Default::default()));
    let Value::Object(map) = &body else {
        return Err(vec![FieldError::new("body", "type", "must be an object with the API's field names")]);
    };
    let mut errors = Vec::new();
    check_shape(T::FIELD_TYPES, map, "", &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    T::from_json(body).map_err(|e| vec![FieldError::new("body", "type", e.trim_start_matches(['.', ':', ' ']).to_string())])
}

/// Fields of the request models that appear nested in others.
fn nested_fields(rust_type: &str) -> Option<&'static [(&'static str, &'static str)]> {
    match rust_type {
        "Address" => Some(redsky::Address::FIELD_TYPES),
        _ => None,
    }
}

fn check_shape(fields: &[(&str, &str)], body: &serde_json::Map<String, Value>, prefix: &str, errors: &mut Vec<FieldError>) {
    for (key, value) in body {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        let Some((_, rust_type)) = fields.iter().find(|(name, _)| is_camel_of(key, name)) else {
            let known: Vec<String> = fields.iter().map(|(n, _)| snake_to_camel(n)).collect();
            errors.push(FieldError::new(path, "unknown_field", format!("is not a field of this request; expected one of {}", known.join(", "))));
            continue;
        };
        if value.is_null() {
            continue;
        }
        let expected = match *rust_type {
            "bool" => value.is_boolean().then_some(()).ok_or("must be true or false"),
            t => match nested_fields(t) {
                Some(inner) => match value {
                    Value::Object(m) => {
                        check_shape(inner, m, &path, errors);
                        Ok(())
                    }
                    _ => Err("must be an object"),
                },
                // text and enums
                None => value.is_string().then_some(()).ok_or("must be a string"),
            },
        };
        if let Err(message) = expected {
            errors.push(FieldError::new(path, "type", message));
        }
    }
}

fn with_body<B: RequestBody + Fields>(
    client: &Client,
    op: &'static Operation,
    id: Option<&str>,
    body: Option<Value>,
) -> Call<Value> {
    match parse_body::<B>(body) {
        Ok(b) => Call::new(client, op, id, Some(&b)),
        Err(e) => Call::new::<NoContent>(client, op, id, None).with_errors(e),
    }
}

/// A call of the named operation (e.g. `people.update_ecbn`) from JSON arguments. Every broken
/// rule is kept in the call and reported when it is sent or dry-run.
pub fn call(client: &Client, operation: &str, args: Args) -> Result<Call<Value>, Error> {
    Ok(call_op(client, find(operation)?, args))
}

/// The operation with this name, or a configuration error naming it.
pub fn find(operation: &str) -> Result<&'static Operation, Error> {
    ops::find(operation).ok_or_else(|| Error::Config(format!("unknown operation `{operation}`")))
}

/// [`call`] for an operation already looked up.
pub fn call_op(client: &Client, op: &'static Operation, args: Args) -> Call<Value> {
    let id = args.id.as_deref();
    let mut missing = Vec::new();
    if let Some((name, _)) = op.path_param {
        if id.is_none() {
            missing.push(FieldError::new(name, "required", "is required"));
        }
    }
    let body = args.body;
    let call = match op.name {
        "people.update_ecbn" => with_body::<ecbn::PersonEcbnUpdate>(client, op, id, body),
        "workspaces.update_ecbn" => with_body::<ecbn::WorkspaceEcbnUpdate>(client, op, id, body),
        "virtual_lines.update_ecbn" => with_body::<ecbn::VirtualLineEcbnUpdate>(client, op, id, body),
        "notifications.update_org" => with_body::<notif::OrgNotificationUpdate>(client, op, id, body),
        "notifications.update_location" => {
            with_body::<notif::LocationNotificationUpdate>(client, op, id, body)
        }
        "redsky.update_service_settings" => {
            with_body::<redsky::ServiceSettingsUpdate>(client, op, id, body)
        }
        "redsky.create_account" => with_body::<redsky::AccountCreate>(client, op, id, body),
        "redsky.login" => with_body::<redsky::Login>(client, op, id, body),
        "redsky.update_status" | "redsky.update_location_status" => {
            with_body::<redsky::ComplianceStatusUpdate>(client, op, id, body)
        }
        "redsky.create_building" => with_body::<redsky::BuildingCreate>(client, op, id, body),
        "redsky.update_building" => with_body::<redsky::BuildingUpdate>(client, op, id, body),
        _ => {
            let mut c = Call::new::<NoContent>(client, op, id, None);
            if body.is_some() {
                c = c.with_errors(vec![FieldError::new("body", "unexpected", "this operation takes no body")]);
            }
            c
        }
    };
    let mut call = call.with_errors(missing);
    if op.query.is_empty() {
        if args.start.is_some() || args.max.is_some() || args.order.is_some() {
            call = call.with_errors(vec![FieldError::new(
                "start/max/order",
                "unexpected",
                "only the compliance status list takes paging parameters",
            )]);
        }
    } else {
        call = call
            .with_errors(redsky::check_page(args.max, args.order.as_deref()))
            .with_query("start", args.start.map(|s| s.to_string()))
            .with_query("max", args.max.map(|m| m.to_string()))
            .with_query("order", args.order);
    }
    if let Some(org) = args.org_id {
        call = call.org_id(org);
    }
    call
}

fn via<T: Json>(value: Value) -> Result<Value, String> {
    // The shortcut costs code size, which the npm package is short of; browsers read one answer
    // at a time, so it only pays natively.
    #[cfg(not(target_arch = "wasm32"))]
    if T::is_canonical(&value) {
        return Ok(value);
    }
    T::from_json(value).map(Json::into_json)
}

/// Reads an answer of the named operation through its typed model and gives it back as JSON
/// (`null` for operations without content). Unknown fields and enum values are kept.
pub fn normalize(operation: &str, value: Value) -> Result<Value, Error> {
    let result = match operation {
        "people.get_ecbn" | "workspaces.get_ecbn" | "virtual_lines.get_ecbn" => via::<ecbn::Ecbn>(value),
        "people.ecbn_dependencies"
        | "workspaces.ecbn_dependencies"
        | "virtual_lines.ecbn_dependencies"
        | "hunt_groups.ecbn_dependencies" => via::<ecbn::EcbnDependencies>(value),
        "notifications.get_org" => via::<notif::OrgNotification>(value),
        "notifications.get_location" => via::<notif::LocationNotification>(value),
        "redsky.get_account" => via::<redsky::Account>(value),
        "redsky.login" => via::<redsky::LoginResult>(value),
        "redsky.get_status" | "redsky.update_status" | "redsky.compliance_status_page"
        | "redsky.location_status" => via::<redsky::ComplianceStatus>(value),
        "redsky.update_location_status" => via::<redsky::LocationStatusUpdate>(value),
        "redsky.location_parameters" => via::<redsky::LocationParameters>(value),
        _ => Ok(Value::Null),
    };
    result.map_err(|e| {
        Error::Decode(crate::DecodeError {
            operation: operation.to_string(),
            status: 200,
            message: e.trim_start_matches(['.', ':', ' ']).to_string(),
            body_excerpt: String::new(),
            tracking_id: None,
        })
    })
}

/// Sends the named operation and returns its normalized JSON answer.
pub async fn send(client: &Client, operation: &str, args: Args) -> Result<Value, Error> {
    let call = call(client, operation, args)?;
    let name = call.operation().name;
    let raw = call.send().await?;
    normalize(name, raw)
}

/// The validation error for a request that could not even be read.
pub fn invalid(operation: &str, errors: Vec<FieldError>) -> Error {
    Error::Validation(ValidationErrors { operation: operation.to_string(), errors })
}

/// Whether `camel` is the API's JSON name of the snake_case `snake`, without allocating.
fn is_camel_of(camel: &str, snake: &str) -> bool {
    if let Some((_, json)) = ALIASES.iter().find(|(s, _)| *s == snake) {
        return *json == camel;
    }
    let mut expected = snake.split('_').enumerate().flat_map(|(i, part)| {
        let mut chars = part.chars();
        let first = chars.next().map(|c| if i == 0 { c } else { c.to_ascii_uppercase() });
        first.into_iter().chain(chars)
    });
    let mut got = camel.chars();
    loop {
        match (expected.next(), got.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// JSON names that plain snake_case to camelCase conversion gets wrong.
const ALIASES: &[(&str, &str)] = &[("location_ecbn_info", "locationECBNInfo")];

/// The API's JSON name of a snake_case field name (`location_member_id` → `locationMemberId`).
pub fn snake_to_camel(name: &str) -> String {
    if let Some((_, json)) = ALIASES.iter().find(|(s, _)| *s == name) {
        return json.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The model type name of the answer of an operation (`None` for no content).
pub fn result_model(operation: &str) -> Option<&'static str> {
    Some(match operation {
        "people.get_ecbn" | "workspaces.get_ecbn" | "virtual_lines.get_ecbn" => "Ecbn",
        "people.ecbn_dependencies"
        | "workspaces.ecbn_dependencies"
        | "virtual_lines.ecbn_dependencies"
        | "hunt_groups.ecbn_dependencies" => "EcbnDependencies",
        "notifications.get_org" => "OrgNotification",
        "notifications.get_location" => "LocationNotification",
        "redsky.get_account" => "Account",
        "redsky.login" => "LoginResult",
        "redsky.get_status" | "redsky.update_status" | "redsky.compliance_status_page"
        | "redsky.location_status" => "ComplianceStatus",
        "redsky.update_location_status" => "LocationStatusUpdate",
        "redsky.location_parameters" => "LocationParameters",
        _ => return None,
    })
}

/// The model type of a nested JSON field of an answer (the field names are unique in this API).
pub fn nested_model(json_field: &str) -> Option<&'static str> {
    Some(match json_field {
        "directLineInfo" | "locationECBNInfo" | "locationMemberInfo" | "defaultInfo" => "EcbnInfo",
        "organization" => "OrgNotification",
        "locationsStatus" => "LocationsStatus",
        "locations" => "RedSkyLocation",
        _ => return None,
    })
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
            if let Some((name, _)) = op.path_param {
                for key in ["id".to_string(), name.to_string(), camel_to_snake(name)] {
                    if let Some(v) = map.remove(&key) {
                        id = v;
                        break;
                    }
                }
            }
            (id, Value::Object(map))
        }
        _ => {
            return Err(FieldError::new(
                "item",
                "type",
                "each item must be an object or an (id, fields) pair",
            ))
        }
    };
    let id = match id {
        Value::Null => None,
        Value::String(s) => Some(s),
        _ => return Err(FieldError::new(op.path_param.map(|p| p.0).unwrap_or("id"), "type", "must be a string")),
    };
    let body = match fields {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (snake_to_camel(&k), v)).collect())
        }
        Value::Null => Value::Object(Default::default()),
        _ => return Err(FieldError::new("item", "type", "the fields of an item must be an object")),
    };
    Ok(Args { id, body: op.has_body.then_some(body), ..Default::default() })
}

/// A call from one bulk item; an item that cannot be read becomes a call that fails validation.
pub fn call_from_item(client: &Client, op: &'static Operation, item: Value, org_id: Option<&str>) -> Call<Value> {
    let mut call = match args_from_item(op, item) {
        Ok(args) => call_op(client, op, args),
        Err(e) => failed_call(client, op, vec![e]),
    };
    if let Some(org) = org_id {
        call = call.org_id(org);
    }
    call
}

/// The snake_case name of a camelCase JSON name (`personId` → `person_id`).
pub fn camel_to_snake(name: &str) -> String {
    if let Some((snake, _)) = ALIASES.iter().find(|(_, j)| *j == name) {
        return snake.to_string();
    }
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Arguments from a call's keyword fields (snake_case or camelCase) merged over a body object.
pub fn args_from_fields(
    op: &Operation,
    id: Option<String>,
    body: Option<Value>,
    fields: serde_json::Map<String, Value>,
) -> Args {
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
    let body = if op.has_body { Some(body.unwrap_or_else(|| Value::Object(Default::default()))) } else { body };
    Args { id, body, ..Default::default() }
}

/// A call of `operation` that fails validation with `errors` (for items that cannot be read).
pub fn failed_call(client: &Client, op: &'static Operation, errors: Vec<FieldError>) -> Call<Value> {
    Call::new::<NoContent>(client, op, None, None).with_errors(errors)
}

/// Names of the answer models, as [`result_model`] and [`nested_model`] give them.
pub const MODELS: &[&str] = &[
    "Ecbn",
    "EcbnInfo",
    "EcbnDependencies",
    "OrgNotification",
    "LocationNotification",
    "Account",
    "RedSkyLocation",
    "LocationsStatus",
    "ComplianceStatus",
    "LocationStatusUpdate",
    "LoginResult",
    "LocationParameters",
];

/// The snake_case field names of an answer model.
pub fn model_fields(model: &str) -> Option<&'static [&'static str]> {
    Some(match model {
        "Ecbn" => ecbn::Ecbn::FIELDS,
        "EcbnInfo" => ecbn::EcbnInfo::FIELDS,
        "EcbnDependencies" => ecbn::EcbnDependencies::FIELDS,
        "OrgNotification" => notif::OrgNotification::FIELDS,
        "LocationNotification" => notif::LocationNotification::FIELDS,
        "Account" => redsky::Account::FIELDS,
        "RedSkyLocation" => redsky::RedSkyLocation::FIELDS,
        "LocationsStatus" => redsky::LocationsStatus::FIELDS,
        "ComplianceStatus" => redsky::ComplianceStatus::FIELDS,
        "LocationStatusUpdate" => redsky::LocationStatusUpdate::FIELDS,
        "LoginResult" => redsky::LoginResult::FIELDS,
        "LocationParameters" => redsky::LocationParameters::FIELDS,
        _ => return None,
    })
}

/// The request body model of an operation, if it takes one.
pub fn request_model(operation: &str) -> Option<&'static str> {
    Some(match operation {
        "people.update_ecbn" => "PersonEcbnUpdate",
        "workspaces.update_ecbn" => "WorkspaceEcbnUpdate",
        "virtual_lines.update_ecbn" => "VirtualLineEcbnUpdate",
        "notifications.update_org" => "OrgNotificationUpdate",
        "notifications.update_location" => "LocationNotificationUpdate",
        "redsky.update_service_settings" => "ServiceSettingsUpdate",
        "redsky.create_account" => "AccountCreate",
        "redsky.login" => "Login",
        "redsky.update_status" | "redsky.update_location_status" => "ComplianceStatusUpdate",
        "redsky.create_building" => "BuildingCreate",
        "redsky.update_building" => "BuildingUpdate",
        _ => return None,
    })
}

/// Every model (requests and answers) with its fields and their Rust types, and every enum
/// with its known values: what generated type stubs and declarations are made from.
pub fn type_info() -> Value {
    use crate::validate::ApiEnum;
    let fields = |f: &[(&str, &str)]| -> Value {
        f.iter().map(|(n, t)| serde_json::json!([n, snake_to_camel(n), t])).collect()
    };
    let requests: serde_json::Map<String, Value> = [
        ("PersonEcbnUpdate", ecbn::PersonEcbnUpdate::FIELD_TYPES),
        ("WorkspaceEcbnUpdate", ecbn::WorkspaceEcbnUpdate::FIELD_TYPES),
        ("VirtualLineEcbnUpdate", ecbn::VirtualLineEcbnUpdate::FIELD_TYPES),
        ("OrgNotificationUpdate", notif::OrgNotificationUpdate::FIELD_TYPES),
        ("LocationNotificationUpdate", notif::LocationNotificationUpdate::FIELD_TYPES),
        ("ServiceSettingsUpdate", redsky::ServiceSettingsUpdate::FIELD_TYPES),
        ("AccountCreate", redsky::AccountCreate::FIELD_TYPES),
        ("Login", redsky::Login::FIELD_TYPES),
        ("ComplianceStatusUpdate", redsky::ComplianceStatusUpdate::FIELD_TYPES),
        ("Address", redsky::Address::FIELD_TYPES),
        ("BuildingCreate", redsky::BuildingCreate::FIELD_TYPES),
        ("BuildingUpdate", redsky::BuildingUpdate::FIELD_TYPES),
    ]
    .into_iter()
    .map(|(n, f)| (n.to_string(), fields(f)))
    .collect();
    let answers: serde_json::Map<String, Value> = [
        ("Ecbn", ecbn::Ecbn::FIELD_TYPES),
        ("EcbnInfo", ecbn::EcbnInfo::FIELD_TYPES),
        ("EcbnDependencies", ecbn::EcbnDependencies::FIELD_TYPES),
        ("OrgNotification", notif::OrgNotification::FIELD_TYPES),
        ("LocationNotification", notif::LocationNotification::FIELD_TYPES),
        ("Account", redsky::Account::FIELD_TYPES),
        ("RedSkyLocation", redsky::RedSkyLocation::FIELD_TYPES),
        ("LocationsStatus", redsky::LocationsStatus::FIELD_TYPES),
        ("ComplianceStatus", redsky::ComplianceStatus::FIELD_TYPES),
        ("LocationStatusUpdate", redsky::LocationStatusUpdate::FIELD_TYPES),
        ("LoginResult", redsky::LoginResult::FIELD_TYPES),
        ("LocationParameters", redsky::LocationParameters::FIELD_TYPES),
    ]
    .into_iter()
    .map(|(n, f)| (n.to_string(), fields(f)))
    .collect();
    let enums = serde_json::json!({
        "EcbnSelection": ecbn::EcbnSelection::KNOWN,
        "CallbackSelection": ecbn::CallbackSelection::KNOWN,
        "EffectiveLevel": ecbn::EffectiveLevel::KNOWN,
        "EcbnQuality": ecbn::EcbnQuality::KNOWN,
        "MemberType": ecbn::MemberType::KNOWN,
        "OrgPrefix": redsky::OrgPrefix::KNOWN,
        "ComplianceStage": redsky::ComplianceStage::KNOWN,
        "OrgStatus": redsky::OrgStatus::KNOWN,
        "ComplianceStatusValue": redsky::ComplianceStatusValue::KNOWN,
        "LocationState": redsky::LocationState::KNOWN,
    });
    serde_json::json!({"requests": requests, "answers": answers, "enums": enums, "operations": operations()})
}

/// The operations table: name, summary, method, path, path parameter, query, request and answer models.
pub fn operations() -> Value {
    ops::OPERATIONS
        .iter()
        .map(|o| {
            serde_json::json!({
                "name": o.name, "summary": o.summary, "method": o.method.as_str(), "path": o.path,
                "pathParam": o.path_param.map(|p| p.0), "query": o.query,
                "request": request_model(o.name), "result": result_model(o.name),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_names_match_without_allocating() {
        for (snake, camel) in [("location_member_id", "locationMemberId"), ("address_line1", "addressLine1"), ("enabled", "enabled"), ("location_ecbn_info", "locationECBNInfo")] {
            assert!(is_camel_of(camel, snake), "{snake}");
            assert_eq!(snake_to_camel(snake), camel);
        }
        for (snake, camel) in [("location_member_id", "locationMemberID"), ("enabled", "enable"), ("email", "emailAddress")] {
            assert!(!is_camel_of(camel, snake), "{snake} {camel}");
        }
    }
}
