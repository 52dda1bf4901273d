"""Every exception class, with its data; no token or password in any message or repr."""
import socket
import time

import pytest

import webex_emergency as we

TOKEN = "tok-NEVER-SHOWN-123"


def test_validation_error_lists_every_rule(client, ids, sim):
    with pytest.raises(we.ValidationError) as e:
        client.people.update_ecbn(ids["workspaces"][0], selected="LOCATION_MEMBER_NUMBER", elin_enabld=True)
    assert isinstance(e.value, ValueError) and isinstance(e.value, we.WebexError)
    assert [(x["field"], x["rule"]) for x in e.value.errors] == [("personId", "id_kind"), ("elinEnabld", "unknown_field")]
    with pytest.raises(we.ValidationError) as e:
        client.people.update_ecbn(ids["workspaces"][0], selected="LOCATION_MEMBER_NUMBER")
    assert e.value.fields() == ["personId", "locationMemberId"]
    assert e.value.operation == "people.update_ecbn"
    with pytest.raises(we.ValidationError) as e:
        client.notifications.update_org(email_address=object())
    assert e.value.errors[0]["rule"] == "type"
    assert sim.journal() == []


def test_api_errors_by_status(sim, ids):
    c = sim.client(max_retries=0)
    with pytest.raises(we.NotFoundError) as e:
        c.people.get_ecbn("bm90LWFuLWlk")
    assert e.value.status == 404 and e.value.tracking_id and e.value.errors[0]["error_code"] == "4008"
    other_org = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8x"
    with pytest.raises(we.PermissionDeniedError):
        c.notifications.get_org(org_id=other_org)
    c.redsky.create_account(email="a@example.org")
    with pytest.raises(we.ConflictError):
        c.redsky.create_account(email="a@example.org")
    sim.set_faults({"script": [{"status": 503}]})
    with pytest.raises(we.ServerError) as e:
        c.people.get_ecbn(ids["people"][0])
    assert e.value.status == 503 and isinstance(e.value, we.APIError)
    sim.set_faults({"script": [{"status": 429, "retryAfter": "3600"}]})
    t = time.monotonic()
    with pytest.raises(we.RateLimitError) as e:
        sim.client().people.get_ecbn(ids["people"][0])
    assert time.monotonic() - t < 1 and e.value.retry_after == 3600.0
    sim.set_faults({"script": [{"status": 400, "body": "none"}]})
    with pytest.raises(we.APIError) as e:
        c.people.get_ecbn(ids["people"][0])
    assert type(e.value) is we.APIError and e.value.status == 400


def test_authentication_error_never_shows_the_token(sim, ids):
    c = we.Client(TOKEN, base_url=sim.base_url)
    with pytest.raises(we.AuthenticationError) as e:
        c.people.get_ecbn(ids["people"][0])
    text = f"{e.value} {e.value!r} {vars(e.value)} {c!r} {c.people!r}"
    assert TOKEN not in text
    assert "access token" in str(e.value)
    assert TOKEN not in repr(c.people.get_ecbn(ids["people"][0], dry_run=True))


def test_password_is_masked_in_dry_runs(client):
    shown = client.redsky.login(email="a@example.org", password="hunter2-secret", dry_run=True)
    assert shown.body["password"] == "***"
    assert "hunter2" not in repr(shown)


def test_transport_and_timeout_errors(sim, ids):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    c = we.Client("t", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    with pytest.raises(we.TransportError) as e:
        c.notifications.get_org()
    assert e.value.kind == "connect"
    sim.set_faults({"latencyMs": 1500})
    slow = sim.client(timeout=0.2, max_retries=0)
    with pytest.raises(we.APITimeoutError) as e:
        slow.people.get_ecbn(ids["people"][0])
    assert isinstance(e.value, TimeoutError) and isinstance(e.value, we.TransportError)


def test_decode_and_config_errors(sim, ids, client):
    sim.set_faults({"script": [{"truncate": True}]})
    with pytest.raises(we.DecodeError) as e:
        client.people.get_ecbn(ids["people"][0])
    assert e.value.status == 200 and e.value.body_excerpt
    with pytest.raises(we.ConfigError):
        we.Client("t", base_url="http://webexapis.com/v1")
    with pytest.raises(we.ConfigError):
        we.Client("t", timeout=-1)


def test_token_from_environment_and_callable(sim, ids, monkeypatch):
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", sim.token)
    assert we.Client(base_url=sim.base_url).people.get_ecbn(ids["people"][0]).selected
    # A line break around it (a token file read into the variable) is not part of the token.
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", f" {sim.token}\r\n")
    assert we.Client(base_url=sim.base_url).people.get_ecbn(ids["people"][0]).selected
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", " \n")
    with pytest.raises(we.ConfigError, match="no access token"):
        we.Client(base_url=sim.base_url).people.get_ecbn(ids["people"][0])
    monkeypatch.delenv("WEBEX_ACCESS_TOKEN")
    with pytest.raises(we.ConfigError):
        we.Client(base_url=sim.base_url).people.get_ecbn(ids["people"][0])
    asked = []

    def provider(refresh):
        asked.append(refresh)
        return "new" if refresh else "old"

    sim.set_tokens(["new"])
    assert we.Client(provider, base_url=sim.base_url).people.get_ecbn(ids["people"][0]).selected
    assert asked == [False, True]


def test_a_failing_token_provider_is_the_config_errors_cause_and_its_text_stays_out(sim, ids):
    class VaultDown(Exception):
        pass

    def provider(refresh):
        raise VaultDown("vault unreachable; lease s3cr3t-lease")

    c = we.Client(provider, base_url=sim.base_url)
    with pytest.raises(we.ConfigError) as caught:
        c.people.get_ecbn(ids["people"][0])
    assert isinstance(caught.value.__cause__, VaultDown)
    assert "s3cr3t" not in str(caught.value) and "s3cr3t" not in repr(caught.value)
    # A value that is not a string: the conversion's TypeError is the cause.
    with pytest.raises(we.ConfigError) as caught:
        we.Client(lambda refresh: 42, base_url=sim.base_url).people.get_ecbn(ids["people"][0])
    assert isinstance(caught.value.__cause__, TypeError)

    async def main():
        ac = we.AsyncClient(provider, base_url=sim.base_url)
        await ac.people.get_ecbn(ids["people"][0])

    import asyncio

    with pytest.raises(we.ConfigError) as caught:
        asyncio.run(main())
    assert isinstance(caught.value.__cause__, VaultDown)
    assert len(sim.journal()) == 0


def test_a_token_provider_is_called_once_per_token_with_or_without_an_argument(sim, ids):
    calls = []

    def no_argument():
        calls.append(None)
        return sim.token

    assert we.Client(no_argument, base_url=sim.base_url).people.get_ecbn(ids["people"][0]).selected
    assert calls == [None]
    asked = []

    def broken(refresh):
        asked.append(refresh)
        raise TypeError("the vault client's own TypeError")

    with pytest.raises(we.ConfigError) as caught:
        we.Client(broken, base_url=sim.base_url, max_retries=0).people.get_ecbn(ids["people"][0])
    assert asked == [False], "a provider's own TypeError is not taken for a missing argument"
    assert "own TypeError" in str(caught.value.__cause__)


def test_exception_classes_are_the_cores_error_classes():
    """One list in the core: every class it names exists here with its parent and its code, and
    this package defines no other error class."""
    import inspect

    from webex_emergency import _errors, _native

    table = _native.error_classes()
    assert table, "the core lists no error classes"
    for row in table:
        cls = getattr(_errors, row["class"])
        assert cls.code == row["code"], row
        parent = cls.__mro__[1].__name__ if row["parent"] else None
        assert (parent if parent != "Exception" else None) == row["parent"], row
        assert getattr(we, row["class"]) is cls
    defined = {n for n, c in inspect.getmembers(_errors, inspect.isclass)
               if issubclass(c, _errors.WebexError) and c.__module__ == _errors.__name__}
    assert defined == {row["class"] for row in table}


def test_pacing_options(sim, ids):
    for bad in (0, 1e9, float("nan")):
        with pytest.raises(we.ConfigError, match="maxRate"):
            sim.client(max_rate=bad)
    c = sim.client(max_rate=20, adaptive_pacing=False)
    t = time.perf_counter()
    for _ in range(10):
        c.people.get_ecbn(ids["people"][0])
    assert time.perf_counter() - t >= 0.44  # nine gaps of 50 ms at least


def test_errors_and_answers_pickle_and_copy_whole(sim, ids):
    """multiprocessing and concurrent.futures send results and exceptions between processes by
    pickle: an error that cannot be rebuilt there hangs a Pool."""
    import copy
    import pickle

    c = sim.client(max_retries=0)
    errors = []
    for call in (lambda: c.people.get_ecbn("a/b"), lambda: c.people.get_ecbn(ids["workspaces"][0]),
                 lambda: we.Client("t", base_url="ftp://x")):
        with pytest.raises(we.WebexError) as info:
            call()
        errors.append(info.value)
    sim.set_faults({"script": [{"status": 404}]})
    with pytest.raises(we.NotFoundError) as info:
        c.people.get_ecbn(ids["people"][0])
    errors.append(info.value)
    for e in errors:
        for again in (pickle.loads(pickle.dumps(e)), copy.copy(e), copy.deepcopy(e)):
            assert type(again) is type(e) and str(again) == str(e) and again.__dict__ == e.__dict__
    assert pickle.loads(pickle.dumps(errors[-1])).status == 404
    answer = c.people.get_ecbn(ids["people"][0])
    for again in (pickle.loads(pickle.dumps(answer)), copy.copy(answer), copy.deepcopy(answer)):
        assert type(again) is type(answer) and again == answer and again.selected == answer.selected


def test_a_process_pool_gets_the_error_of_a_call(sim, ids):
    import concurrent.futures
    import multiprocessing

    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        future = pool.submit(_get_ecbn_in_a_worker, sim.base_url, sim.token, ids["workspaces"][0])
        with pytest.raises(we.ValidationError) as info:
            future.result(timeout=60)
    assert info.value.errors[0]["field"] == "personId"


def _get_ecbn_in_a_worker(base_url, token, workspace_id):
    return we.Client(token, base_url=base_url).people.get_ecbn(workspace_id)  # an ID of the wrong kind


def test_a_client_whose_callbacks_refer_back_to_its_owner_is_collected(sim, ids):
    import gc
    import weakref

    class Owner:
        def __init__(self):
            self.client = we.Client(self.token, base_url=sim.base_url, request_log=self.log)
            self.seen = []

        def token(self, refresh):
            return sim.token

        def log(self, entry):
            self.seen.append(entry["status"])

    owner = Owner()
    owner.client.people.get_ecbn(ids["people"][0])
    assert owner.seen == [200]
    gone = weakref.ref(owner)
    del owner
    gc.collect()
    assert gone() is None, "the owner, its client and the client's connections are freed"


def test_an_id_that_is_not_text_is_a_validation_error_naming_its_parameter(sim, ids):
    import asyncio

    c = sim.client()
    for bad in (123, b"abc", ["x"]):
        with pytest.raises(we.ValidationError) as info:
            c.people.get_ecbn(bad)
        assert info.value.errors[0]["field"] == "personId" and info.value.errors[0]["rule"] == "type"
        with pytest.raises(we.ValidationError):
            c.workspaces.update_ecbn(bad, selected="DIRECT_LINE", dry_run=True)

    async def main():
        async with sim.async_client() as ac:
            await ac.virtual_lines.get_ecbn(7)

    with pytest.raises(we.ValidationError) as info:
        asyncio.run(main())
    assert info.value.errors[0]["field"] == "virtualLineId"
    assert sim.journal() == []
