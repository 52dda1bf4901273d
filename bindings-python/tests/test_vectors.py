"""The shared vectors of tests/vectors/, run through the Python client."""
import json
import pathlib

import pytest

import webex_emergency as we
from webex_emergency import _native

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors"
CASES = [
    (f.stem, case)
    for f in sorted(VECTORS.glob("*.json"))
    for case in json.loads(f.read_text())["cases"]
]


def test_every_operation_has_vectors():
    assert {name for name, _ in CASES} == {op["name"] for op in _native.operations()}
    assert len(CASES) > 100


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}:{c['name']}" for n, c in CASES])
def test_vector(name, case):
    resource, method = name.split(".")
    if "response" in case:
        got = _native.normalize(name, case["response"]["body"])
        assert got == case["result"]
        return
    client = we.Client("vector-token", base_url="https://webexapis.com/v1")
    fn = getattr(getattr(client, resource), method)
    args = case["args"]
    positional = [args["id"]] if "id" in args else []
    kwargs = {"dry_run": True}
    if "body" in args:
        kwargs["body"] = args["body"]
    if "orgId" in args:
        kwargs["org_id"] = args["orgId"]
    for q in ("start", "max", "order"):
        if q in args:
            kwargs[q] = args[q]
    if "id" not in args and any(op["name"] == name and op["pathParam"] for op in _native.operations()):
        # A missing ID: the Python signature itself requires it, so pass None to reach the core.
        positional = [None]
    if "request" in case:
        got = fn(*positional, **kwargs)
        want = case["request"]
        assert (got.method, got.path, got.query, got.body) == (want["method"], want["path"], want["query"], want["body"])
        assert "vector-token" not in repr(got)
    elif ("body" in args and not any(op["name"] == name and op["request"] for op in _native.operations())) or any(
            q in args and not any(op["name"] == name and q in op["query"] for op in _native.operations())
            for q in ("start", "max", "order")):
        # Python refuses the argument itself: the method has no such parameter.
        with pytest.raises(TypeError):
            fn(*positional, **kwargs)
    else:
        with pytest.raises(we.ValidationError) as e:
            fn(*positional, **kwargs)
        assert [{"field": x["field"], "rule": x["rule"]} for x in e.value.errors] == case["errors"]
