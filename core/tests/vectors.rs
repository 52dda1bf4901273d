//! Runs the shared vectors in tests/vectors/ (the Python and JS suites run the same files).

use serde_json::Value;
use webex_emergency::{api, bindings_api, Client};

#[test]
fn shared_vectors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let client = Client::builder().token("vector-token").base_url("https://webexapis.com/v1").build().unwrap();
    let mut files = 0;
    let mut cases = 0;
    for op in api::operations() {
        let text = std::fs::read_to_string(dir.join(format!("{}.json", op.name)))
            .unwrap_or_else(|e| panic!("vector file for {}: {e}", op.name));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["operation"], op.name);
        files += 1;
        for case in v["cases"].as_array().unwrap() {
            cases += 1;
            let label = format!("{} / {}", op.name, case["name"]);
            if let Some(resp) = case.get("response") {
                let got = bindings_api::normalize(op.name, resp["body"].clone()).unwrap();
                assert_eq!(got, case["result"], "{label}");
                continue;
            }
            let args: bindings_api::Args = serde_json::from_value(case["args"].clone()).unwrap();
            let result = bindings_api::call(&client, op.name, args).unwrap().dry_run();
            if let Some(want) = case.get("request") {
                let got = result.unwrap_or_else(|e| panic!("{label}: {e}"));
                assert_eq!(got.method, want["method"], "{label}");
                assert_eq!(got.path, want["path"], "{label}");
                let query: Vec<Value> = got.query.iter().map(|(k, v)| serde_json::json!([k, v])).collect();
                assert_eq!(Value::Array(query), want["query"], "{label}");
                assert_eq!(got.body.unwrap_or(Value::Null), want["body"], "{label}");
                assert!(got.url.starts_with(&format!("https://webexapis.com/v1{}", got.path)), "{label}");
                assert!(!format!("{:?}", got.headers).contains("vector-token"));
            } else {
                let err = result.expect_err(&label);
                let got: Vec<Value> = err
                    .field_errors()
                    .iter()
                    .map(|e| serde_json::json!({"field": e.field, "rule": e.rule}))
                    .collect();
                assert_eq!(Value::Array(got), case["errors"], "{label}: {err}");
            }
        }
    }
    assert_eq!(files, api::operations().count());
    assert!(cases > 100, "{cases} cases");
}

/// Every declared operation is complete: a vector file, a resource, its models and enums in
/// the type information the stubs are generated from, a path that holds its parameter, and an
/// answer reader. Fails naming each operation that lacks a piece.
#[test]
fn every_operation_is_complete() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let info = bindings_api::type_info();
    let mut problems = Vec::new();
    for op in api::operations() {
        let mut missing = |what: String| problems.push(format!("{}: {what}", op.name));
        if !dir.join(format!("{}.json", op.name)).exists() {
            missing("no vector file".into());
        }
        if !api::RESOURCES.iter().any(|r| r.name == op.resource()) || op.method_name().is_empty() {
            missing(format!("resource `{}` is not in api::RESOURCES", op.resource()));
        }
        match op.path_param {
            Some(p) if !op.path.contains(&format!("{{{}}}", p.name)) => missing(format!("path lacks {{{}}}", p.name)),
            None if op.path.contains('{') => missing("path has a parameter that is not declared".into()),
            _ => {}
        }
        let entry = info["operations"].as_array().unwrap().iter().find(|o| o["name"] == op.name);
        let Some(entry) = entry else {
            missing("not in the type information".into());
            continue;
        };
        for (key, model, table, request) in [
            ("request", op.request_model(), "requests", true),
            ("result", op.answer_model(), "answers", false),
        ] {
            assert_eq!(entry[key].as_str(), model.map(|m| m.name), "{}", op.name);
            let Some(model) = model else { continue };
            if model.request != request {
                missing(format!("{key} model {} is declared as the other kind", model.name));
            }
            let mut reachable = Vec::new();
            model.with_nested(&mut reachable);
            for m in reachable {
                let table = if m.request { "requests" } else { table };
                let fields = info[table][m.name]["fields"].as_array();
                if fields.map(Vec::len) != Some(m.fields.len()) {
                    missing(format!("model {} is not complete in the type information", m.name));
                }
                for f in fields.into_iter().flatten() {
                    let mut kind = &f["kind"];
                    while kind["type"] == "list" {
                        kind = &kind["of"];
                    }
                    if kind["type"] == "enum" && info["enums"][kind["name"].as_str().unwrap()]["values"].as_array().is_none() {
                        missing(format!("enum {} of {}.{} has no values", kind["name"], m.name, f["name"]));
                    }
                }
            }
        }
        if let Err(e) = op.normalize(serde_json::json!({})) {
            missing(format!("an empty answer is refused: {e}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
