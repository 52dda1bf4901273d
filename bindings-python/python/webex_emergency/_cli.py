"""The ``webex-emergency`` command: presentation only. The audit, its rules and its JSON and CSV
forms, the operations' checks and the bulk sheets are the core's; this module reads arguments,
runs the library and prints. One-operation subcommands are in ``_cli_ops``, ``bulk`` in
``_cli_bulk``."""
from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
import textwrap
from typing import IO, Any, Dict, Iterator, List, Optional, Sequence

from . import _cli_bulk, _cli_ops, _client, _errors, _native
from ._progress import printable
from ._audit import AuditReport
from ._simulator import Simulator

# Exit statuses (as documented in --help).
OK, FINDINGS, USAGE, CANNOT_RUN = 0, 1, 2, 3

SEVERITIES = ("error", "warning", "info")
COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
BOLD, RESET = "\033[1m", "\033[0m"


class UsageError(Exception):
    """A bad flag, a missing token or an unreadable file: exit status 2."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    g = common.add_argument_group("connection (every command)")
    g.add_argument("--token-file", metavar="FILE",
                   help="file holding the access token (else WEBEX_ACCESS_TOKEN); never printed")
    g.add_argument("--base-url", metavar="URL", help="API base URL (default https://webexapis.com/v1)")
    g.add_argument("--org-id", metavar="ID", help="organization to work on (a partner admin's customer)")
    g.add_argument("--timeout", type=float, metavar="SECONDS", help="limit of one attempt (default 30)")
    g.add_argument("--max-retries", type=int, metavar="N", help="retries after the first attempt (default 2)")
    g.add_argument("--simulator", action="store_true",
                   help="start the bundled simulator with its seeded demo org and work on it (no token needed)")
    g.add_argument("--size", type=int, default=200, metavar="N", help="with --simulator: members in the demo org")
    g.add_argument("--seed", type=int, default=42, metavar="S", help="with --simulator: seed of the demo org")
    g.add_argument("-v", "--verbose", action="store_true",
                   help="log every request to standard error (method, URL, status, time, tracking ID; no secrets)")

    top = argparse.ArgumentParser(
        prog="webex-emergency",
        description="Emergency-readiness audit and Emergency Services Settings of Webex Calling.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            examples:
              webex-emergency --simulator audit                      # the bundled demo org, no token
              WEBEX_ACCESS_TOKEN=... webex-emergency audit --format csv --out findings.csv
              webex-emergency audit --token-file ~/.webex-token --fail-on warning --format json
              webex-emergency audit --plan plan.csv && webex-emergency bulk ecbn --csv plan.csv --out results.csv
              webex-emergency ecbn get --person PERSON_ID
              webex-emergency notification set --location ID --emergency-call-notification-enabled true --dry-run
              webex-emergency list people --json

            Every command takes the connection options (--token-file, --base-url, --org-id, --simulator,
            -v, ...) before or after its name; `webex-emergency COMMAND --help` shows each one's.

            exit status: 0 fine, 1 findings at --fail-on or worse / the API refused a request / a bulk row
            failed, 2 usage or configuration error, 3 could not run (credentials refused, API unreachable),
            141 the reader of the output went away (`| head`), 130 interrupted"""),
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {_native.__version__}")
    # The connection options may also come before the command (`webex-emergency --simulator audit`).
    # Neither copy has a default in the parsed arguments (SUPPRESS): `_merge_top_level` takes the
    # command's copy if given, else the top-level one, else the default, so that a value given
    # after the command wins even when it equals the default.
    for action in common._actions:
        top._add_action(_top_level(action))
        action.command_default = action.default  # type: ignore[attr-defined]
        action.default = argparse.SUPPRESS
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    audit = sub.add_parser(
        "audit", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="audit every person, workspace, virtual line and location; a fix for every gap",
        description="Reads the organization's emergency settings and reports every broken rule "
                    "(callback numbers that reach nobody, missing Kari's Law e-mail, RedSky setup) with its fix.",
        epilog=textwrap.dedent("""\
            examples:
              webex-emergency audit --simulator                      # the bundled demo org
              webex-emergency audit --format json --out report.json  # the report as JSON
              webex-emergency audit --location LOCATION_ID --fail-on warning
              webex-emergency audit --plan plan.csv                  # proposed fixes, to review

            exit status: 0 no finding at --fail-on or worse, 1 some, 2 usage or configuration
            error, 3 the audit could not run (credentials refused, API unreachable)"""),
    )
    audit.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output (default table)")
    audit.add_argument("--out", metavar="FILE", help="write the output to FILE instead of standard output")
    audit.add_argument("--fail-on", choices=("error", "warning", "never"), default="error",
                       help="exit 1 when a finding is this severe or worse (default error)")
    audit.add_argument("--location", action="append", default=[], metavar="ID",
                       help="only this location and its members (repeatable)")
    audit.add_argument("--concurrency", type=int, default=10, metavar="N", help="reads in flight (default 10)")
    audit.add_argument("--plan", metavar="FILE",
                       help="also write a bulk ECBN CSV proposing LOCATION_ECBN for each member whose ECBN rule "
                            "fired and whose location ECBN is RECOMMENDED, to review and apply with `bulk ecbn`")
    audit.set_defaults(run=_audit, api_error_status=CANNOT_RUN)
    _cli_ops.add_commands(sub, common, _operation)
    _cli_bulk.add_command(sub, common, _bulk)
    return top


def _top_level(action: argparse.Action) -> argparse.Action:
    """A copy of a connection option for the top-level parser, whose value a command's own copy
    keeps unless that one is given too (argparse.SUPPRESS defaults)."""
    import copy

    top = copy.copy(action)
    top.dest = "top_" + action.dest
    top.command_default = action.default  # type: ignore[attr-defined]
    top.default = argparse.SUPPRESS
    return top


def _merge_top_level(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """A connection option given before the command counts unless given after it too."""
    for action in parser._actions:
        if not action.dest.startswith("top_"):
            continue
        own, top = action.dest[4:], action.dest
        if not hasattr(args, own):
            setattr(args, own, getattr(args, top, action.command_default))  # type: ignore[attr-defined]


def _token(args: argparse.Namespace) -> Optional[str]:
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as f:
                token = f.read().strip()
        except OSError as e:
            raise UsageError(f"cannot read --token-file {args.token_file}: {e.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"--token-file {args.token_file} is not UTF-8 text") from None
        if not token:
            raise UsageError(f"--token-file {args.token_file} is empty")
        return token
    return os.environ.get("WEBEX_ACCESS_TOKEN", "").strip() or None


@contextlib.contextmanager
def _client_for(args: argparse.Namespace) -> Iterator[_client.Client]:
    """The client the options ask for; with --simulator, of a simulator running meanwhile."""
    options: dict[str, Any] = {"timeout": args.timeout, "max_retries": args.max_retries, "org_id": args.org_id,
                               "request_log": _request_log if args.verbose else None}
    if args.simulator:
        with Simulator(seed=args.seed, size=args.size) as sim:
            yield _client.Client(sim.token, base_url=sim.base_url, **options)
        return
    token = _token(args)
    if token is None:
        raise UsageError("no access token: set WEBEX_ACCESS_TOKEN or give --token-file FILE (or use --simulator)")
    yield _client.Client(token, base_url=args.base_url, **options)


def _request_log(entry: Dict[str, Any]) -> None:
    """One line per attempt on stderr (the core's log entry holds no token and no body)."""
    answer = entry["status"] if entry["status"] is not None else f"failed ({entry['error']})"
    retry = f", retrying in {entry['retry_in_ms'] / 1000:.1f} s" if entry["retry_in_ms"] is not None else ""
    print(f"webex-emergency: {entry['method']} {entry['url']} -> {answer} in {entry['elapsed_ms']:.0f} ms "
          f"(attempt {entry['attempt']}, tracking ID {entry['tracking_id']}){retry}", file=sys.stderr, flush=True)


def _colour(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def _table(report: AuditReport, colour: bool) -> str:
    paint = (lambda code, s: f"{code}{s}{RESET}") if colour else (lambda code, s: s)
    a, c = report.audited, report.counts
    lines = [
        f"Audited {a.get('location', 0)} locations, {a.get('person', 0)} people, {a.get('workspace', 0)} workspaces "
        f"and {a.get('virtualLine', 0)} virtual lines in {report.elapsed_ms / 1000:.1f} s.",
        "Findings: " + ", ".join(paint(COLOURS[s], f"{c.get(s, 0)} {s}{'s' if c.get(s, 0) != 1 and s != 'info' else ''}")
                                 for s in SEVERITIES),
    ]
    for severity in SEVERITIES:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines += ["", paint(BOLD + COLOURS[severity], f"{severity.upper()} ({len(group)})")]
        for f in group:
            # Names and messages hold the API's text: printable() keeps their control characters
            # from acting on the terminal.
            where = f" @ {printable(f.location.name or '')}" if f.location else ""
            name = printable(f.entity.name or f.entity.id or "")
            lines.append(f"  {paint(COLOURS[severity], f.rule)}  {f.entity.kind} {name}{where}")
            lines += textwrap.wrap(printable(f.message), 100, initial_indent="      ", subsequent_indent="      ")
            lines += textwrap.wrap("fix: " + printable(f.fix), 100, initial_indent="      ", subsequent_indent="           ")
    return "\n".join(lines) + "\n"


def _fails(report: AuditReport, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    worst = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
    return any(f.severity in worst for f in report.findings)


def _csv_rows(text: str) -> int:
    """The rows of a CSV text under its header (a quoted cell may hold a line break)."""
    import csv
    import io

    return max(sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1, 0)


def _audit(args: argparse.Namespace) -> int:
    made = []
    for flag, path in (("--out", args.out), ("--plan", args.plan)):
        # Known before the audit's reads, not after them: opened to append, so an existing file
        # is kept when the audit then fails, and a file made here is removed.
        if not path:
            continue
        existed = os.path.exists(path)
        try:
            open(path, "a", encoding="utf-8").close()
        except OSError as e:
            raise UsageError(f"cannot write {flag} {path}: {e.strerror}") from None
        if not existed:
            made.append(path)
    try:
        with _client_for(args) as client:
            report = client.audit(concurrency=args.concurrency, locations=args.location or None, progress=True)
    except BaseException:
        for path in made:
            with contextlib.suppress(OSError):
                os.unlink(path)
        raise
    out: IO[str] = sys.stdout
    if args.out:
        try:
            out = open(args.out, "w", encoding="utf-8", newline="")
        except OSError as e:
            raise UsageError(f"cannot write --out {args.out}: {e.strerror}") from None
    try:
        with contextlib.ExitStack() as stack:
            if out is not sys.stdout:
                stack.enter_context(out)
            if args.format == "json":
                out.write(report.to_json() + "\n")
            elif args.format == "csv":
                out.write(report.to_csv())
            else:
                out.write(_table(report, _colour(out)))
    except BrokenPipeError:
        raise
    except OSError as e:  # a full disk shows when the text is written or the file closed
        raise UsageError(f"cannot write --out {args.out or 'to standard output'}: {e.strerror}") from None
    if args.plan:
        plan = report.plan_csv()
        try:
            with open(args.plan, "w", encoding="utf-8", newline="") as f:
                f.write(plan)
        except OSError as e:
            raise UsageError(f"cannot write --plan {args.plan}: {e.strerror}") from None
        print(f"wrote a plan of {_csv_rows(plan)} changes to {args.plan}", file=sys.stderr)
    if args.out:
        c = report.counts
        print(f"wrote {len(report.findings)} findings ({c.get('error', 0)} errors, {c.get('warning', 0)} warnings) "
              f"to {args.out}", file=sys.stderr)
    return FINDINGS if _fails(report, args.fail_on) else OK


def _read_secret(flag: str, path: str) -> str:
    """A secret flag's value: the first line of its file (``-``: standard input), never echoed."""
    try:
        if path == "-":
            if sys.stdin is None:
                raise UsageError(f"{flag} -: there is no standard input to read")
            if sys.stdin.isatty():  # typed by a person: not shown as it is typed
                try:
                    return getpass.getpass(f"{flag}: ")
                except EOFError:
                    raise UsageError(f"{flag} -: nothing was typed") from None
            return sys.stdin.readline().rstrip("\r\n")
        with open(path, encoding="utf-8") as f:
            return f.readline().rstrip("\r\n")
    except OSError as e:
        raise UsageError(f"cannot read {flag} {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{flag} {path} is not UTF-8 text") from None


def _operation(args: argparse.Namespace) -> int:
    """One operation: the flags' fields as text to the core, the answer printed. A broken rule is
    shown with the flag that gave the field."""
    op, target = _cli_ops.choose(args)
    try:
        return _send(args, op, target)
    except _errors.ValidationError as e:
        raise UsageError(_cli_ops.broken_rules(args, op, e)) from None


def _send(args: argparse.Namespace, op: Dict[str, Any], target: Optional[str]) -> int:
    fields = _cli_ops.body_fields(args, _read_secret)
    body = _native.text_body(op["name"], fields) if op["request"] else None
    with _client_for(args) as client:
        resource = getattr(client, op["resource"])
        if op["paged"]:
            items = getattr(resource, op["stream"])(page_size=args.page_size)
            rows = []
            for n, item in enumerate(items):
                if args.limit is not None and n >= args.limit:
                    break
                if args.json:
                    print(json.dumps(item.to_dict()), flush=True)
                else:
                    rows.append(item.to_dict())
            if not args.json:
                sys.stdout.write(_cli_ops.table(rows))
            return OK
        call_args: List[Any] = [target] if op["pathParam"] else []
        kwargs: Dict[str, Any] = {"body": body} if op["request"] else {}
        if getattr(args, "dry_run", False):
            prepared = getattr(resource, op["methodName"])(*call_args, dry_run=True, **kwargs)
            print(json.dumps(prepared.to_dict(), indent=2))
            return OK
        answer = getattr(resource, op["methodName"])(*call_args, **kwargs)
    _cli_ops.print_answer(args, op, answer, target)
    return OK


def _bulk(args: argparse.Namespace) -> int:
    with _client_for(args) as client:
        return _cli_bulk.run(args, client, UsageError)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the command with ``argv`` (default: the process's arguments); returns its exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on bad flags and 0 for --help/--version
        return int(e.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    _merge_top_level(args, parser)
    # Error texts may quote the server's messages: printable() keeps their control characters
    # from acting on the terminal.
    try:
        status = int(args.run(args))
        sys.stdout.flush()  # here, not at exit, where a failed write could not be reported
        return status
    except UnicodeEncodeError as e:
        if "surrogate" not in e.reason:  # text the terminal's encoding cannot show
            _discard_stdout()
            print(f"webex-emergency: cannot write the output as {sys.stdout.encoding}: set PYTHONIOENCODING=utf-8",
                  file=sys.stderr)
            return USAGE
        # An argument's bytes that are not UTF-8 (held as lone surrogates), given as a value to send.
        shown = e.object.encode("utf-8", "backslashreplace").decode() if isinstance(e.object, str) else "?"
        print(f"webex-emergency: a value given is not UTF-8 text: {printable(shown)}", file=sys.stderr)
        return USAGE
    except UsageError as e:
        print(f"webex-emergency: {printable(str(e))}", file=sys.stderr)
        return USAGE
    except (_errors.ConfigError, _errors.ValidationError) as e:
        print(f"webex-emergency: {printable(str(e))}", file=sys.stderr)
        return USAGE
    except (_errors.AuthenticationError, _errors.PermissionDeniedError, _errors.TransportError) as e:
        print(f"webex-emergency: could not run: {printable(str(e))}", file=sys.stderr)
        return CANNOT_RUN
    except _errors.WebexError as e:
        print(f"webex-emergency: {printable(str(e))}", file=sys.stderr)
        return int(args.api_error_status)
    except KeyboardInterrupt:
        print("webex-emergency: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of the output went away (`| head`): what is left of the output goes
        # nowhere, as it would for a process killed by SIGPIPE, whose status this is.
        _discard_stdout()
        return 128 + 13
    except OSError as e:  # standard output cannot be written (a full disk, /dev/full)
        _discard_stdout()
        print(f"webex-emergency: cannot write to standard output: {e.strerror}", file=sys.stderr)
        return USAGE


def _discard_stdout() -> None:
    """Points standard output at /dev/null, so that what is still buffered does not fail again
    when the interpreter exits."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


__all__: List[str] = ["main", "run"]
