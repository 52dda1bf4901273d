"""``webex-emergency bulk`` as a real subprocess against the simulator: malformed rows and injected
faults (every row once, no member updated twice), runs stopped by SIGINT and SIGKILL then resumed
(exactly the rest is sent), dry runs (nothing sent), and the audit -> plan -> bulk -> audit loop."""
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

import webex_emergency as we

TOKEN = "bulk-token-77c1e93b"


@pytest.fixture()
def sim():
    with we.Simulator(size=200, tokens=[TOKEN]) as s:
        yield s


def command(sim, *args):
    return [sys.executable, "-m", "webex_emergency", *args, "--base-url", sim.base_url]


def env():
    e = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    e["WEBEX_ACCESS_TOKEN"] = TOKEN
    return e


def cli(sim, *args):
    p = subprocess.run(command(sim, *args), capture_output=True, text=True, env=env(), timeout=180)
    assert TOKEN not in p.stdout and TOKEN not in p.stderr
    return p


def read_results(path):
    text = path.read_text(encoding="utf-8")
    assert TOKEN not in text
    return list(csv.DictReader(io.StringIO(text)))


def members_csv(d, n=None):
    rows = [("person", p) for p in d["people"]] + [("workspace", w) for w in d["workspaces"]] + \
           [("virtual_line", v) for v in d["virtualLines"]]
    rows = rows[:n] if n else rows
    lines = ["name,kind,id,selected,locationMemberId"]
    lines += [f"member {i},{kind}, {mid} ,LOCATION_ECBN," for i, (kind, mid) in enumerate(rows)]
    return "\r\n".join(lines) + "\r\n", rows


def puts_by_path(journal):
    served = {}
    for e in journal:
        if e["method"] == "PUT" and e["status"] == 204:
            served[e["path"]] = served.get(e["path"], 0) + 1
    return served


def test_bad_rows_and_faults_give_every_row_once_and_no_member_updated_twice(sim, tmp_path):
    d = sim.directory()
    good, rows = members_csv(d, 80)
    p, w = d["people"][0], d["workspaces"][0]
    bad = [
        f"unknown kind,robot,{p},LOCATION_ECBN,",
        f"bad enum,person,{p},SOMETIMES,",
        f"wrong id kind,person,{w},LOCATION_ECBN,",
        f"missing cell,person,{p}",
        f"blank selected,workspace,{w},,",
        f"no member,person,{p},LOCATION_MEMBER_NUMBER,",
    ]
    text = good + "\r\n".join(bad) + "\r\n"
    src = tmp_path / "changes.csv"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "results.csv"
    sim.set_faults({"seed": 5, "rate429": 0.1, "retryAfter": "0", "rate5xx": 0.05, "burst": 1, "dropRate": 0.05})
    r = cli(sim, "bulk", "ecbn", "--csv", str(src), "--out", str(out), "--max-retries", "8", "--concurrency", "8", "-v")
    assert r.returncode == 1, r.stderr  # the malformed rows failed
    assert "retrying in" in r.stderr and "-> 429" in r.stderr  # the -v request log, without the token
    assert "row/s" not in r.stderr  # no progress bar when standard error is not a terminal
    results = read_results(out)
    assert [x["name"] for x in results if x["status"] == "done"].__len__() == len(rows)
    assert sorted(x["name"] for x in results) == sorted([f"member {i}" for i in range(len(rows))] +
                                                         [b.split(",")[0] for b in bad])
    errors = {x["name"]: x["error"] for x in results if x["status"] == "failed"}
    first_bad = len(rows) + 2
    assert errors["unknown kind"].startswith(f"line {first_bad}, column kind: `robot` is not one of")
    assert errors["bad enum"].startswith(f"line {first_bad + 1}, column selected:") and "(enum)" in errors["bad enum"]
    assert errors["wrong id kind"].startswith(f"line {first_bad + 2}, column id:")
    assert errors["missing cell"].startswith(f"line {first_bad + 3}: column selected: is missing")
    assert errors["blank selected"] == f"line {first_bad + 4}, column selected: is blank (required)"
    assert errors["no member"].startswith(f"line {first_bad + 5}, column locationMemberId:")
    # Input cells are carried as written (the ID with its spaces), and the API saw each member once.
    assert results[0]["id"].startswith(" ") and results[0]["id"].endswith(" ")
    served = puts_by_path(sim.journal())
    assert len(served) == len(rows) and set(served.values()) == {1}
    statuses = [e["status"] for e in sim.journal()]
    assert 429 in statuses and any(s >= 500 for s in statuses), "the faults were injected"
    assert "failed" in r.stderr and "80 done" in r.stderr


def test_dry_run_sends_nothing_and_prints_each_rows_request(sim, tmp_path):
    d = sim.directory()
    text, rows = members_csv(d, 5)
    text += "bad,robot,x,LOCATION_ECBN,\r\n"
    src = tmp_path / "in.csv"
    src.write_text(text)
    r = cli(sim, "bulk", "ecbn", "--csv", str(src), "--dry-run")
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 6
    assert lines[0].startswith("line 2: planned: PUT /telephony/config/people/") and '{"selected":"LOCATION_ECBN"}' in lines[0]
    assert lines[5].startswith("line 7: failed: line 7, column kind:")
    assert sim.journal() == []
    out = tmp_path / "planned.csv"
    r = cli(sim, "bulk", "ecbn", "--csv", str(src), "--dry-run", "--out", str(out))
    assert [x["status"] for x in read_results(out)] == ["planned"] * 5 + ["failed"]
    assert sim.journal() == []


def test_usage_errors_exit_2(sim, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("kind,id,selected\nperson,x,LOCATION_ECBN\n")
    r = cli(sim, "bulk", "ecbn", "--csv", str(src), "--out", str(tmp_path / "r.csv"))
    assert r.returncode == 2 and "line 1, column locationMemberId" in r.stderr
    r = cli(sim, "bulk", "ecbn", "--csv", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "r.csv"))
    assert r.returncode == 2 and "cannot read --csv" in r.stderr
    r = cli(sim, "bulk", "ecbn", "--csv", str(src))
    assert r.returncode == 2 and "--out" in r.stderr
    r = cli(sim, "bulk", "notification", "--csv", str(src), "--out", str(tmp_path / "a.csv"), "--resume",
            str(tmp_path / "b.csv"))
    assert r.returncode == 2 and "--resume" in r.stderr
    (tmp_path / "latin1.csv").write_bytes("locationId,enabled,email\nx,true,caf\xe9@example.com\n".encode("latin-1"))
    r = cli(sim, "bulk", "notification", "--csv", str(tmp_path / "latin1.csv"), "--dry-run")
    assert r.returncode == 2 and "not UTF-8" in r.stderr
    assert sim.journal() == []


def _start_slow_run(sim, tmp_path, n):
    d = sim.directory()
    text, rows = members_csv(d, n)
    src = tmp_path / "in.csv"
    src.write_text(text)
    out = tmp_path / "results.csv"
    sim.set_faults({"latencyMs": 40})
    proc = subprocess.Popen(command(sim, "bulk", "ecbn", "--csv", str(src), "--out", str(out), "--concurrency", "2"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    deadline = time.time() + 60
    while time.time() < deadline:
        if out.exists() and out.read_text().count("\n") >= 12:
            break
        time.sleep(0.02)
    return proc, src, out, rows


def _resume_and_check(sim, src, out, rows):
    before = read_results(out)
    done_before = sum(1 for x in before if x["status"] == "done")
    assert 0 < done_before < len(rows)
    sim.set_faults({})
    start = len(sim.journal())
    r = cli(sim, "bulk", "ecbn", "--csv", str(src), "--resume", str(out))
    assert r.returncode == 0, r.stderr
    resumed = [e for e in sim.journal()[start:] if e["method"] == "PUT"]
    assert len(resumed) == len(rows) - done_before  # exactly the rest
    after = read_results(out)
    assert sorted(x["name"] for x in after) == sorted(f"member {i}" for i in range(len(rows)))
    assert {x["status"] for x in after} == {"done"}
    assert f"({done_before} done before, kept)" in r.stderr


def test_sigint_stops_cleanly_and_resume_runs_exactly_the_rest(sim, tmp_path):
    proc, src, out, rows = _start_slow_run(sim, tmp_path, 120)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "--resume" in stderr and TOKEN not in stderr + stdout
    results = read_results(out)
    # Every row is there once: done, or skipped (not sent, or stopped in flight).
    assert len(results) == len(rows)
    assert {x["status"] for x in results} <= {"done", "skipped"} and any(x["status"] == "skipped" for x in results)
    _resume_and_check(sim, src, out, rows)


def test_sigkill_loses_no_finished_row_and_resume_runs_exactly_the_rest(sim, tmp_path):
    proc, src, out, rows = _start_slow_run(sim, tmp_path, 120)
    proc.kill()
    proc.communicate(timeout=60)
    time.sleep(0.2)  # requests in flight when killed may still reach the server
    done = {x["name"] for x in read_results(out) if x["status"] == "done"}
    served = puts_by_path(sim.journal())
    assert len(served) >= len(done)  # every row written as done was done on the server
    _resume_and_check(sim, src, out, rows)


def test_audit_plan_then_bulk_then_audit_again_clears_the_planned_findings(sim, tmp_path):
    plan, report = tmp_path / "plan.csv", tmp_path / "before.json"
    r = cli(sim, "audit", "--plan", str(plan), "--format", "json", "--out", str(report))
    assert r.returncode == 1
    planned = list(csv.DictReader(io.StringIO(plan.read_text())))
    assert planned
    planned_pairs = {(p["id"], rule) for p in planned for rule in p["rules"].split()}
    before = {(f["entity"]["id"], f["rule"]) for f in json.loads(report.read_text())["findings"]}
    assert planned_pairs <= before
    r = cli(sim, "bulk", "ecbn", "--csv", str(plan), "--out", str(tmp_path / "applied.csv"))
    assert r.returncode == 0, r.stderr
    assert {x["status"] for x in read_results(tmp_path / "applied.csv")} == {"done"}
    r = cli(sim, "audit", "--format", "json", "--fail-on", "never")
    assert r.returncode == 0
    after = {(f["entity"]["id"], f["rule"]) for f in json.loads(r.stdout)["findings"]}
    assert not planned_pairs & after
    assert after == before - planned_pairs - {(i, rule) for i, rule in before if i in {p["id"] for p in planned}}


def test_a_progress_bar_with_rate_and_eta_on_a_terminal(sim, tmp_path):
    from terminal import stderr_on_a_terminal

    d = sim.directory()
    text, rows = members_csv(d, 60)
    text += "bad,robot,x,LOCATION_ECBN,\r\n"
    src = tmp_path / "in.csv"
    src.write_text(text)
    status, shown = stderr_on_a_terminal(command(sim, "bulk", "ecbn", "--csv", str(src), "--out",
                                                  str(tmp_path / "r.csv")), env=env())
    assert status == 1  # the bad row
    assert "61/61" in shown and "row/s" in shown and "failed=1" in shown, shown
    assert TOKEN not in shown


def test_nothing_is_lost_from_a_results_file_by_bad_options_or_a_dry_run(sim, tmp_path):
    d = sim.directory()
    text, rows = members_csv(d, 6)
    src = tmp_path / "in.csv"
    src.write_text(text)
    out = tmp_path / "results.csv"
    sim.set_faults({"script": [{"status": 400}]})  # the first row fails
    r = cli(sim, "bulk", "ecbn", "--csv", str(src), "--out", str(out), "--concurrency", "1", "--max-retries", "0")
    assert r.returncode == 1
    before = out.read_text()
    assert [x["status"] for x in read_results(out)].count("failed") == 1
    r = cli(sim, "bulk", "ecbn", "--csv", str(src), "--resume", str(out), "--concurrency", "0")
    assert r.returncode == 2 and out.read_text() == before
    r = cli(sim, "bulk", "ecbn", "--csv", str(src), "--resume", str(out), "--dry-run")
    assert r.returncode == 0 and out.read_text() == before and r.stdout.count("planned") == 1
    r = cli(sim, "bulk", "ecbn", "--csv", str(src), "--resume", str(out), "--dry-run", "--out", str(out))
    assert r.returncode == 2 and out.read_text() == before
    # The results file itself as input: only its failed row runs again.
    again = tmp_path / "again.csv"
    start = len(sim.journal())
    r = cli(sim, "bulk", "ecbn", "--csv", str(out), "--out", str(again))
    assert r.returncode == 0, r.stderr
    assert len([e for e in sim.journal()[start:] if e["method"] == "PUT"]) == 1
    assert [x["status"] for x in read_results(again)] == ["done"] * 6


def test_a_refused_token_exits_3_without_sending_every_row(sim, tmp_path):
    d = sim.directory()
    text, rows = members_csv(d, 150)
    src = tmp_path / "in.csv"
    src.write_text(text)
    e = env()
    e["WEBEX_ACCESS_TOKEN"] = "not-the-token-4411"
    p = subprocess.run(command(sim, "bulk", "ecbn", "--csv", str(src), "--out", str(tmp_path / "r.csv")),
                       capture_output=True, text=True, env=e, timeout=120)
    assert p.returncode == 3, p.stderr
    assert "401" in p.stderr and "not-the-token-4411" not in p.stderr + p.stdout
    assert len(sim.journal()) <= 50
    results = read_results(tmp_path / "r.csv")
    assert len(results) == 150 and {x["status"] for x in results} == {"failed", "skipped"}


@pytest.mark.parametrize("where", ["missing-dir", "directory", "device", "input"])
def test_a_results_file_that_cannot_be_written_stops_the_run_before_any_row_is_sent(sim, tmp_path, where):
    text, _ = members_csv(sim.directory(), n=5)
    src = tmp_path / ("r.csv.tmp" if where == "input" else "in.csv")
    src.write_text(text, encoding="utf-8")
    out = {"missing-dir": tmp_path / "no" / "such" / "r.csv", "directory": tmp_path, "device": "/dev/null",
           "input": tmp_path / "r.csv"}[where]
    p = cli(sim, "bulk", "ecbn", "--csv", str(src), "--out", str(out))
    assert p.returncode == 2, p.stderr
    assert ("which is an input" if where == "input" else "cannot write the results file") in p.stderr
    assert "Traceback" not in p.stderr
    assert not [e for e in sim.journal() if e["method"] == "PUT"]
    assert sorted(x.name for x in tmp_path.iterdir()) == [src.name] and src.read_bytes() == text.encode()
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_a_run_refused_after_its_results_file_was_reserved_leaves_no_temporary_file(sim, tmp_path):
    text, _ = members_csv(sim.directory(), n=5)
    (tmp_path / "in.csv").write_text(text, encoding="utf-8")
    p = cli(sim, "bulk", "ecbn", "--csv", str(tmp_path / "in.csv"), "--out", str(tmp_path / "r.csv"),
            "--concurrency", "0")
    assert p.returncode == 2 and "Traceback" not in p.stderr, p.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["in.csv"]


def test_control_characters_from_the_api_do_not_reach_the_terminal(sim, tmp_path):
    person = sim.directory()["people"][0]
    # A failed row's message quotes the server's error text; the simulator is told to answer
    # with an escape sequence in it.
    body = json.dumps({"message": "bad \x1b]0;pwned\x07 \x1b[2J value", "trackingId": "T1"})
    sim.set_faults({"script": [{"status": 400, "body": "json:" + body}]})
    (tmp_path / "in.csv").write_text(f"kind,id,selected,locationMemberId\r\nperson,{person},LOCATION_ECBN,\r\n",
                                     encoding="utf-8")
    p = cli(sim, "bulk", "ecbn", "--csv", str(tmp_path / "in.csv"), "--out", str(tmp_path / "r.csv"))
    assert p.returncode == 1, p.stderr
    assert "\x1b" not in p.stderr and "\x07" not in p.stderr
    assert "bad \\x1b]0;pwned\\x07 \\x1b[2J value" in p.stderr
    # The results file keeps the server's text as it was (it is data, not terminal output).
    assert "\x1b[2J" in (tmp_path / "r.csv").read_text(encoding="utf-8")
