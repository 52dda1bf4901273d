"""``webex-emergency bulk ecbn|notification``: a CSV of changes run by the core's sheet (rows
checked, one call per row, results rows made), and a results file written and flushed row by
row so that a stopped run can be resumed."""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import textwrap
from typing import IO, Any, Dict, Optional

from . import _native, _progress
from ._progress import printable

EXAMPLES = {
    "ecbn": """\
        columns: kind (person | workspace | virtual_line), id, selected, locationMemberId, optional
        elinEnabled; other columns (name, ...) are carried into the results. A blank optional cell
        means "not set". The plan that `audit --plan FILE` writes is such a file.

        examples:
          webex-emergency bulk ecbn --csv changes.csv --dry-run          # check every row, send nothing
          webex-emergency bulk ecbn --csv changes.csv --out results.csv
          webex-emergency bulk ecbn --csv changes.csv --resume results.csv   # after Ctrl-C or a crash
          webex-emergency audit --plan plan.csv && webex-emergency bulk ecbn --csv plan.csv --out results.csv""",
    "notification": """\
        columns: locationId, enabled (true | false), email; other columns are carried into the results.

        examples:
          webex-emergency bulk notification --csv kari.csv --dry-run
          webex-emergency bulk notification --csv kari.csv --out results.csv --concurrency 5""",
}
EXIT = """

        results: the input columns plus status (done | failed | skipped | planned) and error (the line,
        column and rule, or the API's status, message and tracking ID), one row per input row.

        A results file given as --csv runs its rows that are not done again. A dry run never writes
        into the results file it resumes.

        exit status: 0 every row done (or planned), 1 a row failed or was skipped, 2 usage (bad flags,
        unreadable file, bad header), 3 the access token was refused (the other rows are not sent),
        130 interrupted"""


def add_command(sub: Any, common: argparse.ArgumentParser, run: Any) -> None:
    bulk = sub.add_parser("bulk", help="apply a CSV of changes (ECBN or notification), resumable",
                          description="Apply a CSV of changes, one request per row.")
    kinds = bulk.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, text in EXAMPLES.items():
        p = kinds.add_parser(kind, parents=[common], help=f"one {kind} change per CSV row",
                             description=f"Apply one {kind} change per CSV row.",
                             formatter_class=argparse.RawDescriptionHelpFormatter,
                             epilog=textwrap.dedent(text) + textwrap.dedent(EXIT))
        p.add_argument("--csv", required=True, metavar="IN", help="the CSV of changes")
        p.add_argument("--out", metavar="RESULTS", help="results file (required unless --resume or --dry-run)")
        p.add_argument("--resume", metavar="RESULTS",
                       help="results file of an earlier run of IN: its done rows are kept, the rest run and appended")
        p.add_argument("--concurrency", type=int, default=10, metavar="N", help="requests in flight (default 10)")
        p.add_argument("--dry-run", action="store_true",
                       help="check every row and print its request (token and secrets masked); send nothing")
        p.set_defaults(run=run, api_error_status=1)


def _read(path: str, what: str, usage: Any) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except UnicodeDecodeError as e:
        raise usage(f"{what} {path} is not UTF-8 text (byte {e.start}); save it as CSV UTF-8") from None
    except OSError as e:
        raise usage(f"cannot read {what} {path}: {e.strerror}") from None


def results_path(args: argparse.Namespace, usage: Any) -> Optional[str]:
    """Where the results go: --out, or the file being resumed (which must then be the same). A
    dry run writes only to --out, never into the file it resumes."""
    same = args.resume and args.out and os.path.abspath(args.resume) == os.path.abspath(args.out)
    if args.dry_run:
        if same:
            raise usage("a dry run does not write into the results file it resumes: give another --out, or none")
        out = args.out
    else:
        if args.resume and args.out and not same:
            raise usage("--resume appends to its own file: give --out the same file, or leave --out out")
        out = args.out or args.resume
        if out is None:
            raise usage("give --out RESULTS (the results file), or --dry-run")
    if out is not None and os.path.abspath(out) == os.path.abspath(args.csv):
        raise usage("--out would overwrite the input --csv file")
    return out  # type: ignore[no-any-return]


class _Results:
    """The results file: started (header and kept rows, through a new file moved into place, so
    kept rows are never lost) when the first row is written or the run ends, not before, so a
    run refused before its first row (bad options) leaves the file as it was. The new file is
    made before the run (``reserve``), so a results file that cannot be written stops the run
    before any row is sent."""

    def __init__(self, path: Optional[str], head: str, usage: Any) -> None:
        self.path, self.head, self.usage = path, head, usage
        self.out: Optional[IO[str]] = None
        self.tmp: Optional[IO[str]] = None
        self.failed = False

    def reserve(self, *inputs: Optional[str]) -> None:
        """Makes the temporary file the results start in; ``inputs`` (the CSV and resumed
        files) must not be it."""
        if self.path is None:
            return
        tmp = self.path + ".tmp"
        if any(p and os.path.abspath(p) == os.path.abspath(tmp) for p in inputs):
            raise self.usage(f"the results file {self.path} is started in {tmp}, which is an input: give another --out")
        # Moved into place later: a directory or a device (/dev/stdout, /dev/null) would be
        # replaced by a file, or the move would fail with rows already sent.
        if os.path.exists(self.path) and not os.path.isfile(self.path):
            raise self.usage(f"cannot write the results file {self.path}: it is not a regular file")
        try:
            self.tmp = open(tmp, "w", encoding="utf-8", newline="")
        except OSError as e:
            raise self.usage(f"cannot write the results file {self.path}: {e.strerror}") from None

    def write(self, record: str) -> None:
        if self.path is None or self.failed:
            return
        try:
            if self.out is None:
                self.out = self._start()
            self.out.write(record)
            self.out.flush()
        except OSError as e:
            self.failed = True
            raise self.usage(f"cannot write the results file {self.path}: {e.strerror}; the run was stopped, "
                             "and rows finished from here on are not in it") from None

    def close(self, finished: bool) -> None:
        """Ends the file; raises only when the run finished (else another error is on its way)."""
        try:
            if self.out is None and finished and self.path is not None:
                self.out = self._start()
            if self.out is not None:
                self.out.close()
        except OSError as e:
            if finished and not self.failed:
                raise self.usage(f"cannot write the results file {self.path}: {e.strerror}") from None
        if self.out is None and self.tmp is not None:  # never started: the results file stays as it was
            self.tmp.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp.name)

    def _start(self) -> IO[str]:
        assert self.path is not None and self.tmp is not None
        with self.tmp as f:
            f.write(self.head)
            f.flush()
            os.fsync(f.fileno())
        os.replace(self.tmp.name, self.path)
        return open(self.path, "a", encoding="utf-8", newline="")


def run(args: argparse.Namespace, client: Any, usage: Any) -> int:
    """Runs the sheet; returns the exit status (KeyboardInterrupt is raised once the run stops)."""
    out_path = results_path(args, usage)
    text = _read(args.csv, "--csv", usage)
    resume = None
    if args.resume:
        resume = _read(args.resume, "--resume", usage) if os.path.exists(args.resume) else ""
    sheet = _native.NativeSheet(args.kind, text, resume)
    out = _Results(out_path, sheet.head, usage)
    bar = _progress.Bar(sheet.rows, "row", "failed")
    counted = {"done": 0, "failed": 0}
    drawn = bar.bar is not None
    refused = []

    def on_row(line: int, status: str, error: str, record: str, request: Optional[Dict[str, Any]],
               code: Optional[str]) -> None:
        out.write(record)
        counted["done"] += 1
        counted["failed"] += status == "failed"
        if code == "authentication":
            refused.append(error)
        bar.show(counted["done"], sheet.rows, counted["failed"])
        if args.dry_run:
            shown = error
            if request is not None:
                body = json.dumps(request.get("body"), separators=(",", ":"))
                shown = f"{request['method']} {request['path']} {body}"
            print(f"line {line}: {status}: {printable(shown)}", flush=True)
        elif status == "failed" and not drawn:
            print(f"line {line}: failed: {printable(error)}", file=sys.stderr, flush=True)

    def on_sigint(signum: int, frame: Any) -> None:
        # Ctrl-C stops the run without interrupting a row's write: requests in flight end, the
        # rest are skipped, every row is written. Another Ctrl-C is raised once the run ends.
        sheet.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, on_sigint)
    finished = False
    try:
        out.reserve(args.csv, args.resume)
        counts = sheet.run(client._native, on_row, args.concurrency, None, args.dry_run)
        finished = True
    finally:
        signal.signal(signal.SIGINT, previous)
        bar.close()
        out.close(finished)
    if sheet.stopped:
        if out_path:
            print(f"webex-emergency: interrupted; finished rows are in {out_path}: "
                  f"run again with --resume {out_path}", file=sys.stderr)
        raise KeyboardInterrupt
    if refused:
        print(f"webex-emergency: could not run: {printable(refused[0])}; the other rows were not sent", file=sys.stderr)
        return 3
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    kept = f" ({sheet.kept} done before, kept)" if sheet.kept else ""
    where = f"; results in {out_path}" if out_path else ""
    print(f"{sheet.rows} rows: {', '.join(parts) or 'nothing to do'}{kept}{where}", file=sys.stderr)
    return 1 if counts.get("failed") or counts.get("skipped") else 0


__all__ = ["add_command", "run"]
