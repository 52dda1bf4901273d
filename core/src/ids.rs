//! Webex IDs: base64 of `ciscospark://<cluster>/<KIND>/<id>`, decoded to check their kind.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;

/// The kinds of Webex ID this API takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// A person (`PEOPLE`).
    Person,
    /// A workspace (`PLACE` or `PLACES`).
    Workspace,
    /// A virtual line (`VIRTUAL_LINE`).
    VirtualLine,
    /// A hunt group (`HUNT_GROUP`).
    HuntGroup,
    /// A location (`LOCATION`).
    Location,
    /// An organization (`ORGANIZATION`).
    Organization,
    /// Any member that can lend its number as an ECBN: person, workspace, virtual line or hunt group.
    LocationMember,
}

impl IdKind {
    /// Whether the decoded kind text fits this kind.
    pub fn accepts(self, kind: &str) -> bool {
        match self {
            IdKind::Person => kind == "PEOPLE",
            IdKind::Workspace => kind == "PLACE" || kind == "PLACES",
            IdKind::VirtualLine => kind == "VIRTUAL_LINE",
            IdKind::HuntGroup => kind == "HUNT_GROUP",
            IdKind::Location => kind == "LOCATION",
            IdKind::Organization => kind == "ORGANIZATION",
            IdKind::LocationMember => {
                matches!(kind, "PEOPLE" | "PLACE" | "PLACES" | "VIRTUAL_LINE" | "HUNT_GROUP")
            }
        }
    }
    /// How the kind is written inside an ID (the first form, for several).
    pub fn expected(self) -> &'static str {
        match self {
            IdKind::Person => "PEOPLE",
            IdKind::Workspace => "PLACE",
            IdKind::VirtualLine => "VIRTUAL_LINE",
            IdKind::HuntGroup => "HUNT_GROUP",
            IdKind::Location => "LOCATION",
            IdKind::Organization => "ORGANIZATION",
            IdKind::LocationMember => "PEOPLE, PLACE, VIRTUAL_LINE or HUNT_GROUP",
        }
    }
}

/// The three parts of a decoded Webex ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebexId {
    /// Cluster, e.g. `us` or `urn:TEAM:us-west-2_r`.
    pub cluster: String,
    /// Kind, e.g. `PEOPLE`.
    pub kind: String,
    /// The inner ID (often a UUID, not always).
    pub id: String,
}

impl WebexId {
    /// Encodes `ciscospark://<cluster>/<kind>/<id>` as Webex does (URL-safe-free base64, no padding).
    pub fn encode(cluster: &str, kind: &str, id: &str) -> String {
        STANDARD_NO_PAD.encode(format!("ciscospark://{cluster}/{kind}/{id}"))
    }
}

/// Decodes a Webex ID; `None` when it is not one (the server then decides).
pub fn decode(id: &str) -> Option<WebexId> {
    let trimmed = id.trim_end_matches('=');
    let bytes = STANDARD_NO_PAD
        .decode(trimmed)
        .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed))
        .ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let rest = text.strip_prefix("ciscospark://")?;
    let (cluster, rest) = rest.split_once('/')?;
    let (kind, inner) = rest.split_once('/')?;
    if cluster.is_empty() || kind.is_empty() || inner.is_empty() {
        return None;
    }
    Some(WebexId { cluster: cluster.into(), kind: kind.into(), id: inner.into() })
}

/// Checks an ID given for `field`: not empty, and if it decodes, of the `expected` kind.
/// Returns the field error to report, if any.
pub fn check(field: &str, id: &str, expected: IdKind) -> Option<crate::error::FieldError> {
    if id.trim().is_empty() {
        return Some(crate::error::FieldError::new(field, "required", "must be a non-empty Webex ID"));
    }
    if let Some(e) = check_form(field, id) {
        return Some(e);
    }
    let decoded = decode(id)?;
    if expected.accepts(&decoded.kind) {
        return None;
    }
    Some(crate::error::FieldError::new(
        field,
        "id_kind",
        format!("expected a {} ID but got a {} ID", expected.expected(), decoded.kind),
    ))
}

/// Longest ID accepted (real Webex IDs are about 100 characters).
pub const MAX_ID_LEN: usize = 1024;

/// An ID goes into a URL path, so it may only use the base64 and base64url alphabets (with `=`
/// padding) that every Webex ID is written in. Without `.` and `%`, no ID (`..`, `%2e%2e`,
/// `a/../b`) can become a dot segment that a URL parser resolves to another resource.
fn check_form(field: &str, id: &str) -> Option<crate::error::FieldError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_');
    if id.len() > MAX_ID_LEN {
        return Some(crate::error::FieldError::new(field, "id_format", "is longer than a Webex ID can be"));
    }
    if !id.bytes().all(allowed) {
        return Some(crate::error::FieldError::new(
            field,
            "id_format",
            "must be a Webex ID: letters, digits and + / = - _ only (no dots, percent signs or spaces)",
        ));
    }
    None
}

/// What an ID identifies, for comparing IDs: its decoded kind and inner ID (the API writes one
/// ID in several base64 forms: with or without padding, with `us` or `urn:TEAM:...` clusters),
/// or the ID itself when it does not decode.
pub fn identity(id: &str) -> String {
    match decode(id) {
        Some(d) => {
            // Workspaces are PLACE or PLACES, the same thing.
            let kind = if d.kind == "PLACES" { "PLACE" } else { d.kind.as_str() };
            [kind, "/", &d.id.to_ascii_lowercase()].concat()
        }
        None => id.to_string(),
    }
}
