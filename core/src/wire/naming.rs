//! snake_case (Rust, Python) and camelCase (the API's JSON, JavaScript) names of one field.

/// JSON names that plain snake_case to camelCase conversion gets wrong.
const ALIASES: &[(&str, &str)] = &[("location_ecbn_info", "locationECBNInfo"), ("type_", "type")];

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
            // Field names are ASCII; `char::to_uppercase` would add Unicode's case tables
            // (about 6 kB of the gzipped browser package).
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
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

/// Whether `camel` is the API's JSON name of the snake_case `snake`, without allocating.
pub fn is_camel_of(camel: &str, snake: &str) -> bool {
    if let Some((_, json)) = ALIASES.iter().find(|(s, _)| *s == snake) {
        return *json == camel;
    }
    // Byte by byte, as `snake_to_camel` writes it: an underscore left out, the byte after one
    // upper-cased if ASCII (a UTF-8 sequence's bytes are never ASCII letters). A loop rather than
    // a chain of `chars()` adapters (0.5 kB of the browser package, 2026-12-07).
    let camel = camel.as_bytes();
    let mut at = 0;
    let mut upper = false;
    for &b in snake.as_bytes() {
        if b == b'_' {
            upper = true;
            continue;
        }
        let want = if upper { b.to_ascii_uppercase() } else { b };
        upper = false;
        if camel.get(at) != Some(&want) {
            return false;
        }
        at += 1;
    }
    at == camel.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_names_match_without_allocating() {
        for (snake, camel) in [("location_member_id", "locationMemberId"), ("address_line1", "addressLine1"), ("enabled", "enabled"), ("location_ecbn_info", "locationECBNInfo")] {
            assert!(is_camel_of(camel, snake), "{snake}");
            assert_eq!(snake_to_camel(snake), camel);
            assert_eq!(camel_to_snake(camel), snake);
        }
        for (snake, camel) in [("location_member_id", "locationMemberID"), ("enabled", "enable"), ("email", "emailAddress")] {
            assert!(!is_camel_of(camel, snake), "{snake} {camel}");
        }
        let names = ["a__b", "_a", "a_", "_", "", "é_b", "x_é", "a_1b", "ab_cd_ef", "type_", "location_ecbn_info"];
        for snake in names {
            for other in names {
                let camel = snake_to_camel(other);
                assert_eq!(is_camel_of(&camel, snake), camel == snake_to_camel(snake), "{snake} {camel}");
            }
        }
    }
}
