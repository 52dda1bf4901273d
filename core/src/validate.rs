//! Checks of what is sent: the shape of a JSON body against its model, the field rules
//! shared by all request models, and the enum type that keeps unknown values.

use serde_json::{Map, Value};

use crate::error::FieldError;
use crate::ids::{self, IdKind};
use crate::wire::{FieldKind, ModelInfo, NoContent};

/// A request body's own rules (required fields, cross-field rules, ID kinds, ...), on top of
/// its JSON shape. They read the body as JSON, as it is sent: typed calls and the JSON entry
/// point run the same rules, and the browser package carries no typed copy of the bodies.
pub trait Validate {
    /// Records every rule `body` breaks.
    fn validate(body: Body<'_>, v: &mut Validator);
}

impl Validate for NoContent {
    fn validate(_body: Body<'_>, _v: &mut Validator) {}
}

/// A request body's fields by their API names, as the rules read them (`null` is absent).
#[derive(Debug, Clone, Copy)]
pub struct Body<'a>(pub &'a Map<String, Value>);

impl<'a> Body<'a> {
    /// The field's value, unless absent or `null`.
    pub fn get(self, field: &str) -> Option<&'a Value> {
        self.0.get(field).filter(|v| !v.is_null())
    }
    /// The field's text (`None` when absent or not a string).
    pub fn text(self, field: &str) -> Option<&'a str> {
        self.get(field).and_then(Value::as_str)
    }
    /// The nested object in `field`.
    pub fn object(self, field: &str) -> Option<Body<'a>> {
        self.get(field).and_then(Value::as_object).map(Body)
    }
}

/// Checks a JSON body against `model`: every unknown field and every value of the wrong JSON
/// type is reported with its path (e.g. `address.city`), before the body is read.
pub fn check_shape(model: &ModelInfo, body: &Map<String, Value>, prefix: &str, errors: &mut Vec<FieldError>) {
    for (key, value) in body {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        let Some(field) = model.field(key) else {
            let known = crate::wire::split::join(model.json_names(), ", ");
            errors.push(FieldError::new(path, "unknown_field", format!("is not a field of this request; expected one of {known}")));
            continue;
        };
        check_value(&field.kind, value, path, errors);
    }
}

fn check_value(kind: &FieldKind, value: &Value, path: String, errors: &mut Vec<FieldError>) {
    if value.is_null() {
        return;
    }
    if !kind.accepts(value) {
        errors.push(FieldError::new(path, "type", kind.expectation()));
        return;
    }
    match (kind, value) {
        (FieldKind::Object(model), Value::Object(map)) => check_shape(model(), map, &path, errors),
        (FieldKind::List(item), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                check_value(item, v, format!("{path}[{i}]"), errors);
            }
        }
        _ => {}
    }
}

/// Collects every broken rule of one request.
#[derive(Debug, Default)]
pub struct Validator {
    /// What was found so far.
    pub errors: Vec<FieldError>,
}

impl Validator {
    /// Records a broken rule.
    pub fn push(&mut self, field: &str, rule: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, rule, message));
    }
    /// A field the spec requires.
    pub fn required(&mut self, field: &str, value: Option<&Value>) {
        if value.is_none() {
            self.push(field, "required", "is required");
        }
    }
    /// A known value of an API enum (unknown values are readable but never sent).
    pub fn known(&mut self, field: &str, value: Option<&str>, known: &[&str]) {
        if let Some(v) = value {
            if !known.contains(&v) {
                self.push(field, "enum", format!("`{}` is not one of {}", shown(v), crate::wire::split::join(known, ", ")));
            }
        }
    }
    /// A plausible e-mail address, when given.
    pub fn email(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value {
            if !is_plausible_email(v) {
                self.push(field, "email", format!("`{}` is not a plausible e-mail address", shown(v)));
            }
        }
    }
    /// A Webex ID of the expected kind, when given.
    pub fn id(&mut self, field: &str, value: Option<&str>, kind: IdKind) {
        if let Some(v) = value {
            if let Some(e) = ids::check(field, v, kind) {
                self.errors.push(e);
            }
        }
    }
    /// A text that must not be empty, when given.
    pub fn non_empty(&mut self, field: &str, value: Option<&str>) {
        if matches!(value, Some(v) if v.trim().is_empty()) {
            self.push(field, "non_empty", "must not be empty");
        }
    }
}

/// `local@domain.tld`: one `@`, no spaces, control or invisible characters, a dot in the domain,
/// at most 254 bytes. A domain label holds ASCII letters, digits and inner hyphens, or non-ASCII
/// characters (internationalised names) other than the full-width forms of punctuation. Which
/// non-ASCII characters are letters is left to the server: the Unicode tables for
/// `char::is_alphanumeric` were 1.9 kB of the gzipped browser package.
pub fn is_plausible_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control() || is_invisible(c)) {
        return false;
    }
    let Some((local, domain)) = crate::wire::split::split_once_at(s, b'@') else { return false };
    if local.is_empty() || local.len() > 64 || domain.as_bytes().contains(&b'@') {
        return false;
    }
    let mut labels = 0;
    for l in crate::wire::split::pieces(domain, b'.') {
        let well_formed = !l.is_empty()
            && !l.starts_with("-")
            && !l.ends_with("-")
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && !is_wide_punctuation(c)));
        if !well_formed {
            return false;
        }
        labels += 1;
    }
    labels >= 2
}

/// `v` as an error message may quote it: control and invisible characters written as
/// `\u{202E}`, so that they can neither hide nor reorder the message's text.
pub(crate) fn shown(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if c.is_control() || is_invisible(c) {
            out.push_str(&format!("\\u{{{:X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Unicode's default-ignorable code points (DerivedCoreProperties.txt): zero-width and
/// direction marks, joiners, variation selectors, tags. They show nothing, so an address holding
/// one reads as another address (`a@exa\u{202E}mple.com`).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// Full-width and ideographic punctuation: the wide forms of the ASCII punctuation a domain
/// label refuses (`！` for `!`), and the ideographic comma, full stop and brackets.
fn is_wide_punctuation(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{3004}' | '\u{3008}'..='\u{3020}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}')
}

/// An API enum: known values plus any other value the server sends, kept as text.
pub trait ApiEnum {
    /// The values the spec lists.
    const KNOWN: &'static [&'static str];
    /// The value as the API writes it.
    fn as_str(&self) -> &str;
    /// Whether the value is one the spec lists.
    fn is_known(&self) -> bool;
}

/// Defines an API enum whose unknown values are kept in `Other(String)`.
#[macro_export]
#[doc(hidden)]
macro_rules! api_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $variant,)+
            /// A value this version of the library does not know, kept as sent.
            Other(String),
        }
        impl $crate::validate::ApiEnum for $name {
            const KNOWN: &'static [&'static str] = &[$($text),+];
            fn as_str(&self) -> &str {
                match self { $(Self::$variant => $text,)+ Self::Other(s) => s }
            }
            fn is_known(&self) -> bool { !matches!(self, Self::Other(_)) }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s { $($text => Self::$variant,)+ other => Self::Other(other.to_string()) }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::validate::ApiEnum::as_str(self))
            }
        }
        impl $crate::wire::HasKind for $name {
            const KIND: $crate::wire::FieldKind = $crate::wire::FieldKind::Enum(&$crate::wire::EnumInfo {
                name: stringify!($name),
                values: <$name as $crate::validate::ApiEnum>::KNOWN,
            });
        }
        impl $crate::wire::Inspect for $name {}
        impl $crate::wire::Json for $name {
            fn from_json(v: serde_json::Value) -> Result<Self, String> {
                match v {
                    serde_json::Value::String(s) => Ok(Self::from(s.as_str())),
                    other => Err($crate::wire::wrong_type("a string", &other)),
                }
            }
            fn into_json(self) -> serde_json::Value {
                serde_json::Value::String($crate::validate::ApiEnum::as_str(&self).to_string())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@sub.example.com", "x@xn--bcher-kva.ch", "x@bücher.ch", "x@例え.jp", "x@佐々木.jp", "x@ｅｘａｍｐｌｅ.com"] {
            assert!(is_plausible_email(ok), "{ok}");
        }
        let mut v = Validator::default();
        v.email("email", Some("x@exa\u{202E}mple.com\n"));
        assert_eq!(v.errors[0].message, "`x@exa\\u{202E}mple.com\\u{A}` is not a plausible e-mail address");
        v.known("selected", Some("DIRECT\u{200B}_LINE"), &["DIRECT_LINE"]);
        assert_eq!(v.errors[1].message, "`DIRECT\\u{200B}_LINE` is not one of DIRECT_LINE");
        for bad in ["", "a", "a@", "@b.co", "a@b", "a b@c.co", "a@b..co", "a@@b.co", "a@-b.co", "a@b.co\n", "a@b_c.co", "a@b!c.co", "a@b.c\u{85}o",
            // Invisible characters (a direction override, a zero-width space, a soft hyphen, a
            // tag) anywhere, and wide punctuation in the domain.
            "x@exa\u{202E}mple.com", "x@b\u{200B}c.com", "x\u{AD}y@b.co", "x@b.co\u{E0041}",
            "x@b\u{FF01}c.com", "x@b\u{3002}c.com", "x@b\u{FF0E}c.com"] {
            assert!(!is_plausible_email(bad), "{bad:?}");
        }
    }
}
