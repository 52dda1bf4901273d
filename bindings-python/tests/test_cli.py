"""The ``webex-emergency`` command as a real subprocess (the installed console script and
``python -m webex_emergency``), against the bundled simulator."""
import csv
import io
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

import webex_emergency as we

SCRIPT = shutil.which("webex-emergency", path=str(pathlib.Path(sys.executable).parent))


def run(*args, env=None, check_secret=None):
    full = {k: v for k, v in os.environ.items() if k not in ("WEBEX_ACCESS_TOKEN", "NO_COLOR")}
    full.update(env or {})
    p = subprocess.run([sys.executable, "-m", "webex_emergency", *args], capture_output=True, text=True,
                       env=full, timeout=120)
    if check_secret:
        assert check_secret not in p.stdout and check_secret not in p.stderr
    return p


def expected_pairs(size=200, seed=42):
    with we.Simulator(seed=seed, size=size) as sim:
        return sorted((f["entityId"], f["rule"]) for f in sim.expected_findings())


def test_console_script_is_installed_and_prints_help_with_examples():
    assert SCRIPT, "the wheel installs a webex-emergency console script"
    p = subprocess.run([SCRIPT, "--help"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and "examples:" in p.stdout and "audit" in p.stdout
    p = run("audit", "--help")
    assert p.returncode == 0 and "--fail-on" in p.stdout and "examples:" in p.stdout and "exit status" in p.stdout
    p = run("--version")
    assert p.returncode == 0 and re.search(r"webex-emergency \d+\.\d+", p.stdout)


def test_audit_json_of_the_simulator_is_the_expected_findings_and_exit_1():
    p = run("audit", "--simulator", "--format", "json")
    assert p.returncode == 1, p.stderr
    report = json.loads(p.stdout)
    assert sorted((f["entity"]["id"], f["rule"]) for f in report["findings"]) == expected_pairs()
    assert p.stderr == ""  # no progress bar when stderr is not a terminal


def test_audit_csv_to_a_file_and_fail_on_never(tmp_path):
    out = tmp_path / "findings.csv"
    p = run("audit", "--simulator", "--size", "300", "--seed", "7", "--format", "csv", "--out", str(out),
            "--fail-on", "never")
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert sorted((r["entityId"], r["rule"]) for r in rows) == expected_pairs(300, 7)
    assert f"to {out}" in p.stderr and p.stdout == ""


def test_audit_table_has_counts_groups_and_fixes_and_no_colour_when_piped():
    p = run("audit", "--simulator")
    assert p.returncode == 1
    assert "\033[" not in p.stdout
    head = p.stdout.splitlines()[:2]
    assert head[0].startswith("Audited 4 locations,") and head[1].startswith("Findings: ")
    assert "ERROR (" in p.stdout and "WARNING (" in p.stdout and "fix: " in p.stdout
    errors = int(re.search(r"ERROR \((\d+)\)", p.stdout).group(1))
    assert f"{errors} errors" in head[1]
    assert max(len(line) for line in p.stdout.splitlines()) <= 100


def test_fail_on_warning_and_a_location_filter():
    with we.Simulator() as sim:
        loc = sim.client().locations.list_page(max=1).items[0]
    p = run("audit", "--simulator", "--location", loc.id, "--format", "json", "--fail-on", "warning")
    report = json.loads(p.stdout)
    assert report["audited"]["location"] == 1
    assert all(f["location"] is None or f["location"]["id"] == loc.id for f in report["findings"])
    assert p.returncode == (1 if report["findings"] else 0)


def test_usage_errors_exit_2():
    p = run("audit")
    assert p.returncode == 2 and "WEBEX_ACCESS_TOKEN" in p.stderr
    p = run("audit", "--token-file", "/nonexistent/token")
    assert p.returncode == 2 and "--token-file" in p.stderr
    p = run("audit", "--simulator", "--format", "xml")
    assert p.returncode == 2 and "invalid choice" in p.stderr
    p = run("audit", "--simulator", "--location", "..")
    assert p.returncode == 2 and "locations[0]" in p.stderr
    p = run("audit", "--simulator", "--concurrency", "0")
    assert p.returncode == 2
    p = run()
    assert p.returncode == 2 and "audit" in p.stderr


def test_unreadable_inputs_and_unwritable_outputs_are_usage_errors_not_tracebacks(tmp_path):
    token = tmp_path / "token"
    token.write_bytes("sim-token".encode("utf-16"))  # what PowerShell's `>` writes
    p = run("audit", "--token-file", str(token))
    assert p.returncode == 2 and "is not UTF-8 text" in p.stderr and "Traceback" not in p.stderr
    p = run("audit", "--simulator", "--out", "/dev/full")
    assert p.returncode == 2 and "cannot write --out /dev/full" in p.stderr and "Traceback" not in p.stderr
    for flag in ("--size", "--seed"):
        p = run("audit", "--simulator", flag, "-1")
        assert p.returncode == 2 and f"`{flag[2:]}` must be a whole number from 0" in p.stderr, p.stderr
    p = run("list", "people", "--simulator", "--limit", "-1")
    assert p.returncode == 2 and "--limit: must be a whole number from 0" in p.stderr, p.stderr
    p = subprocess.run([sys.executable, "-m", "webex_emergency", "audit", "--simulator", "--org-id", b"\xffx"],
                       capture_output=True, timeout=60)
    assert p.returncode == 2 and b"a value given is not UTF-8 text: \\udcffx" in p.stderr, p.stderr
    assert b"Traceback" not in p.stderr
    with we.Simulator() as sim:
        for flag in ("--out", "--plan"):
            p = run("audit", "--base-url", sim.base_url, flag, str(tmp_path / "no" / "such.json"),
                    env={"WEBEX_ACCESS_TOKEN": sim.token})
            assert p.returncode == 2 and f"cannot write {flag}" in p.stderr, p.stderr
        assert sim.journal() == []  # refused before the audit's first read
        # A file made for --out is removed when the audit then fails (here: the token refused).
        p = run("audit", "--base-url", sim.base_url, "--out", str(tmp_path / "new.json"),
                env={"WEBEX_ACCESS_TOKEN": "wrong"})
        assert p.returncode == 3 and not (tmp_path / "new.json").exists()
    # Standard output that cannot be written: a message and exit 2, not a traceback at exit.
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "webex_emergency", "--simulator", "list", "locations"],
                           stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert p.returncode == 2 and "cannot write to standard output" in p.stderr and "Traceback" not in p.stderr
    assert "Exception ignored" not in p.stderr


def test_a_reader_that_goes_away_ends_the_command_quietly():
    # `webex-emergency ... | head -1`: the pipe closes while the list is still being written.
    p = subprocess.Popen([sys.executable, "-m", "webex_emergency", "--simulator", "--size", "3000", "list", "people",
                          "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 141 and err == "", err


def test_refused_credentials_and_an_unreachable_api_exit_3_without_the_token(tmp_path):
    secret = "sk-secret-token-123456"
    with we.Simulator() as sim:
        p = run("audit", "--base-url", sim.base_url, env={"WEBEX_ACCESS_TOKEN": secret}, check_secret=secret)
        assert p.returncode == 3 and "could not run" in p.stderr
        token = tmp_path / "token"
        token.write_text(sim.token + "\n")
        p = run("audit", "--base-url", sim.base_url, "--token-file", str(token), "--format", "json")
        assert p.returncode == 1 and json.loads(p.stdout)["audited"]["location"] == 4
    p = run("audit", "--base-url", "http://127.0.0.1:9/v1", "--max-retries", "0", env={"WEBEX_ACCESS_TOKEN": secret},
            check_secret=secret)
    assert p.returncode == 3 and "could not run" in p.stderr


def test_plan_is_a_bulk_csv_for_members_of_locations_with_a_recommended_ecbn(tmp_path):
    plan = tmp_path / "plan.csv"
    p = run("audit", "--simulator", "--format", "json", "--plan", str(plan))
    assert p.returncode == 1 and f"to {plan}" in p.stderr
    report = json.loads(p.stdout)
    shown = re.search(r"wrote a plan of (\d+) changes", p.stderr)
    assert shown and int(shown.group(1)) == len(list(csv.DictReader(io.StringIO(plan.read_text(encoding="utf-8")))))
    good = {l["id"] for l in report["byLocation"] if l["ecbnQuality"] == "RECOMMENDED"}
    assert 0 < len(good) < len(report["byLocation"])
    ecbn = {"ecbn-none", "ecbn-invalid", "ecbn-not-recommended", "ecbn-fallback"}
    want = {f["entity"]["id"] for f in report["findings"] if f["rule"] in ecbn and f["location"]["id"] in good}
    rows = list(csv.DictReader(io.StringIO(plan.read_text(encoding="utf-8"))))
    assert {r["id"] for r in rows} == want and len(rows) == len(want)
    assert all(r["selected"] == "LOCATION_ECBN" and r["locationMemberId"] == "" for r in rows)
    assert set(rows[0]) == {"kind", "id", "selected", "locationMemberId", "name", "locationName", "rules"}


def test_connection_options_before_the_command_count_and_after_it_win():
    p = run("--simulator", "--size", "300", "--seed", "7", "audit", "--format", "json")
    assert p.returncode == 1, p.stderr
    assert sorted((f["entity"]["id"], f["rule"]) for f in json.loads(p.stdout)["findings"]) == expected_pairs(300, 7)
    p = run("--simulator", "--seed", "1", "audit", "--seed", "7", "--size", "300", "--format", "json")
    assert sorted((f["entity"]["id"], f["rule"]) for f in json.loads(p.stdout)["findings"]) == expected_pairs(300, 7)
    # Given after the command, the default's value wins too.
    p = run("--simulator", "--size", "300", "audit", "--size", "200", "--format", "json")
    assert sorted((f["entity"]["id"], f["rule"]) for f in json.loads(p.stdout)["findings"]) == expected_pairs(200, 42)


def test_plan_rows_are_counted_as_csv_records():
    from webex_emergency._cli import _csv_rows

    text = 'kind,id,name\r\nperson,a,"Ann\r\nLee"\r\nperson,b,Bob\r\n'
    assert _csv_rows(text) == 2
    assert _csv_rows("kind,id\r\n") == 0 and _csv_rows("") == 0
