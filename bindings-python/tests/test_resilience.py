"""Retries, faults, threads, asyncio at scale, bulk with faults, Ctrl-C."""
import asyncio
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import webex_emergency as we


def test_retry_after_seconds_and_http_date(sim, ids, client):
    for ra in ("1", "date:2"):
        sim.reset()
        sim.set_faults({"script": [{"status": 429, "retryAfter": ra}]})
        t = time.monotonic()
        client.virtual_lines.update_ecbn(ids["virtualLines"][0], selected="LOCATION_ECBN")
        assert time.monotonic() - t >= 0.9
        assert [e["status"] for e in sim.journal()] == [429, 204]


def test_5xx_burst_then_success(sim, ids, client):
    sim.set_faults({"script": [{"status": 502}, {"status": 504}]})
    assert client.people.get_ecbn(ids["people"][0]).selected
    assert [e["status"] for e in sim.journal()] == [502, 504, 200]


def test_post_is_never_replayed(sim, ids, client):
    sim.set_faults({"script": [{"status": 503, "retryAfter": "0"}]})
    with pytest.raises(we.ServerError):
        client.redsky.create_account(email="a@example.org")
    assert [e["method"] for e in sim.journal()] == ["POST"]


def test_threads_share_one_client(sim, ids, client):
    people = ids["people"][:40]

    def work(p):
        client.people.update_ecbn(p, elin_enabled=True)
        return client.people.get_ecbn(p).elin_enabled

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(work, people * 3))
    assert len(sim.journal()) == 240


def test_asyncio_gather_1000_calls(sim, ids):
    people = ids["people"]

    async def main():
        async with sim.async_client() as c:
            return await asyncio.gather(*(c.people.get_ecbn(people[i % len(people)]) for i in range(1000)))

    results = asyncio.run(main())
    assert len(results) == 1000 and all(isinstance(r, we.Ecbn) for r in results)
    assert len(sim.journal()) == 1000


def test_bulk_10000_with_faults_accounts_for_every_item():
    with we.Simulator(size=12000, faults={"seed": 3, "rate429": 0.03, "retryAfter": "0", "rate5xx": 0.02,
                                          "burst": 2, "dropRate": 0.01}) as sim:
        ids = sim.directory(20000)
        people = ids["people"]
        c = sim.client(max_retries=4)
        seen = []

        def items():  # a generator: read lazily
            for i in range(10000):
                if i % 1000 == 999:
                    yield {"person_id": ids["workspaces"][0], "elin_enabled": True}  # wrong kind
                elif i % 1000 == 500:
                    yield (people[i % len(people)], {"selected": "BOGUS"})
                else:
                    yield {"person_id": people[i % len(people)], "elin_enabled": i % 2 == 0}

        results = c.people.bulk_update_ecbn(items(), concurrency=16, progress=lambda d, s, f: seen.append(d))
        assert [r.index for r in results] == list(range(10000))
        assert len(seen) == 10000 and max(seen) == 10000
        invalid = [r for r in results.failed if isinstance(r.error, we.ValidationError)]
        assert len(invalid) == 20
        assert all(r.index % 1000 in (999, 500) for r in invalid)
        assert len(results.succeeded) + len(results.failed) == 10000
        assert len(results.succeeded) > 9500
        statuses = {e["status"] for e in sim.journal()}
        assert 429 in statuses and statuses & {502, 503, 504}


def test_bulk_dry_run_and_async_bulk(sim, ids):
    c = sim.client()
    items = [(p, {"selected": "LOCATION_ECBN"}) for p in ids["people"][:5]] + [("", {})]
    shown = c.people.bulk_update_ecbn(items, dry_run=True)
    assert [r.ok for r in shown] == [True] * 5 + [False]
    assert shown[0].result.method == "PUT" and sim.journal() == []

    async def main():
        async with sim.async_client() as ac:
            return await ac.notifications.bulk_update_location(
                [{"location_id": loc["id"], "email_address": "x@example.org"} for loc in ids["locations"]])

    out = asyncio.run(main())
    assert all(r.ok for r in out) and len(out) == len(ids["locations"])


def test_ctrl_c_interrupts_a_blocking_call(sim, ids):
    sim.set_faults({"latencyMs": 10000})
    c = sim.client(timeout=30, max_retries=0)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    t = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        c.people.get_ecbn(ids["people"][0])
    assert time.monotonic() - t < 1.5


def test_blocking_calls_from_threads_while_asyncio_calls_run(sim, ids):
    people = ids["people"][:20]
    client = sim.client()

    async def main():
        async with sim.async_client() as ac:
            with ThreadPoolExecutor(4) as pool:
                blocking = pool.map(lambda p: client.people.get_ecbn(p).selected, people * 5)
                answers = await asyncio.gather(*(ac.people.get_ecbn(p) for p in people * 10))
                return list(blocking), answers

    blocking, answers = asyncio.run(main())
    assert len(blocking) == 100 and all(blocking)
    assert len(answers) == 200 and all(isinstance(a, we.Ecbn) for a in answers)
    assert len(sim.journal()) == 300


def test_blocking_call_inside_a_progress_callback_is_refused(sim, ids):
    c = sim.client()
    refused = []

    def progress(done, ok, failed):
        try:
            c.people.get_ecbn(ids["people"][0])
        except RuntimeError as e:
            refused.append(str(e))

    out = c.people.bulk_update_ecbn([(p, {"elin_enabled": True}) for p in ids["people"][:3]], progress=progress)
    assert all(r.ok for r in out)
    assert len(refused) == 3 and "callback" in refused[0]


class _ConnectProxy:
    """A tunnelling HTTP proxy (CONNECT only) on 127.0.0.1 that records what it was asked."""

    def __init__(self, refuse: bool = False) -> None:
        import socket

        self.requests: list = []
        self.refuse = refuse
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.url = f"http://user:s3cret@127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(1)
                if not chunk:
                    break
                head += chunk
            self.requests.append(head.decode())
            if self.refuse:
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
                client.close()
                continue
            host, port = head.split(b" ")[1].decode().rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def close(self) -> None:
        self.server.close()


def test_proxy_option_tunnels_every_request(sim, ids):
    proxy = _ConnectProxy()
    try:
        c = sim.client(proxy=proxy.url)
        assert "s3cret" not in repr(c)
        assert c.people.get_ecbn(ids["people"][0]).selected
        assert len(proxy.requests) == 1
        target = sim.base_url.split("//")[1].split("/")[0]
        assert proxy.requests[0].startswith(f"CONNECT {target} HTTP/1.1\r\n")
        assert "Proxy-Authorization: Basic dXNlcjpzM2NyZXQ=" in proxy.requests[0]
        assert len(sim.journal()) == 1
    finally:
        proxy.close()


def test_a_refusing_proxy_is_a_transport_error_without_its_password(sim, ids):
    proxy = _ConnectProxy(refuse=True)
    try:
        c = sim.client(proxy=proxy.url, max_retries=0)
        with pytest.raises(we.TransportError) as info:
            c.people.get_ecbn(ids["people"][0])
        assert "407" in str(info.value) and "s3cret" not in str(info.value)
        assert sim.journal() == []
    finally:
        proxy.close()
    with pytest.raises(we.ConfigError):
        sim.client(proxy="socks5://127.0.0.1:1080")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_children_get_their_own_runtime_and_connections(sim, ids):
    person = ids["people"][0]
    c = sim.client(timeout=5, max_retries=0)
    assert c.people.get_ecbn(person).selected  # the parent now has a runtime and a pooled connection

    async def one():
        async with sim.async_client(timeout=5, max_retries=0) as ac:
            return (await ac.people.get_ecbn(person)).selected

    assert asyncio.run(one())
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: blocking calls on the inherited client, then asyncio
        code = 1
        try:
            ok = all(c.people.get_ecbn(person).selected for _ in range(20))
            ok = ok and asyncio.run(asyncio.wait_for(one(), 5)) is not None
            code = 0 if ok else 1
        finally:
            os.write(write, bytes([code]))
            os._exit(0)
    for _ in range(20):  # the parent keeps using its connection meanwhile
        assert c.people.get_ecbn(person).selected
    _, status = os.waitpid(pid, 0)
    assert status == 0 and os.read(read, 1) == b"\x00"
    # 2 before the fork, 20 + 1 from the child, 20 from the parent: each answered once.
    assert len(sim.journal()) == 43


def test_ctrl_c_in_the_items_generator_stops_the_run_and_is_raised(sim, ids):
    c = sim.client()
    people = ids["people"][:20]

    def items():
        for i, p in enumerate(people):
            if i == 5:
                raise KeyboardInterrupt
            yield (p, {"selected": "LOCATION_ECBN"})

    with pytest.raises(KeyboardInterrupt):
        c.people.bulk_update_ecbn(items(), concurrency=2)
    assert len([e for e in sim.journal() if e["method"] == "PUT"]) == 5
    with pytest.raises(KeyboardInterrupt):
        c.people.bulk_update_ecbn(items(), dry_run=True)

    async def main():
        async with sim.async_client() as ac:
            await ac.people.bulk_update_ecbn(items())

    with pytest.raises(KeyboardInterrupt):
        asyncio.run(main())
    # An ordinary exception is one failed item, and the run returns.
    def broken():
        yield (people[0], {"selected": "LOCATION_ECBN"})
        raise ValueError("the CSV file went away")

    out = c.people.bulk_update_ecbn(broken(), dry_run=1)
    assert [r.ok for r in out] == [True, False] and "went away" in str(out[1].error)


def test_bulk_items_may_be_any_mapping(sim, ids):
    import collections
    import types

    c = sim.client()
    p = ids["people"][0]
    items = [collections.UserDict({"person_id": p, "selected": "LOCATION_ECBN"}),
             collections.ChainMap({"person_id": p}, {"selected": "DIRECT_LINE"}),
             types.MappingProxyType({"personId": p, "selected": "LOCATION_ECBN"}),
             (p, collections.UserDict({"selected": "DIRECT_LINE"}))]
    out = c.people.bulk_update_ecbn(items)
    assert [r.ok for r in out] == [True] * 4, [str(r.error) for r in out]
