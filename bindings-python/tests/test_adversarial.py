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
            await asyncio.wait_for(_waiter().submit(_native._submit_panic_for_tests), 5)

    asyncio.run(run())
