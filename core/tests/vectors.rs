//! Runs the shared vectors in tests/vectors/ (the Python and JS suites run the same files).

use serde_json::Value;
use webex_emergency::{dynamic, ops, Client};

#[test]
fn shared_vectors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let client = Client::builder().token("vector-token").base_url("https://webexapis.com/v1").build().unwrap();
    let mut files = 0;
    let mut cases = 0;
    for op in ops::OPERATIONS {
        let text = std::fs::read_to_string(dir.join(format!("{}.json", op.name)))
            .unwrap_or_else(|e| panic!("vector file for {}: {e}", op.name));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["operation"], op.name);
        files += 1;
        for case in v["cases"].as_array().unwrap() {
            cases += 1;
            let label = format!("{} / {}", op.name, case["name"]);
            if let Some(resp) = case.get("response") {
                let got = dynamic::normalize(op.name, resp["body"].clone()).unwrap();
                assert_eq!(got, case["result"], "{label}");
                continue;
            }
            let args: dynamic::Args = serde_json::from_value(case["args"].clone()).unwrap();
            let result = dynamic::call(&client, op.name, args).unwrap().dry_run();
            if let Some(want) = case.get("request") {
                let got = result.unwrap_or_else(|e| panic!("{label}: {e}"));
                assert_eq!(got.method, want["method"], "{label}");
                assert_eq!(got.path, want["path"], "{label}");
                let query: Vec<Value> = got.query.iter().map(|(k, v)| serde_json::json!([k, v])).collect();
                assert_eq!(Value::Array(query), want["query"], "{label}");
                assert_eq!(got.body.unwrap_or(Value::Null), want["body"], "{label}");
                assert!(got.url.starts_with("https://webexapis.com/v1/telephony/config/"), "{label}");
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
    assert_eq!(files, 26);
    assert!(cases > 100, "{cases} cases");
}
