//! The core's modules depend on each other one way: each uses only modules of lower layers
//! (the order of `LAYERS`), and none uses the crate root's re-exports.

const LAYERS: &[&str] = &[
    "platform", "sync", "wire", "error", "ids", "keyed", "validate", "api", "transport", "pace", "client", "retry", "call", "bulk",
    "paging", "resources", "audit", "bindings_api", "sheet",
];

fn rank(module: &str) -> usize {
    LAYERS.iter().position(|m| *m == module).unwrap_or_else(|| panic!("module `{module}` is not in LAYERS"))
}

#[test]
fn modules_depend_one_way() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut files = 0;
    for entry in walk(&src) {
        let rel = entry.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if rel == "lib.rs" {
            continue;
        }
        files += 1;
        let module = rel.split(['/', '.']).next().unwrap().to_string();
        let me = rank(&module);
        let text = std::fs::read_to_string(&entry).unwrap();
        for (at, _) in text.match_indices("crate::") {
            if text[..at].ends_with('$') {
                continue; // `$crate::` inside macros names the crate, not a module
            }
            let rest = &text[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if name.is_empty() || name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                problems.push(format!("{rel}: uses the crate root (`crate::{name}`); name the module"));
                continue;
            }
            if LAYERS.contains(&name.as_str()) && rank(&name) > me {
                problems.push(format!("{rel}: `{module}` uses the higher layer `{name}`"));
            }
        }
    }
    assert!(files > 10, "{files} files");
    assert!(problems.is_empty(), "{problems:#?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}
