"""``Client.bulk_csv``: the command line's bulk sheets from Python (and notebooks)."""
import csv
import io

import webex_emergency as we


def test_a_plan_applied_with_bulk_csv_clears_its_findings(sim, client):
    report = client.audit()
    plan = report.plan_csv()
    planned = list(csv.DictReader(io.StringIO(plan)))
    assert planned
    dry = client.bulk_csv("ecbn", plan, dry_run=True)
    assert dry.counts["planned"] == len(planned) and sim.journal()[-1]["method"] == "GET"
    assert dry[0].request["method"] == "PUT"
    results = client.bulk_csv("ecbn", plan)
    assert isinstance(results, we.SheetResults)
    assert [r.status for r in results] == ["done"] * len(planned)
    assert [r.line for r in results] == list(range(2, len(planned) + 2))
    assert "<table>" in results._repr_html_() and "done" in results._repr_html_()
    rows = list(csv.DictReader(io.StringIO(results.to_csv())))
    assert [r["id"] for r in rows] == [p["id"] for p in planned] and {r["status"] for r in rows} == {"done"}
    after = {(f.entity.id, f.rule) for f in client.audit().findings}
    assert not {(p["id"], rule) for p in planned for rule in p["rules"].split()} & after
    # Resuming from those results runs nothing again.
    again = client.bulk_csv("ecbn", plan, resume=results.to_csv())
    assert len(again) == 0 and again.kept == len(planned)


def test_malformed_rows_fail_alone_and_progress_is_called(ids, client):
    text = f"kind,id,selected,locationMemberId\nperson,{ids['people'][0]},LOCATION_ECBN,\nrobot,x,LOCATION_ECBN,\n"
    seen = []
    results = client.bulk_csv("ecbn", text, progress=lambda done, total, failed: seen.append((done, total, failed)))
    assert [(r.line, r.status) for r in results] == [(2, "done"), (3, "failed")]
    assert results.failed[0].error.startswith("line 3, column kind:")
    assert sorted(seen)[-1] == (2, 2, 1)
    assert results._repr_html_().index("<td>3</td>") < results._repr_html_().index("<td>2</td>"), "failed rows first"
    try:
        client.bulk_csv("ecbn", "kind,id\n")
    except we.ValidationError as e:
        assert e.errors[0]["field"] == "line 1, column selected, locationMemberId"
    else:
        raise AssertionError("a header without the required columns is refused")
    try:
        client.bulk_csv("members", text)
    except we.ConfigError as e:
        assert "ecbn or notification" in str(e)
    else:
        raise AssertionError("an unknown kind of sheet is refused")


def test_an_interrupt_returns_the_rows_so_far_marked_stopped(sim, ids, client):
    sim.set_faults({"latencyMs": 20})
    text = "kind,id,selected,locationMemberId\n" + "".join(f"person,{p},LOCATION_ECBN,\n" for p in ids["people"][:60])

    def interrupt_at_5(done, total, failed):
        if done == 5:
            raise KeyboardInterrupt

    results = client.bulk_csv("ecbn", text, concurrency=2, progress=interrupt_at_5)
    sim.set_faults({})
    assert results.stopped and "stopped" in repr(results)
    assert len(results) == 60 and results.counts["skipped"] > 0
    assert {r.status for r in results} <= {"done", "skipped"}
    again = client.bulk_csv("ecbn", text, resume=results.to_csv())
    assert again.kept == results.counts["done"] and {r.status for r in again} == {"done"}


def test_an_exception_from_progress_is_printed_and_the_run_goes_on(ids, client, capsys):
    text = "kind,id,selected,locationMemberId\n" + "".join(f"person,{p},LOCATION_ECBN,\n" for p in ids["people"][:8])

    def broken_bar(done, total, failed):
        raise ValueError(f"bar broke at {done}")

    results = client.bulk_csv("ecbn", text, progress=broken_bar)
    assert [r.status for r in results] == ["done"] * 8 and not results.stopped
    assert capsys.readouterr().err.count("ValueError: bar broke at") == 8
    # A truthy value that is not callable is a bar, as for bulk runs (it was called, and failed).
    assert [r.status for r in client.bulk_csv("ecbn", text, progress=1, dry_run=1)] == ["planned"] * 8


def test_a_ctrl_c_from_the_progress_bar_keeps_every_row_in_the_results(sim, ids, client, monkeypatch):
    """The results come from the rows the sheet kept (before any Python code was told of them):
    after an interrupt, the finished rows and the skipped ones are all there, as counted."""
    from webex_emergency import _progress

    text = "kind,id,selected,locationMemberId\n" + "".join(f"person,{p},LOCATION_ECBN,\n" for p in ids["people"][:40])
    calls = 0

    def interrupted_bar(total, unit, failures):
        def show(done, total, failed):
            nonlocal calls
            calls += 1
            if calls == 5:
                raise KeyboardInterrupt
        return show

    monkeypatch.setattr(_progress, "callback", interrupted_bar)
    sim.set_faults({"latencyMs": 20})
    results = client.bulk_csv("ecbn", text, concurrency=2, progress=True)
    sim.set_faults({})
    assert results.stopped
    assert len(results) == sum(results.counts.values()) == 40, results.counts
    assert {r.status for r in results} <= {"done", "skipped"} and results.counts["done"] >= 5
    assert len(results.to_csv().strip().splitlines()) == 41


def test_the_async_client_runs_a_sheet_as_the_blocking_one_does(sim, ids):
    import asyncio

    plan = "kind,id,selected,locationMemberId\n" + "".join(f"person,{p},LOCATION_ECBN,\n" for p in ids["people"][:30])
    bad = plan + "robot,x,LOCATION_ECBN,\n"

    async def main():
        ac = we.AsyncClient("sim-token", base_url=sim.base_url)
        seen = []
        dry = await ac.bulk_csv("ecbn", plan, dry_run=True)
        sent_before = len(sim.journal())
        results = await ac.bulk_csv("ecbn", bad, concurrency=4, progress=lambda d, t, f: seen.append((d, t, f)))
        again = await ac.bulk_csv("ecbn", bad, resume=results.to_csv())
        return dry, sent_before, results, seen, again

    dry, sent_before, results, seen, again = asyncio.run(main())
    assert dry.counts["planned"] == 30 and sent_before == 0, "a dry run sends nothing"
    assert isinstance(results, we.SheetResults) and len(results) == 31
    assert results.counts == {"done": 30, "failed": 1, "skipped": 0, "planned": 0}
    assert results.failed[0].line == 32 and results.failed[0].error.startswith("line 32, column kind:")
    assert sorted(seen)[-1] == (31, 31, 1)
    assert len([e for e in sim.journal() if e["method"] == "PUT"]) == 30, "each row sent once; the resume sent none"
    assert again.kept == 30 and [r.status for r in again] == ["failed"]


def test_an_async_sheet_run_stops_on_a_keyboard_interrupt_and_is_abandoned_when_cancelled(sim, ids):
    import asyncio

    text = "kind,id,selected,locationMemberId\n" + "".join(f"person,{p},LOCATION_ECBN,\n" for p in ids["people"][:60])
    sim.set_faults({"latencyMs": 50})

    def interrupt_at_5(done, total, failed):
        if done == 5:
            raise KeyboardInterrupt

    async def main():
        ac = we.AsyncClient("sim-token", base_url=sim.base_url)
        stopped = await ac.bulk_csv("ecbn", text, concurrency=2, progress=interrupt_at_5)
        await asyncio.sleep(0.2)
        before = len(sim.journal())
        task = asyncio.ensure_future(ac.bulk_csv("ecbn", text, concurrency=2))
        await asyncio.sleep(0.3)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        else:
            raise AssertionError("the cancellation is raised")
        # The journal records a request when it is answered: those in flight at the cancel may
        # still appear within the latency, nothing after.
        await asyncio.sleep(0.2)
        sent = len(sim.journal())
        await asyncio.sleep(0.5)
        return stopped, before, sent, len(sim.journal())

    stopped, before, sent, later = asyncio.run(main())
    sim.set_faults({})
    assert stopped.stopped and len(stopped) == 60 and stopped.counts["skipped"] > 0
    assert {r.status for r in stopped} <= {"done", "skipped"}
    assert later == sent, "no request after the cancel"
    assert 0 < sent - before < 60, "the cancel stopped the second run before every row was sent"


def test_a_failing_token_provider_stops_the_sheet_as_a_refused_token_does(sim, ids):
    asked = []

    def provider(refresh):
        asked.append(refresh)
        raise RuntimeError("the vault is down")

    text = "kind,id,selected,locationMemberId\n" + "".join(f"person,{p},LOCATION_ECBN,\n" for p in ids["people"][:40])
    results = we.Client(provider, base_url=sim.base_url).bulk_csv("ecbn", text, concurrency=2)
    assert len(results) == 40 and len(sim.journal()) == 0
    assert results.counts["failed"] >= 1 and results.counts["skipped"] >= 30, results.counts
    assert all("token provider" in r.error for r in results.failed)
    assert {r.error for r in results if r.status == "skipped"} == {"not sent: the token provider failed on another row"}
    assert len(asked) < 10, "the provider is not asked once per row"
