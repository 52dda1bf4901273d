"""Hostile and careless input: nothing crashes the interpreter, nothing reaches the server,
every failure is one of the package's exceptions (never pyo3's PanicException)."""

import asyncio
import math
import unittest.mock

import pytest

import webex_emergency as we
from webex_emergency import _native
from webex_emergency._client import _waiter

ITEM = {"selected": "DIRECT_LINE"}


@pytest.mark.parametrize("options", [
    {"timeout": 1e20}, {"timeout": math.nan}, {"timeout": math.inf}, {"timeout": -1}, {"timeout": 0},
    {"max_retries": 10**20}, {"max_retries": -1}, {"max_retries": 1.5}, {"max_retries": 101},
])
def test_absurd_client_options_are_config_errors(sim, options):
    with pytest.raises(we.ConfigError):
        sim.client(**options)


@pytest.mark.parametrize("name, value", [
    ("timeout", "30"), ("timeout", True), ("max_retries", "2"), ("max_rate", [1]), ("org_id", 5),
    ("base_url", b"http://127.0.0.1"), ("user_agent", 1.0), ("adaptive_pacing", 1), ("adaptive_pacing", "no"),
    ("proxy", b"http://user:s3cr3t@proxy.example:8080"),
])
def test_client_options_of_the_wrong_type_are_config_errors_naming_the_option(sim, name, value):
    for cls in (we.Client, we.AsyncClient):
        with pytest.raises(we.ConfigError, match=f"`{name}`") as e:
            cls("sim-token", **{"base_url": sim.base_url, name: value})
        assert "s3cr3t" not in str(e.value)


@pytest.mark.parametrize("concurrency", [-1, 0, 1001, 2**31, 2**40, 2**100, "10", 1.5, True])
def test_absurd_concurrency_is_a_config_error_before_anything_is_sent(sim, client, ids, concurrency):
    person = ids["people"][0]
    with pytest.raises(we.ConfigError, match="concurrency"):
        client.people.bulk_update_ecbn([(person, ITEM)], concurrency=concurrency)

    async def run():
        ac = sim.async_client()
        with pytest.raises(we.ConfigError, match="concurrency"):
            await ac.people.bulk_update_ecbn([(person, ITEM)], concurrency=concurrency)

    asyncio.run(run())
    assert sim.journal() == []


@pytest.mark.parametrize("page_size", [-1, 2**40, "5"])
def test_absurd_page_size_is_a_config_error(sim, client, page_size):
    with pytest.raises(we.ConfigError, match="page_size"):
        next(iter(client.redsky.compliance_statuses(page_size=page_size)))
    assert sim.journal() == []


@pytest.mark.parametrize("start", [-1, 2**40, 1.5])
def test_absurd_start_is_a_validation_error(sim, client, start):
    with pytest.raises(we.ValidationError) as e:
        client.redsky.compliance_status_page(start=start)
    assert e.value.errors[0]["field"] == "start"
    assert sim.journal() == []


def _cyclic():
    d = {"selected": "DIRECT_LINE"}
    d["self"] = d
    return d


def _deep(levels):
    root = node = {}
    for _ in range(levels):
        node["a"] = {}
        node = node["a"]
    return root


def _self_to_dict():
    class Loop:
        def to_dict(self):
            return self
    return Loop()


@pytest.mark.parametrize("body, rule", [
    (_cyclic(), "depth"),
    (_deep(100_000), "depth"),
    (unittest.mock.MagicMock(), "depth"),
    (_self_to_dict(), "depth"),
    ({"selected": "DIRECT_LINE", "x": list(range(200_000))}, "size"),
    ({"selected": "DIRECT_LINE", "x": "a" * (5 << 20)}, "size"),
    ({"selected": "DIRECT_LINE", "x": {str(i): i for i in range(150_000)}}, "size"),
])
def test_hostile_bodies_are_validation_errors_and_nothing_is_sent(sim, client, ids, body, rule):
    with pytest.raises(we.ValidationError) as e:
        client.people.update_ecbn(ids["people"][0], body)
    assert e.value.errors[0]["rule"] == rule
    # The same body as a bulk item: that item fails, the run reports it.
    [result] = client.people.bulk_update_ecbn([(ids["people"][0], body)])
    assert not result.ok and isinstance(result.error, we.ValidationError)
    assert sim.journal() == []


def test_a_large_but_reasonable_body_is_still_taken(sim, client, ids):
    # 50,000 values and 1 MiB of text are under the bounds: the core sees them (and refuses
    # the unknown field by name), the conversion does not.
    body = {"selected": "DIRECT_LINE", "extra": ["x" * 20] * 50_000}
    with pytest.raises(we.ValidationError) as e:
        client.people.update_ecbn(ids["people"][0], body)
    assert [x["rule"] for x in e.value.errors] == ["unknown_field"]


@pytest.mark.parametrize("token", ["a\nb", "a\rb", "a\0b", "tökén", "", "a b"])
def test_bad_provider_tokens_are_refused_without_showing_them(sim, ids, token):
    client = we.Client(lambda refresh=False: token, base_url=sim.base_url, max_retries=0)
    with pytest.raises(we.ConfigError) as e:
        client.people.get_ecbn(ids["people"][0])
    if token:
        assert token not in str(e.value) and token not in repr(e.value)
    assert sim.journal() == []


def test_a_panic_in_a_call_is_a_webex_error_not_a_panic_exception():
    for where in ("call", "block_on"):
        with pytest.raises(we.WebexError, match="internal error"):
            _native._panic_for_tests(where)


def test_a_panic_in_an_asyncio_job_resumes_the_coroutine_with_a_webex_error():
    async def run():
        with pytest.raises(we.WebexError, match="internal error"):
            await asyncio.wait_for(_waiter().run(_native._submit_panic_for_tests), 5)

    asyncio.run(run())


def _open_descriptors():
    import os
    return len(os.listdir("/proc/self/fd"))


def test_asyncio_run_frees_its_loop_and_pipe(sim, ids):
    import gc
    import weakref
    person = ids["people"][0]
    loops = []

    async def one_call():
        loops.append(weakref.ref(asyncio.get_running_loop()))
        await sim.async_client().people.get_ecbn(person)

    asyncio.run(one_call())  # the first run creates the runtime's own descriptors
    gc.collect()
    before = _open_descriptors()
    for _ in range(150):
        asyncio.run(one_call())
    gc.collect()
    assert _open_descriptors() - before < 5
    assert sum(1 for loop in loops if loop() is not None) <= 1


def _items(ids, n):
    people = ids["people"]
    return [(people[i % len(people)], {"elinEnabled": i % 2 == 0}) for i in range(n)]


def _journal_stops_growing(sim):
    """The journal records a request when it is answered: requests that were already in
    flight (at most the latency ago) may still appear; nothing after that."""
    import time
    time.sleep(0.5)
    sent = len(sim.journal())
    time.sleep(0.8)
    assert len(sim.journal()) == sent, "requests went out after the run was stopped"
    return sent


def test_cancelling_an_async_bulk_stops_its_requests(sim, ids):
    sim.set_faults({"latencyMs": 300})

    async def run():
        task = asyncio.ensure_future(sim.async_client().people.bulk_update_ecbn(_items(ids, 200), concurrency=4))
        await asyncio.sleep(0.7)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())
    assert _journal_stops_growing(sim) < 30


def test_a_wait_for_timeout_abandons_the_call(sim, ids):
    sim.set_faults({"latencyMs": 1500, "script": [{"status": 503, "retryAfter": "0"}]})

    async def run():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(sim.async_client().people.get_ecbn(ids["people"][0]), 0.3)
        await asyncio.sleep(2.0)  # a call still going would have retried the 503 by now

    asyncio.run(run())
    assert len(sim.journal()) <= 1


def _interrupt_at(n):
    def progress(done, succeeded, failed):
        if done == n:
            raise KeyboardInterrupt
    return progress


def test_ctrl_c_in_a_progress_callback_stops_the_run_and_is_raised(sim, ids):
    import time
    sim.set_faults({"latencyMs": 100})
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        sim.client().people.bulk_update_ecbn(_items(ids, 200), concurrency=4, progress=_interrupt_at(3))
    assert time.monotonic() - started < 3
    assert _journal_stops_growing(sim) < 30


def test_ctrl_c_in_an_async_progress_callback_is_raised(sim, ids):
    sim.set_faults({"latencyMs": 100})

    async def run():
        await sim.async_client().people.bulk_update_ecbn(_items(ids, 200), concurrency=4, progress=_interrupt_at(3))

    with pytest.raises(KeyboardInterrupt):
        asyncio.run(run())
    assert _journal_stops_growing(sim) < 30


def test_an_ordinary_exception_in_a_progress_callback_is_printed_and_the_run_goes_on(sim, ids, capsys):
    def progress(done, succeeded, failed):
        raise ValueError("progress bar bug")

    results = sim.client().people.bulk_update_ecbn(_items(ids, 5), progress=progress)
    assert [r.ok for r in results] == [True] * 5
    assert "progress bar bug" in capsys.readouterr().err


def test_a_huge_error_page_is_a_retried_server_error_and_a_huge_message_is_cut(sim, ids):
    person = ids["people"][0]
    page = {"status": 503, "body": "html", "oversize": True, "retryAfter": "0"}
    sim.set_faults({"script": [page], "oversizeBytes": 9 * 1024 * 1024})
    sim.client().people.get_ecbn(person)
    assert [e["status"] for e in sim.journal()] == [503, 200]
    sim.set_faults({"script": [page], "oversizeBytes": 9 * 1024 * 1024})
    with pytest.raises(we.ServerError) as info:
        sim.client(max_retries=0).people.get_ecbn(person)
    assert len(str(info.value)) < 2000
    for pad in (2 * 1024 * 1024, 40 * 1024):
        sim.set_faults({"script": [{"status": 400, "oversize": True}], "oversizeBytes": pad})
        with pytest.raises(we.APIError) as info:
            sim.client().people.get_ecbn(person)
        assert info.value.status == 400
        assert len(str(info.value)) < 12000 and len(repr(info.value)) < 12000


def test_fault_modes_close_interim_stall_reset_redirect(sim, ids):
    people = ids["people"]
    client = sim.client()
    sim.set_faults({"connectionClose": True})
    for p in people[:10]:
        client.people.get_ecbn(p)
    sim.set_faults({"informational": True})
    for p in people[:5]:
        client.people.get_ecbn(p)
    assert [e["status"] for e in sim.journal()] == [200] * 15
    sim.reset()
    sim.set_faults({"script": [{"stall": True}]})
    sim.client(timeout=0.4).people.get_ecbn(people[0])
    assert len(sim.journal()) == 2
    sim.reset()
    sim.set_faults({"script": [{"drop": True}]})
    with pytest.raises(we.TransportError):
        client.redsky.login(email="a@example.org", password="pw")
    assert len(sim.journal()) == 1, "a POST that may have been applied is never replayed"
    with we.Simulator(size=20) as other:
        path = f"/telephony/config/people/{people[0]}/emergencyCallbackNumber"
        sim.set_faults({"script": [{"redirect": other.base_url + path}]})
        with pytest.raises(we.WebexError):
            client.people.get_ecbn(people[0])
        assert other.journal() == []
