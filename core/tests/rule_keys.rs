//! The rules read JSON by key (request rules the body, the audit's rules the answers): a key
//! that no model has would never match, and its rule would pass silently. Every key written in
//! those rules' sources must be a field of the model it reads.

use std::collections::HashSet;

use webex_emergency::bindings_api::all_models;
use webex_emergency::wire::ModelInfo;

/// The JSON names of `model` and of the models nested in it.
fn names_within(model: &'static ModelInfo) -> HashSet<String> {
    let mut models = Vec::new();
    model.with_nested(&mut models);
    models.iter().flat_map(|m| m.json_names().iter().cloned()).collect()
}

/// The JSON names of every request model (`true`) or answer model (`false`).
fn names_of_all(request: bool) -> HashSet<String> {
    all_models().into_iter().filter(|m| m.request == request).flat_map(|m| m.json_names().iter().cloned()).collect()
}

fn is_key(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && text.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The text literals that follow `opening` (e.g. `body.text("`) in `source`, when they look like
/// JSON keys (camelCase words; messages and rule names are not).
fn literals_after(source: &str, opening: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in source.match_indices(opening) {
        let rest = &source[at + opening.len()..];
        if let Some(end) = rest.find('"') {
            if is_key(&rest[..end]) {
                out.push(rest[..end].to_string());
            }
        }
    }
    out
}

/// The keys of the second argument of `call(<expr>, "key")`.
fn second_literals(source: &str, call: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in source.match_indices(call) {
        let rest = &source[at + call.len()..];
        let Some(comma) = rest.find(", \"") else { continue };
        if rest[..comma].contains(')') {
            continue;
        }
        let rest = &rest[comma + 3..];
        if let Some(end) = rest.find('"') {
            if is_key(&rest[..end]) {
                out.push(rest[..end].to_string());
            }
        }
    }
    out
}

/// The keys a request rule reads or names: `body.text("k")`, `body.get("k")`,
/// `body.object("k")`, `a.text("k")` on a nested object, and the field named by `v.required("k", ..)`,
/// `v.email`, `v.known`, `v.id`, `v.push`.
fn request_rule_keys(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for opening in [".text(\"", ".get(\"", ".object(\"", "v.required(\"", "v.email(\"", "v.known(\"", "v.id(\"", "v.push(\""] {
        keys.extend(literals_after(source, opening));
    }
    keys
}

/// `impl Validate for Model { ... }` blocks of `source`: the model's name and the block.
fn validate_impls(source: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for (at, _) in source.match_indices("impl Validate for ") {
        let rest = &source[at + "impl Validate for ".len()..];
        let name_end = rest.find([' ', '{']).unwrap_or(rest.len());
        let (name, rest) = rest.split_at(name_end);
        let open = rest.find('{').expect("the impl's block");
        let mut depth = 0;
        let mut end = open;
        for (i, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((name, &rest[open..=end]));
    }
    out
}

const API_SOURCES: [(&str, &str); 5] = [
    ("ecbn.rs", include_str!("../src/api/ecbn.rs")),
    ("location_ecbn.rs", include_str!("../src/api/location_ecbn.rs")),
    ("notifications.rs", include_str!("../src/api/notifications.rs")),
    ("redsky.rs", include_str!("../src/api/redsky.rs")),
    ("directory.rs", include_str!("../src/api/directory.rs")),
];

#[test]
fn every_request_rule_reads_fields_of_its_model() {
    let models = all_models();
    let mut checked = 0;
    for (file, source) in API_SOURCES {
        for (model, block) in validate_impls(source) {
            let info = models.iter().find(|m| m.name == model).unwrap_or_else(|| panic!("{file}: no model {model}"));
            let names = names_within(info);
            for key in request_rule_keys(block) {
                assert!(names.contains(&key), "{file}: the rules of {model} read `{key}`, which is not one of its fields");
                checked += 1;
            }
        }
    }
    // Shared checks outside the impl blocks (e.g. the ECBN selection rules) read request bodies too.
    let requests = names_of_all(true);
    for (file, source) in API_SOURCES {
        let outside: String = {
            let mut s = source.to_string();
            for (_, block) in validate_impls(source) {
                s = s.replace(block, "");
            }
            s
        };
        for key in [".text(\"", ".get(\"", ".object(\""].iter().flat_map(|o| literals_after(&outside, o)) {
            assert!(requests.contains(&key), "{file}: a request rule reads `{key}`, which no request model has");
            checked += 1;
        }
    }
    assert!(checked >= 20, "the scan found only {checked} keys: has the rules' form changed?");
}

#[test]
fn every_audit_rule_reads_fields_of_the_answers() {
    let answers = names_of_all(false);
    let mut checked = 0;
    for (file, source) in [("audit/rules.rs", include_str!("../src/audit/rules.rs")), ("audit/mod.rs", include_str!("../src/audit/mod.rs"))] {
        let mut keys = literals_after(source, ".get(\"");
        for call in ["text_at(", "enum_at(", "flag_at(", "has_text("] {
            keys.extend(second_literals(source, call));
        }
        for key in keys {
            assert!(answers.contains(&key), "{file}: an audit rule reads `{key}`, which no answer model has");
            checked += 1;
        }
    }
    assert!(checked >= 25, "the scan found only {checked} keys: has the rules' form changed?");
}

#[test]
fn the_scan_finds_a_key_that_no_model_has() {
    // The checks above are only as good as the scan: a misspelt key must be found.
    let source = "impl Validate for X { fn validate(body: Body<'_>, v: &mut Validator) { v.email(\"emailAdress\", body.text(\"emailAdress\")); } }";
    let blocks = validate_impls(source);
    assert_eq!(blocks.len(), 1);
    assert_eq!(request_rule_keys(blocks[0].1), ["emailAdress", "emailAdress"]);
    assert!(!names_of_all(true).contains("emailAdress"));
    assert_eq!(second_literals("if flag_at(org, \"emailAdress\") {", "flag_at("), ["emailAdress"]);
}
