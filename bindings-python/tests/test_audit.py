"""The audit through the Python package, against the bundled simulator's seeded organization."""
import asyncio
import csv
import io
import json
import pathlib
import re

import pytest

import webex_emergency as we

VECTOR = pathlib.Path(__file__).parents[2] / "tests" / "vectors" / "audit" / "seed42-redsky.json"


def pairs(report):
    return sorted((f.entity.id, f.rule, f.entity.kind) for f in report.findings)


def expected(sim):
    return sorted((f["entityId"], f["rule"], f["entityKind"]) for f in sim.expected_findings())


@pytest.mark.parametrize("redsky", [False, True])
def test_the_seeded_org_gives_exactly_its_expected_findings(redsky):
    with we.Simulator(redsky=redsky) as sim:
        report = sim.client().audit()
        assert pairs(report) == expected(sim)
        rules = {f.rule for f in report.findings}
        assert ("redsky-org-non-compliant" in rules) == redsky and ("redsky-not-set-up" in rules) != redsky
        assert report.audited["location"] == 4 and report.audited["org"] == 1
        assert report.counts["error"] == sum(f.severity == "error" for f in report.findings)


def test_async_client_gives_the_same_report_and_progress():
    with we.Simulator() as sim:
        seen = []

        async def run():
            return await sim.async_client().audit(concurrency=4, progress=lambda d, t, f: seen.append((d, t, f)))

        report = asyncio.run(run())
        assert pairs(report) == expected(sim)
        assert seen and seen[-1][0] == seen[-1][1] == sum(report.audited.values()) - 1  # the org is read first
        assert all(t is None or d <= t for d, t, _ in seen)


def test_report_json_is_the_shared_vector_and_csv_parses():
    with we.Simulator(redsky=True) as sim:
        report = sim.client().audit()
    text = re.sub(r'"elapsedMs": \d+', '"elapsedMs": 0', report.to_json())
    assert text == VECTOR.read_text()
    assert json.loads(text)["counts"] == report.counts
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert len(rows) == len(report.findings)
    assert [(r["entityId"], r["rule"]) for r in rows] == [(f.entity.id, f.rule) for f in report.findings]
    assert report.to_dict()["findings"][0]["severity"] == "error"


def test_a_large_orgs_report_is_written_out_whole():
    # More findings than a request's 100,000-value limit would let back through (about 4,300).
    with we.Simulator(size=40000) as sim:
        report = sim.client().audit(concurrency=20)
    assert len(report.findings) > 4500
    assert len(list(csv.DictReader(io.StringIO(report.to_csv())))) == len(report.findings)
    assert len(json.loads(report.to_json())["findings"]) == len(report.findings)
    assert len(list(csv.DictReader(io.StringIO(report.plan_csv())))) > 0
    # A notebook shows the first 200 findings and counts the rest, not megabytes of HTML.
    shown = report._repr_html_()
    assert shown.count("<tr>") == 1 + 200 + 1 and f"and {len(report.findings) - 200} more" in shown


def test_read_failures_become_findings_and_nothing_is_lost():
    with we.Simulator(size=400, faults={"failShare": 0.1, "seed": 7}) as sim:
        report = sim.client(max_retries=0).audit()
        assert pairs(report) == expected(sim)
        failed = [f for f in report.findings if f.rule == "read-failed"]
        assert failed and all("503" in f.message for f in failed)


def test_refused_credentials_fail_the_call():
    with we.Simulator() as sim:
        with pytest.raises(we.AuthenticationError):
            sim.client(token="wrong").audit()
        with pytest.raises(we.ValidationError) as e:
            sim.client().audit(locations=[".."])
        assert "locations[0]" in str(e.value)


def test_directory_lists_stream_every_page():
    with we.Simulator(size=300) as sim:
        c = sim.client()
        people = list(c.people.list(page_size=7))
        assert len(people) == len(sim.directory(1000)["people"]) and type(people[0]).__name__ == "Person"
        assert len({p.id for p in people}) == len(people)
        lines = list(c.virtual_lines.list(page_size=3))
        assert all(v.location.id for v in lines)
        page = c.locations.list_page(max=2)
        assert len(page.items) == 2
        ecbn = c.locations.get_ecbn(page.items[0].id)
        assert ecbn.selected in ("LOCATION_NUMBER", "LOCATION_MEMBER_NUMBER")


def test_notebook_forms(monkeypatch):
    with we.Simulator() as sim:
        report = sim.client().audit()
    html = report._repr_html_()
    assert "error" in html and report.findings[0].rule in html
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pandas"):
            report.to_pandas()
    else:
        assert len(report.to_pandas()) == len(report.findings)
