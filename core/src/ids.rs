//! Webex IDs: base64 of `ciscospark://<cluster>/<KIND>/<id>`, decoded to check their kind.

use base64::engine::general_purpose::STANDARD_NO_PAD;
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
    let trimmed = crate::wire::split::trim_end_any(id, b"=");
    let bytes = base64_decode(trimmed, false).or_else(|| base64_decode(trimmed, true))?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let rest = text.strip_prefix("ciscospark://")?;
    let (cluster, rest) = crate::wire::split::split_once_at(rest, b'/')?;
    let (kind, inner) = crate::wire::split::split_once_at(rest, b'/')?;
    if cluster.is_empty() || kind.is_empty() || inner.is_empty() {
        return None;
    }
    Some(WebexId { cluster: cluster.into(), kind: kind.into(), id: inner.into() })
}

/// Decodes unpadded base64 in the standard alphabet, or the URL-safe one when `url_safe`, as the
/// `base64` crate's `*_NO_PAD` engines do: `None` for a symbol outside the alphabet, a length
/// that leaves one symbol over, or unused bits that are not zero (a test compares the two). By
/// hand because the crate's decoder cost 1.8 kB of the gzipped browser package (2026-12-06).
pub(crate) fn base64_decode(text: &str, url_safe: bool) -> Option<Vec<u8>> {
    let (s62, s63) = if url_safe { (b'-', b'_') } else { (b'+', b'/') };
    let sextet = |b: u8| -> Option<u32> {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            _ if b == s62 => 62,
            _ if b == s63 => 63,
            _ => return None,
        };
        Some(u32::from(v))
    };
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        let mut bits = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            bits |= sextet(b)? << (18 - 6 * i);
        }
        // Four symbols give three bytes, three give two, two give one.
        let [_, bytes @ ..] = bits.to_be_bytes();
        let (kept, unused) = bytes.split_at(chunk.len() - 1);
        if unused.iter().any(|&b| b != 0) {
            return None;
        }
        out.extend_from_slice(kept);
    }
    Some(out)
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
    if !crate::wire::split::all_bytes(id, allowed) {
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
            crate::wire::split::join(&[kind, "/", &d.id.to_ascii_lowercase()], "")
        }
        None => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    use base64::Engine;
    use proptest::prelude::*;

    #[test]
    fn base64_decode_refuses_unused_bits_that_are_not_zero() {
        assert_eq!(super::base64_decode("AQ", false), Some(vec![1]));
        assert_eq!(super::base64_decode("Aa", false), None);
        assert_eq!(super::base64_decode("AQE", true), Some(vec![1, 1]));
        assert_eq!(super::base64_decode("AQF", true), None);
        assert_eq!(super::base64_decode("A", false), None);
    }

    proptest! {
        /// The hand-written decoder agrees with the `base64` crate on every text over both
        /// alphabets and a few symbols outside them (mostly invalid, often valid).
        #[test]
        fn base64_decode_agrees_with_the_base64_crate(text in "[A-Za-z0-9+/_=.-]{0,24}") {
            prop_assert_eq!(super::base64_decode(&text, false), STANDARD_NO_PAD.decode(&text).ok());
            prop_assert_eq!(super::base64_decode(&text, true), URL_SAFE_NO_PAD.decode(&text).ok());
        }

        /// Every encoded byte string decodes back, in both alphabets.
        #[test]
        fn base64_decode_reads_what_was_encoded(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(super::base64_decode(&STANDARD_NO_PAD.encode(&bytes), false), Some(bytes.clone()));
            prop_assert_eq!(super::base64_decode(&URL_SAFE_NO_PAD.encode(&bytes), true), Some(bytes));
        }
    }
}
