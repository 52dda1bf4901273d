//! Text split and trimmed at ASCII bytes, and joined. Written out rather than with `char`
//! patterns (`split(['?', '#'])`, `rsplit_once(':')`, `trim_matches('"')`): each pattern's
//! searcher and each method it is used with cost the browser package about 0.1 kB (measured
//! 2026-12-07). Cutting at an ASCII byte always cuts between characters. Every byte given must
//! be ASCII (checked in debug builds only).

/// `parts` joined by `sep`, as `parts.join(sep)` (and `concat()` with `""`): std's copy of its
/// join for each element type was 0.9 kB and 0.3 kB of the browser package (twiggy, 2026-12-07).
pub fn join<S: AsRef<str>>(parts: &[S], sep: &str) -> String {
    let len = parts.iter().map(|p| p.as_ref().len() + sep.len()).sum::<usize>();
    let mut out = String::with_capacity(len);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(part.as_ref());
    }
    out
}

/// The first `n` characters of `s` (all of `s` when it has no more), cut by counting the bytes
/// that start a character rather than through `chars()` (its `take`, `chain` and `collect` were
/// 0.3 kB of the browser package, measured 2026-12-07).
pub(crate) fn first_chars(s: &str, n: usize) -> &str {
    let bytes = s.as_bytes();
    let mut count = 0;
    for i in 0..bytes.len() {
        // Every byte but a UTF-8 continuation byte (0b10xx_xxxx) starts a character.
        if bytes[i] & 0xC0 != 0x80 {
            if count == n {
                return &s[..i];
            }
            count += 1;
        }
    }
    s
}

/// `s` up to the first of the bytes `stops` (all of `s` when it holds none).
pub(crate) fn before_any<'a>(s: &'a str, stops: &[u8]) -> &'a str {
    debug_assert!(stops.is_ascii());
    &s[..first_at(s, |b| stops.contains(&b))]
}

/// `s` split at its first byte `sep`, which is left out.
pub(crate) fn split_once_at(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let i = find_byte(s, sep)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s` split at its last byte `sep`, which is left out.
pub(crate) fn rsplit_once_at(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let i = after_last(s, |b| b == sep).checked_sub(1)?;
    Some((&s[..i], &s[i + 1..]))
}

/// The pieces of `s` between its bytes `sep` (as `str::split`: one empty piece for an empty `s`).
pub(crate) fn pieces(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        let (piece, after) = split_once_at(r, sep).map_or((r, None), |(piece, after)| (piece, Some(after)));
        rest = after;
        Some(piece)
    })
}

/// `s` without the bytes `trimmed` at its start.
pub(crate) fn trim_start_any<'a>(s: &'a str, trimmed: &[u8]) -> &'a str {
    debug_assert!(trimmed.is_ascii());
    &s[first_at(s, |b| !trimmed.contains(&b))..]
}

/// `s` without the bytes `trimmed` at its end.
pub(crate) fn trim_end_any<'a>(s: &'a str, trimmed: &[u8]) -> &'a str {
    debug_assert!(trimmed.is_ascii());
    &s[..after_last(s, |b| !trimmed.contains(&b))]
}

/// The position of the first byte `b` in `s`.
pub(crate) fn find_byte(s: &str, b: u8) -> Option<usize> {
    let i = first_at(s, |x| x == b);
    (i < s.len()).then_some(i)
}

/// Whether `is` holds for every byte of `s` (true for an empty `s`).
pub(crate) fn all_bytes(s: &str, is: impl Fn(u8) -> bool) -> bool {
    first_at(s, |b| !is(b)) == s.len()
}

/// The position of the first byte of `s` that `is` holds for (`s.len()` when none does). A
/// plain loop: `position` with a closure was a function of its own per use.
fn first_at(s: &str, is: impl Fn(u8) -> bool) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && !is(bytes[i]) {
        i += 1;
    }
    i
}

/// One past the position of the last byte of `s` that `is` holds for (0 when none does).
fn after_last(s: &str, is: impl Fn(u8) -> bool) -> usize {
    let bytes = s.as_bytes();
    let mut i = bytes.len();
    while i > 0 && !is(bytes[i - 1]) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_trims_as_the_char_patterns_do() {
        let samples = ["", "a", "é:b", "a:b:c", ":", "::", "ü?x#y", "/a?b", "ab#", "日本:80", "\"x\"", "\"\"", ", \t<a>", "é,", ",é", " ,\t", "\"\"\"", "\"é\""];
        for s in samples {
            assert_eq!(before_any(s, b"/?#"), s.split(['/', '?', '#']).next().unwrap(), "{s}");
            assert_eq!(split_once_at(s, b':'), s.split_once(':'), "{s}");
            assert_eq!(rsplit_once_at(s, b':'), s.rsplit_once(':'), "{s}");
            assert_eq!(pieces(s, b':').collect::<Vec<_>>(), s.split(':').collect::<Vec<_>>(), "{s}");
            assert_eq!(trim_start_any(s, b" \t,"), s.trim_start_matches([' ', '\t', ',']), "{s}");
            assert_eq!(trim_end_any(s, b"\",#"), s.trim_end_matches(['"', ',', '#']), "{s}");
            assert_eq!(trim_end_any(trim_start_any(s, b"\""), b"\""), s.trim_matches('"'), "{s}");
        }
    }

    #[test]
    fn joins_as_std_does() {
        let lists: [&[&str]; 5] = [&[], &[""], &["a"], &["é", "", "b"], &["x, ", "日本", ""]];
        for parts in lists {
            for sep in ["", ", ", "é"] {
                assert_eq!(join(parts, sep), parts.join(sep), "{parts:?} {sep:?}");
                let owned: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
                assert_eq!(join(&owned, sep), owned.join(sep), "{parts:?} {sep:?}");
            }
        }
    }

    #[test]
    fn first_chars_keeps_what_chars_take_keeps() {
        for s in ["", "a", "abc", "é", "aé日本𝄞x", "𝄞𝄞𝄞", "e\u{301}e"] {
            for n in 0..8 {
                assert_eq!(first_chars(s, n), s.chars().take(n).collect::<String>(), "{s} {n}");
            }
        }
    }
}
