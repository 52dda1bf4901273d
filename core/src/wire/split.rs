//! Text split at ASCII bytes. Written out rather than with `char` patterns (`split(['?', '#'])`,
//! `rsplit_once(':')`): each pattern's searcher cost the browser package about 0.1 kB
//! (measured 2026-12-07). Cutting at an ASCII byte always cuts between characters.

/// `s` up to the first of the ASCII bytes `stops` (all of `s` when it holds none). The bytes
/// must be ASCII (checked in debug builds only).
pub(crate) fn before_any<'a>(s: &'a str, stops: &[u8]) -> &'a str {
    debug_assert!(stops.is_ascii());
    &s[..s.bytes().position(|b| stops.contains(&b)).unwrap_or(s.len())]
}

/// `s` split at its last ASCII byte `sep`, which is left out. `sep` must be ASCII (checked in
/// debug builds only).
pub(crate) fn rsplit_once_at(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let i = s.bytes().rposition(|b| b == sep)?;
    Some((&s[..i], &s[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_as_the_char_patterns_do() {
        for s in ["", "a", "é:b", "a:b:c", ":", "ü?x#y", "/a?b", "ab#", "日本:80"] {
            assert_eq!(before_any(s, b"/?#"), s.split(['/', '?', '#']).next().unwrap(), "{s}");
            assert_eq!(rsplit_once_at(s, b':'), s.rsplit_once(':'), "{s}");
        }
    }
}
