"""Benchmarks of webex-emergency against wxc_sdk and against wrk, in one run on one machine
against one stateless local server (nginx with canned answers). Run through bench/run.sh.

Prints a table with ratios and writes bench/results.md. `--quick` runs tiny sizes (a smoke run).
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import pathlib
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
PERSON = base64.b64encode(b"ciscospark://us/PEOPLE/5f1c2a5e-1d8b-4a36-9d57-6a4f3f1e0a01").decode().rstrip("=")
VLINE = base64.b64encode(b"ciscospark://us/VIRTUAL_LINE/7a7a7a7a-3333-4c4c-9d9d-000000000004").decode().rstrip("=")
WORKSPACE = base64.b64encode(b"ciscospark://us/PLACE/0c0b3a2d-2222-4b7a-8c5e-000000000002").decode().rstrip("=")
ANSWER = {
    "selected": "LOCATION_MEMBER_NUMBER",
    "directLineInfo": {"phoneNumber": "+12145550101", "firstName": "Ana", "lastName": "Silva",
                       "effectiveLevel": "DIRECT_LINE", "effectiveValue": "+12145550101", "quality": "RECOMMENDED"},
    "locationECBNInfo": {"phoneNumber": "+19725550100", "firstName": "Headquarters", "lastName": ".",
                         "effectiveLevel": "LOCATION_NUMBER", "effectiveValue": "+19725550100", "quality": "RECOMMENDED"},
    "locationMemberInfo": {"phoneNumber": "+12145550199", "firstName": "Lobby", "lastName": "Phone",
                           "memberId": WORKSPACE, "memberType": "PLACE", "effectiveLevel": "LOCATION_MEMBER_NUMBER",
                           "effectiveValue": "+12145550199", "quality": "NOT_RECOMMENDED"},
    "defaultInfo": {"effectiveValue": "+19725550100", "quality": "RECOMMENDED"},
    "elinEnabled": False,
    "elinForWebexAppEnabled": False,
}


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """nginx, one worker, answering the two benchmarked endpoints with canned data."""

    def __init__(self, answer: bytes) -> None:
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="we-bench-"))
        self.port = free_port()
        conf = (HERE / "nginx.conf").read_text().replace("@PORT@", str(self.port)).replace("@DIR@", str(self.dir))
        conf = conf.replace("@ANSWER@", answer.decode())
        (self.dir / "nginx.conf").write_text(conf)
        self.proc = subprocess.Popen(["nginx", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")])
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def cpu_seconds(self) -> float:
        """CPU time of nginx's master and workers so far (schedstat's nanoseconds)."""
        total = 0.0
        for pid in [self.proc.pid, *children(self.proc.pid)]:
            try:
                total += int(pathlib.Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
            except OSError:
                pass
        return total

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Measure:
    """Wall time and the server's CPU share over one measured block."""

    def __init__(self, server: Server, n: int) -> None:
        self.server, self.n = server, n

    def __enter__(self) -> "Measure":
        self.cpu0, self.t0 = self.server.cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.server_share = (self.server.cpu_seconds() - self.cpu0) / self.wall
        self.rate = self.n / self.wall


def wrk(server: Server, path: str, method: str, connections: int, seconds: int) -> tuple[float, float]:
    script = HERE / ("put.lua" if method == "PUT" else "get.lua")
    cpu0, t0 = server.cpu_seconds(), time.perf_counter()
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), server.base_url + path],
                         capture_output=True, text=True, check=True).stdout
    share = (server.cpu_seconds() - cpu0) / (time.perf_counter() - t0)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rate, share


def thread_cpu() -> dict[str, float]:
    """CPU seconds so far of each thread of this process, by thread name ("python" is the main
    thread; the package's I/O thread is "webex-emergency"), from schedstat's nanoseconds (stat's
    clock ticks of 10 ms are too coarse for a row of a tenth of a second)."""
    out: dict[str, float] = {}
    for task in pathlib.Path("/proc/self/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            ns = int((task / "schedstat").read_text().split()[0])
        except OSError:
            continue
        out[name] = out.get(name, 0.0) + ns / 1e9
    return out


def cpu_per_request(before: dict[str, float], after: dict[str, float], name: str, n: int) -> float:
    return (after.get(name, 0.0) - before.get(name, 0.0)) / n * 1e6


def ours(server: Server, n: int, cpu: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    """Our Python rows; `cpu` gets the CPU µs per request of the AsyncClient row's threads and
    the server, and of the event loop alone."""
    import webex_emergency as we

    c = we.Client("bench-token", base_url=server.base_url)
    res = {}
    with Measure(server, n) as m:
        for _ in range(n):
            c.virtual_lines.update_ecbn(VLINE, selected="LOCATION_ECBN")
    res["ours sync PUT"] = (m.rate, m.server_share)
    with Measure(server, n) as m:
        for _ in range(n):
            c.people.get_ecbn(PERSON)
    res["ours sync GET"] = (m.rate, m.server_share)
    with Measure(server, n) as m:
        out = c.virtual_lines.bulk_update_ecbn(((VLINE, {"selected": "LOCATION_ECBN"}) for _ in range(n)), concurrency=10)
    assert not out.failed
    res["ours bulk PUT, 10 in flight"] = (m.rate, m.server_share)

    async def gather() -> None:
        ac = we.AsyncClient("bench-token", base_url=server.base_url)
        sem = asyncio.Semaphore(10)

        async def one() -> None:
            async with sem:
                await ac.virtual_lines.update_ecbn(VLINE, selected="LOCATION_ECBN")

        await asyncio.gather(*(one() for _ in range(n)))

    threads = thread_cpu()
    with Measure(server, n) as m:
        asyncio.run(gather())
    after = thread_cpu()
    res["ours AsyncClient PUT, 10 in flight"] = (m.rate, m.server_share)
    cpu.setdefault("loop", []).append(cpu_per_request(threads, after, "python", n))
    cpu.setdefault("io", []).append(cpu_per_request(threads, after, "webex-emergency", n))
    cpu.setdefault("server", []).append(m.server_share / m.rate * 1e6)

    async def bare() -> None:
        loop = asyncio.get_running_loop()
        sem = asyncio.Semaphore(10)

        async def one() -> None:
            async with sem:
                f = loop.create_future()
                loop.call_soon(f.set_result, None)
                await f

        await asyncio.gather(*(one() for _ in range(n)))

    # The same asyncio pattern with no client and no I/O: the ceiling of any asyncio client.
    threads = thread_cpu()
    with Measure(server, n) as m:
        asyncio.run(bare())
    cpu.setdefault("alone", []).append(cpu_per_request(threads, thread_cpu(), "python", n))
    res["asyncio alone, same pattern, no I/O, 10 in flight"] = (m.rate, m.server_share)
    return res


def wxc(server: Server, n: int) -> dict[str, tuple[float, float]]:
    import wxc_sdk.as_rest
    import wxc_sdk.rest
    from wxc_sdk import WebexSimpleApi
    from wxc_sdk.as_api import AsWebexSimpleApi
    from wxc_sdk.person_settings.ecbn import SelectedECBN

    wxc_sdk.rest.RestSession.BASE = server.base_url
    wxc_sdk.as_rest.AsRestSession.BASE = server.base_url
    res = {}
    api = WebexSimpleApi(tokens="bench-token")
    with Measure(server, n) as m:
        for _ in range(n):
            api.telephony.virtual_lines.ecbn.configure(VLINE, selected=SelectedECBN.location_ecbn)
    res["wxc_sdk sync PUT"] = (m.rate, m.server_share)
    with Measure(server, n) as m:
        for _ in range(n):
            api.person_settings.ecbn.read(PERSON)
    res["wxc_sdk sync GET"] = (m.rate, m.server_share)

    async def gather() -> None:
        async with AsWebexSimpleApi(tokens="bench-token", concurrent_requests=10) as aapi:
            await asyncio.gather(*(aapi.telephony.virtual_lines.ecbn.configure(VLINE, selected=SelectedECBN.location_ecbn)
                                   for _ in range(n)))

    with Measure(server, n) as m:
        asyncio.run(gather())
    res["wxc_sdk async PUT, concurrent_requests=10"] = (m.rate, m.server_share)
    return res


def import_ms(module: str, runs: int) -> float:
    def median(code: str) -> float:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    return (median(f"import {module}") - median("pass")) * 1000


def python_cpu(n: int) -> tuple[float, float]:
    """µs per PUT built + validated + serialized (a dry run), and per 800-byte answer parsed into objects."""
    import webex_emergency as we
    from webex_emergency import _native

    c = we.Client("bench-token", base_url="https://webexapis.com/v1")
    t = time.perf_counter()
    for _ in range(n):
        c.virtual_lines.update_ecbn(VLINE, selected="LOCATION_ECBN", dry_run=True)
    build = (time.perf_counter() - t) / n * 1e6
    body = json.dumps(ANSWER).encode()
    t = time.perf_counter()
    for _ in range(n):
        e = we.Ecbn(_native.decode("people.get_ecbn", body))
    parse = (time.perf_counter() - t) / n * 1e6
    assert e.direct_line_info.quality == "RECOMMENDED"
    t = time.perf_counter()
    for _ in range(n):
        d = we.Ecbn(_native.decode("people.get_ecbn", body)).to_dict()
    full = (time.perf_counter() - t) / n * 1e6
    assert d == ANSWER
    t = time.perf_counter()
    for _ in range(n):
        json.loads(body)
    loads = (time.perf_counter() - t) / n * 1e6
    return build, parse, full, loads


def bulk_rss(server: Server, n: int) -> float:
    code = f"""
import webex_emergency as we
c = we.Client("bench-token", base_url={server.base_url!r})
out = c.virtual_lines.bulk_update_ecbn((({VLINE!r}, {{"selected": "LOCATION_ECBN"}}) for _ in range({n})), concurrency=10)
assert len(out) == {n} and not out.failed
# VmHWM, not ru_maxrss: ru_maxrss survives exec and would report the parent's peak.
print([l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")][0])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1]) / 1024


def start_sim(sim_bin: str, *args: str) -> tuple[subprocess.Popen, str]:
    """The bundled simulator (release build) in its own process; its base URL (…/v1)."""
    sim = subprocess.Popen([sim_bin, *args], stdout=subprocess.PIPE, text=True)
    assert sim.stdout is not None
    return sim, sim.stdout.readline().strip()


def sim_get(base: str, path: str) -> dict:
    return json.load(urllib.request.urlopen(base.removesuffix("/v1") + path))


def audit_rows(sim_bin: str, cases: list[tuple[int, tuple[str, ...], int]]) -> list[tuple[int, tuple[str, ...], int, dict]]:
    """The audit of a simulated org for each (size, simulator flags, concurrency), in its own
    Python process: wall time, requests, and the peak RSS of the process that audits."""
    code = """
import json, sys, time, urllib.request
import webex_emergency as we
base, concurrency = sys.argv[1], int(sys.argv[2])
t = time.perf_counter()
report = we.Client("sim-token", base_url=base).audit(concurrency=concurrency)
wall = time.perf_counter() - t
root = base.removesuffix("/v1")
requests = json.load(urllib.request.urlopen(root + "/_sim/stats"))["requests"]
hwm = [l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
members = report.audited["person"] + report.audited["workspace"] + report.audited["virtualLine"]
print(json.dumps({"wall": wall, "requests": requests, "rss_mb": int(hwm) / 1024, "members": members,
                  "findings": len(report.findings)}))
"""
    rows = []
    for size, flags, concurrency in cases:
        sim, base = start_sim(sim_bin, "--size", str(size), *flags)
        try:
            out = subprocess.run([sys.executable, "-c", code, base, str(concurrency)], capture_output=True, text=True,
                                 check=True).stdout
            rows.append((size, flags, concurrency, json.loads(out)))
        finally:
            sim.terminate()
            sim.wait()
    return rows


# The rate limits of the rate-limited rows: name, simulator flags, allowed requests per second.
LIMITS = (("token bucket, 200/s, burst 50", ("--bucket", "200:50"), 200.0),
          ("fixed window, 600 per 5 s", ("--window", "600:5"), 120.0))


def limited_rows(sim_bin: str, n: int) -> list[dict]:
    """A bulk ECBN update of `n` people by each client under each limit (latency 30 ± 10 ms), each
    against a fresh simulator: wall time, requests answered 429, and whether every person's PUT
    succeeded exactly once (from the simulator's journal)."""
    python = sys.executable
    clients = [("ours, Python", [python, str(HERE / "clients" / "python_bulk.py")]),
               ("ours, Node", ["node", str(HERE / "clients" / "node_bulk.mjs")]),
               ("wxc_sdk async", [python, str(HERE / "clients" / "wxc_bulk.py")])]
    rows = []
    for limit, flags, allowed in LIMITS:
        for name, cmd in clients:
            for concurrency in (10, 40):
                sim, base = start_sim(sim_bin, "--size", str(max(1000, n * 2)), "--latency", "30:10", *flags)
                try:
                    people = sim_get(base, "/_sim/directory?limit=100000")["people"][:n]
                    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as ids:
                        ids.write("\n".join(people))
                    run = subprocess.run([*cmd, base, ids.name, str(concurrency)], capture_output=True, text=True)
                    os.unlink(ids.name)
                    if run.returncode != 0:
                        print(f"{name} under {limit}: {run.stderr[-500:]}", file=sys.stderr)
                        continue
                    out = json.loads(run.stdout.strip().splitlines()[-1])
                    journal = sim_get(base, "/_sim/journal")["items"]
                finally:
                    sim.terminate()
                    sim.wait()
                done: dict[str, int] = {}
                for e in journal:
                    if e["method"] == "PUT" and e["status"] == 204:
                        done[e["path"]] = done.get(e["path"], 0) + 1
                rows.append({"limit": limit, "client": name, "concurrency": concurrency, "allowed": allowed, "n": n,
                             "wall": out["wall"], "failed": out["failed"], "requests": len(journal),
                             "refused": sum(e["status"] == 429 for e in journal),
                             "once": len(done) == n and all(v == 1 for v in done.values())})
                print(f"  {limit}, {name}, {concurrency}: {out['wall']:.1f} s", file=sys.stderr)
    return rows


def npm_size() -> str:
    pkg = ROOT / "bindings-wasm" / "pkg"
    wasm = pkg / "webex_emergency_wasm_bg.wasm"
    if not wasm.exists():
        return "not built (run bindings-wasm/build.sh)"
    gz = lambda data: len(subprocess.run(["gzip", "-9", "-c"], input=data, capture_output=True, check=True).stdout)
    w = gz(wasm.read_bytes())
    js = gz((pkg / "webex_emergency_wasm.js").read_bytes() + (pkg / "index.js").read_bytes())
    return f"{(w + js) / 1000:.1f} kB gzip -9 (.wasm {w / 1000:.1f} kB + JS {js / 1000:.1f} kB)"


def rust_rows(server: Server, rust_bin: str, n: int, answer_file: str) -> tuple[dict[str, tuple[float, float]], dict]:
    cpu0, t0 = server.cpu_seconds(), time.perf_counter()
    rust = json.loads(subprocess.run([rust_bin, server.base_url, PERSON, VLINE, str(n), answer_file],
                                     capture_output=True, text=True, check=True).stdout)
    share = (server.cpu_seconds() - cpu0) / (time.perf_counter() - t0)
    return {"Rust core sequential PUT": (rust["put_seq"], share), "Rust core sequential GET": (rust["get_seq"], share),
            "Rust core bulk PUT, 10 in flight": (rust["put_bulk10"], share)}, rust


def wrk_name(method: str, conns: int) -> str:
    return f"wrk {method}, {conns} connection{'s' if conns > 1 else ''}"


def baseline(name: str) -> str:
    """The wrk row a client row is compared with: same method, same concurrency."""
    return wrk_name("GET" if "GET" in name else "PUT", 10 if "10" in name else 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    ap.add_argument("--rust-bin", required=True)
    ap.add_argument("--sim-bin", required=True)
    args = ap.parse_args()
    n = 200 if args.quick else 3000
    seconds = 1 if args.quick else 3
    # Rounds: every round measures wrk and then our clients back to back, and ratios are taken
    # within a round, so that a slow spell of a shared machine hits both sides of a ratio.
    rounds = 1 if args.quick else 3
    answer = json.dumps(ANSWER).encode()
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as f:
        f.write(answer)
    server = Server(answer)
    measured: list[dict[str, tuple[float, float]]] = []
    rust_cpu: list[dict] = []
    async_cpu: dict[str, list[float]] = {}
    try:
        for _ in range(rounds):
            res: dict[str, tuple[float, float]] = {}
            for conns in (1, 10):
                for method, path in (("PUT", f"/telephony/config/virtualLines/{VLINE}/emergencyCallbackNumber"),
                                     ("GET", f"/telephony/config/people/{PERSON}/emergencyCallbackNumber")):
                    res[wrk_name(method, conns)] = wrk(server, path, method, conns, seconds)
            res.update(ours(server, n, async_cpu))
            rows, cpu = rust_rows(server, args.rust_bin, n, f.name)
            res.update(rows)
            rust_cpu.append(cpu)
            measured.append(res)
        try:
            peers = wxc(server, n)
        except ImportError:
            print("wxc_sdk is not installed: skipped", file=sys.stderr)
            peers = {}
        import_ours = import_ms("webex_emergency", 5 if args.quick else 15)
        try:
            import_wxc = f"{import_ms('wxc_sdk', 3 if args.quick else 7):.0f} ms"
        except subprocess.CalledProcessError:
            import_wxc = "n/a"
        build_us, parse_us, full_us, loads_us = python_cpu(2000 if args.quick else 50000)
        rss = bulk_rss(server, 2000 if args.quick else 100_000)
        big = 1000 if args.quick else 10_000
        audits = audit_rows(args.sim_bin, [(200 if args.quick else 1000, (), 10), (big, (), 10),
                                           (big, ("--bucket", "1000:50"), 10),
                                           (big, ("--bucket", "1000:50", "--latency", "30:10"), 50)])
        limited = limited_rows(args.sim_bin, 300 if args.quick else 5000)
    finally:
        server.stop()
        os.unlink(f.name)

    med = statistics.median
    names = list(measured[0])
    rate = {k: med(r[k][0] for r in measured) for k in names}
    share = {k: med(r[k][1] for r in measured) for k in names}
    for k, (r, sh) in peers.items():
        rate[k], share[k] = r, sh
    lines = [
        f"Run {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; N={n} requests per client row, "
        f"{rounds} round{'s' if rounds > 1 else ''} (requests/s and server CPU: median; vs wrk: median of the "
        f"per-round ratios, range in brackets); wxc_sdk measured once; server: nginx, 1 worker, canned "
        f"answers on 127.0.0.1.",
        "",
        "| what | requests/s | vs wrk (same method, same concurrency) | vs wxc_sdk | server CPU |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in names + list(peers):
        ratio = ""
        if not name.startswith("wrk"):
            base = baseline(name)
            rs = [r[name][0] / r[base][0] * 100 for r in measured] if name in names else [rate[name] / rate[base] * 100]
            ratio = f"{med(rs):.0f}%" + (f" ({min(rs):.0f}-{max(rs):.0f})" if len(rs) > 1 else "")
        peer = ""
        if name.startswith("ours") and peers:
            key = ("wxc_sdk async PUT, concurrent_requests=10" if "10" in name else
                   "wxc_sdk sync GET" if "GET" in name else "wxc_sdk sync PUT")
            peer = f"{rate[name] / rate[key]:.1f}x"
        lines.append(f"| {name} | {rate[name]:,.0f} | {ratio} | {peer} | {share[name] * 100:.0f}% |")
    build_ns = med(c["build_validate_serialize_ns"] for c in rust_cpu)
    alone = "asyncio alone, same pattern, no I/O, 10 in flight"
    shares = [r["ours AsyncClient PUT, 10 in flight"][0] / r[alone][0] * 100 for r in measured]
    async_share = f"{med(shares):.0f}%" + (f" ({min(shares):.0f}-{max(shares):.0f})" if len(shares) > 1 else "")
    # What the row's three busy threads cost per request, and the rate their sum allows on this
    # machine's cores if they overlapped perfectly (the client's bound, whatever asyncio reaches).
    loop_us, io_us, server_us = (med(async_cpu[k]) for k in ("loop", "io", "server"))
    cores = os.cpu_count() or 1
    async_cpu_text = (f"event loop thread {loop_us:.1f} µs, I/O thread {io_us:.1f} µs, server {server_us:.1f} µs "
                      f"(at most {cores / (loop_us + io_us + server_us) * 1e6:,.0f}/s on {cores} cores, and "
                      f"{1e6 / loop_us:,.0f}/s on the loop's one); asyncio alone: {med(async_cpu['alone']):.1f} µs per call")
    parse_ns = med(c["parse_ecbn_ns"] for c in rust_cpu)
    lines += [
        "",
        "| measure | value |",
        "|---|---|",
        f"| import webex_emergency, over bare python (median) | {import_ours:.1f} ms |",
        f"| import wxc_sdk, over bare python (median) | {import_wxc} |",
        f"| Rust: build + validate + serialize a PUT | {build_ns / 1000:.2f} µs |",
        f"| Rust: parse an {rust_cpu[0]['answer_bytes']}-byte ECBN answer into the model | {parse_ns / 1000:.2f} µs |",
        f"| Python: build + validate + serialize a PUT (dry run, from keyword arguments) | {build_us:.2f} µs |",
        f"| Python: parse an {len(answer)}-byte ECBN answer into a result object (fields become Python objects when read) | {parse_us:.2f} µs |",
        f"| Python: the same, then every field as Python objects (`to_dict()`) | {full_us:.2f} µs |",
        f"| Python: `json.loads` of the same bytes, for scale | {loads_us:.2f} µs |",
        f"| Python: peak RSS of a {'2,000' if args.quick else '100,000'}-item bulk run | {rss:.0f} MB |",
        f"| npm package size | {npm_size()} |",
        f"| AsyncClient PUT, 10 in flight, against asyncio alone (median of the per-round ratios) | {async_share} |",
        f"| AsyncClient PUT, 10 in flight: CPU per request (median) | {async_cpu_text} |",
        "",
        "Audit from Python (`client.audit()`) of the bundled simulator's seeded org (release build, its own "
        "process); under a rate limit R, the lower bound of the wall time is requests / R:",
        "",
        "| org size | simulator | concurrency | members audited | requests | findings | wall time | requests/s | "
        "vs bound | peak RSS of the auditing process |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, flags, concurrency, a in audits:
        sim = " ".join(flags) or "no limit, no latency"
        bound = ""
        if "--bucket" in flags:
            rate = float(flags[flags.index("--bucket") + 1].split(":")[0])
            bound = f"{a['requests'] / rate / a['wall'] * 100:.0f}% ({a['requests'] / rate:.2f} s)"
        lines.append(f"| {size:,} | {sim} | {concurrency} | {a['members']:,} | {a['requests']:,} | {a['findings']:,} | "
                     f"{a['wall']:.2f} s | {a['requests'] / a['wall']:,.0f} | {bound} | {a['rss_mb']:.0f} MB |")
    n_limited = limited[0]["n"] if limited else 0
    lines += [
        "",
        f"A {n_limited:,}-item `bulk_update_ecbn` of people under a rate limit per token (bundled simulator, release "
        "build, latency 30 ± 10 ms, a fresh simulator per row): the achieved rate (items / wall time) as a share of "
        "the allowed rate, the share of requests answered 429, and whether every item's PUT succeeded exactly once "
        "(the simulator's journal). Target: ≥ 95% of the allowed rate, ≤ 2% answered 429.",
        "",
        "| limit | client | concurrency | wall time | share of the allowed rate | requests | answered 429 | "
        "every item done once | items failed |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in limited:
        lines.append(f"| {r['limit']} | {r['client']} | {r['concurrency']} | {r['wall']:.1f} s | "
                     f"{r['n'] / r['wall'] / r['allowed'] * 100:.0f}% | {r['requests']:,} | "
                     f"{r['refused'] / r['requests'] * 100:.1f}% | {'yes' if r['once'] else 'no'} | {r['failed']} |")
    text = "\n".join(lines)
    print(text)
    if not args.quick:
        (HERE / "results.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
