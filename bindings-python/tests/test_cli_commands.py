"""Every operation reachable from the command line: one subcommand run per operation as a real
subprocess against the simulator, checked against the simulator's journal; flags checked by the
core before anything is sent; the token and secrets never in any output or the -v request log."""
import json
import os
import subprocess
import sys

import pytest

import webex_emergency as we
from webex_emergency import _cli_ops, _native

TOKEN = "cli-token-9f3a1c77e0b2"
PASSWORD = "hunter2-pass-5521"


@pytest.fixture()
def sim():
    with we.Simulator(size=40, tokens=[TOKEN], redsky=True) as s:
        yield s


def cli(sim, *args, stdin=None):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["WEBEX_ACCESS_TOKEN"] = TOKEN
    p = subprocess.run([sys.executable, "-m", "webex_emergency", *args, "--base-url", sim.base_url],
                       capture_output=True, text=True, env=env, timeout=120, input=stdin)
    for secret in (TOKEN, PASSWORD):
        assert secret not in p.stdout and secret not in p.stderr, args
    return p


def test_the_commands_cover_every_operation_of_the_core():
    covered = {op for c in _cli_ops.COMMANDS for op in c.targets.values()}
    assert covered == {op["name"] for op in _native.operations()}


def _cases(d, secret_file):
    p, w, v, h = d["people"][0], d["workspaces"][0], d["virtualLines"][0], d["huntGroups"][0]
    loc = d["locations"][0]["id"]
    ecbn = "emergencyCallbackNumber"
    return [
        (["ecbn", "get", "--person", p], "GET", f"/people/{p}/{ecbn}", None),
        (["ecbn", "get", "--workspace", w], "GET", f"/workspaces/{w}/{ecbn}", None),
        (["ecbn", "get", "--virtual-line", v], "GET", f"/virtualLines/{v}/{ecbn}", None),
        (["ecbn", "set", "--person", p, "--selected", "LOCATION_ECBN", "--elin-enabled", "TRUE"], "PUT",
         f"/people/{p}/{ecbn}", {"selected": "LOCATION_ECBN", "elinEnabled": True}),
        (["ecbn", "set", "--workspace", w, "--selected", "DIRECT_LINE"], "PUT", f"/workspaces/{w}/{ecbn}",
         {"selected": "DIRECT_LINE"}),
        (["ecbn", "set", "--virtual-line", v, "--selected", "LOCATION_ECBN"], "PUT", f"/virtualLines/{v}/{ecbn}",
         {"selected": "LOCATION_ECBN"}),
        (["ecbn", "dependencies", "--person", p], "GET", f"/people/{p}/{ecbn}/dependencies", None),
        (["ecbn", "dependencies", "--workspace", w], "GET", f"/workspaces/{w}/{ecbn}/dependencies", None),
        (["ecbn", "dependencies", "--virtual-line", v], "GET", f"/virtualLines/{v}/{ecbn}/dependencies", None),
        (["ecbn", "dependencies", "--hunt-group", h], "GET", f"/huntGroups/{h}/{ecbn}/dependencies", None),
        (["location-ecbn", "get", "--location", loc], "GET", f"/locations/{loc}/features/{ecbn}", None),
        (["location-ecbn", "set", "--location", loc, "--selected", "LOCATION_NUMBER", "--elin-expiry-time-minutes",
          "90"], "PUT", f"/locations/{loc}/features/{ecbn}", {"selected": "LOCATION_NUMBER", "elinExpiryTimeMinutes": 90}),
        (["notification", "get"], "GET", "/config/emergencyCallNotification", None),
        (["notification", "set", "--emergency-call-notification-enabled", "true", "--email-address",
          "e911@example.com"], "PUT", "/config/emergencyCallNotification",
         {"emergencyCallNotificationEnabled": True, "emailAddress": "e911@example.com"}),
        (["notification", "get", "--location", loc], "GET", f"/locations/{loc}/emergencyCallNotification", None),
        (["notification", "set", "--location", loc, "--emergency-call-notification-enabled", "false"], "PUT",
         f"/locations/{loc}/emergencyCallNotification", {"emergencyCallNotificationEnabled": False}),
        (["redsky", "account"], "GET", "/config/redSky", None),
        (["redsky", "create-account", "--email", "admin@example.com"], "POST", "/config/redSky",
         {"email": "admin@example.com"}),
        (["redsky", "settings", "--enabled", "true", "--company-id", "ACME", "--secret-file", secret_file], "PUT",
         "/redSky/serviceSettings", {"enabled": True, "companyId": "ACME", "secret": "***"}),  # the journal masks secrets
        (["redsky", "login", "--email", "redsky-admin@example.com", "--password-file", "-"], "POST",
         "/redSky/actions/login/invoke", {"email": "redsky-admin@example.com", "password": "***"}),
        (["redsky", "status"], "GET", "/redSky/status", None),
        (["redsky", "set-status", "--compliance-status", "LOCATION_SETUP"], "PUT", "/redSky/status",
         {"complianceStatus": "LOCATION_SETUP"}),
        (["redsky", "status", "--location", loc], "GET", f"/locations/{loc}/redSky/status", None),
        (["redsky", "compliance"], "GET", "/redSky/complianceStatus", None),
        (["redsky", "parameters", "--location", loc], "GET", f"/locations/{loc}/redSky", None),
        (["redsky", "create-building", "--location", loc, "--alerting-email", "ops@example.com", "--address-address-line1",
          "1 Main St", "--address-city", "Dallas", "--address-state-or-province", "TX", "--address-zip-or-postal-code",
          "75001", "--address-country", "US"], "POST", f"/locations/{loc}/redSky/building",
         {"alertingEmail": "ops@example.com", "address": {"addressLine1": "1 Main St", "city": "Dallas"}}),
        (["redsky", "update-building", "--location", loc, "--address-address-line1", "2 Main St", "--address-city",
          "Dallas", "--address-state-or-province", "TX", "--address-zip-or-postal-code", "75001", "--address-country",
          "US"], "PUT", f"/locations/{loc}/redSky/building", {"address": {"addressLine1": "2 Main St"}}),
        # A location's status moves on once it has a building.
        (["redsky", "set-status", "--location", loc, "--compliance-status", "LOCATION_SETUP"], "PUT",
         f"/locations/{loc}/redSky/status", {"complianceStatus": "LOCATION_SETUP"}),
        (["list", "locations"], "GET", "/v1/locations", None),
        (["list", "people", "--limit", "5"], "GET", "/v1/people", None),
        (["list", "workspaces", "--json"], "GET", "/v1/workspaces", None),
        (["list", "virtual-lines"], "GET", "/v1/telephony/config/virtualLines", None),
    ]


def _subset(want, got):
    if isinstance(want, dict):
        return isinstance(got, dict) and all(_subset(v, got.get(k)) for k, v in want.items())
    return want == got


def test_each_subcommand_sends_its_operation(sim, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSWORD + "\n")
    cases = _cases(sim.directory(), str(secret))
    seen_ops = set()
    for args, method, path, body in cases:
        before = len(sim.journal())
        p = cli(sim, *args, "-v", stdin=PASSWORD + "\n")
        if args[1] == "create-account":  # the seeded org has its RedSky account already
            assert p.returncode == 1 and "409" in p.stderr, p.stderr
        else:
            assert p.returncode == 0, (args, p.stderr)
        new = sim.journal()[before:]
        assert new, args
        first = new[0]
        assert first["method"] == method and path in first["path"], (args, first["method"], first["path"])
        if body is not None:
            assert _subset(body, first["body"]), (args, first["body"])
        # -v: one log line per request, with its method and status, never a secret (checked in cli()).
        assert f"{method} " in p.stderr and "tracking ID" in p.stderr, (args, p.stderr)
        seen_ops.add((args[0], args[1]))
    assert seen_ops == {(c.group, c.verb) for c in _cli_ops.COMMANDS}


def test_json_output_is_the_apis_json_and_lists_are_json_lines(sim):
    d = sim.directory()
    p = cli(sim, "ecbn", "get", "--person", d["people"][0], "--json")
    assert p.returncode == 0
    assert set(json.loads(p.stdout)) >= {"selected", "directLineInfo"}
    p = cli(sim, "list", "people", "--json", "--limit", "7")
    lines = p.stdout.splitlines()
    assert len(lines) == 7 and all(json.loads(line)["id"] for line in lines)
    p = cli(sim, "list", "people")
    assert p.returncode == 0 and d["people"][0] in p.stdout  # whole IDs, to be copied
    assert max(len(line) for line in p.stdout.splitlines()) <= 100


def test_dry_run_prints_the_request_masked_and_sends_nothing(sim, tmp_path):
    d = sim.directory()
    before = len(sim.journal())
    p = cli(sim, "ecbn", "set", "--person", d["people"][0], "--selected", "LOCATION_MEMBER_NUMBER",
            "--location-member-id", d["people"][1], "--dry-run")
    assert p.returncode == 0, p.stderr
    req = json.loads(p.stdout)
    assert req["method"] == "PUT" and req["body"]["locationMemberId"] == d["people"][1]
    assert "Bearer ***" in p.stdout
    p = cli(sim, "redsky", "login", "--email", "a@example.com", "--password-file", "-", "--dry-run",
            stdin=PASSWORD + "\n")
    assert p.returncode == 0 and json.loads(p.stdout)["body"]["password"] == "***"
    assert len(sim.journal()) == before


@pytest.mark.parametrize("args,field", [
    (["ecbn", "set", "--selected", "SOMETIMES"], "--selected (selected): `SOMETIMES` is not one of"),
    (["ecbn", "set", "--selected", "LOCATION_MEMBER_NUMBER"], "--location-member-id (locationMemberId): is required"),
    (["ecbn", "set", "--selected", "DIRECT_LINE", "--elin-enabled", "maybe"], "--elin-enabled (elinEnabled):"),
    (["location-ecbn", "set", "--selected", "LOCATION_NUMBER", "--elin-expiry-time-minutes", "soon"],
     "--elin-expiry-time-minutes (elinExpiryTimeMinutes):"),
])
def test_broken_rules_exit_2_naming_the_field_and_send_nothing(sim, args, field):
    d = sim.directory()
    target = ["--location", d["locations"][0]["id"]] if args[0] == "location-ecbn" else ["--person", d["people"][0]]
    p = cli(sim, *args, *target)
    assert p.returncode == 2 and field in p.stderr and "not sent" in p.stderr, p.stderr
    assert sim.journal() == []


def test_wrong_id_kind_and_unknown_field_for_the_member_kind_exit_2(sim):
    d = sim.directory()
    p = cli(sim, "ecbn", "get", "--person", d["workspaces"][0])
    assert p.returncode == 2 and "--person (personId): expected a PEOPLE ID but got a PLACE ID" in p.stderr, p.stderr
    p = cli(sim, "ecbn", "set", "--virtual-line", d["virtualLines"][0], "--selected", "DIRECT_LINE",
            "--elin-enabled", "true")
    assert p.returncode == 2 and "--elin-enabled (elinEnabled): is not a field of this request" in p.stderr
    p = cli(sim, "ecbn", "get")
    assert p.returncode == 2 and "one of the arguments --person --workspace --virtual-line" in p.stderr
    assert sim.journal() == []


def test_an_api_refusal_exits_1_with_status_and_tracking_id(sim):
    missing = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS8wMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"
    p = cli(sim, "ecbn", "get", "--person", missing)
    assert p.returncode == 1, p.stderr
    assert "404" in p.stderr and "WEBEX-EMERGENCY_" in p.stderr


def test_every_command_has_help_with_examples():
    for c in _cli_ops.COMMANDS:
        p = subprocess.run([sys.executable, "-m", "webex_emergency", c.group, c.verb, "--help"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0 and "examples:" in p.stdout and "exit status" in p.stdout, c
    for kind in ("ecbn", "notification"):
        p = subprocess.run([sys.executable, "-m", "webex_emergency", "bulk", kind, "--help"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0 and "examples:" in p.stdout and "--resume" in p.stdout


def test_a_password_typed_on_a_terminal_is_not_shown(sim):
    # Standard input on a pseudo-terminal (in a new session, so getpass turns its echo off):
    # the line discipline would echo what is typed back to the terminal.
    import pty
    import select

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["WEBEX_ACCESS_TOKEN"] = TOKEN
    proc = subprocess.Popen([sys.executable, "-m", "webex_emergency", "redsky", "login", "--email", "a@example.com",
                             "--password-file", "-", "--dry-run", "--base-url", sim.base_url],
                            stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    os.close(slave)
    assert proc.stderr is not None and proc.stdout is not None
    prompt = b""
    while b"--password-file: " not in prompt:
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        assert ready, prompt
        prompt += os.read(proc.stderr.fileno(), 1024)
    os.write(master, PASSWORD.encode() + b"\n")
    out = proc.stdout.read().decode()
    assert proc.wait(timeout=60) == 0
    shown = b""
    while select.select([master], [], [], 0.2)[0]:
        try:
            chunk = os.read(master, 1024)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert PASSWORD.encode() not in shown, shown
    assert json.loads(out)["body"]["password"] == "***" and PASSWORD not in out


def test_output_the_terminal_encoding_cannot_show_is_a_usage_error_not_a_traceback(sim):
    cli(sim, "notification", "set", "--emergency-call-notification-enabled", "true", "--email-address",
        "alerts@bücher.example")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(WEBEX_ACCESS_TOKEN=TOKEN, PYTHONIOENCODING="ascii")
    p = subprocess.run([sys.executable, "-m", "webex_emergency", "notification", "get", "--base-url", sim.base_url],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 2, p.stderr
    assert "cannot write the output as ascii: set PYTHONIOENCODING=utf-8" in p.stderr and "Traceback" not in p.stderr
    env["PYTHONIOENCODING"] = "utf-8"
    p = subprocess.run([sys.executable, "-m", "webex_emergency", "notification", "get", "--base-url", sim.base_url],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0 and "alerts@bücher.example" in p.stdout
