"""The installed package: what its import loads, types shipped, no Rust panic text anywhere."""
import pathlib
import subprocess
import sys

import webex_emergency as we


def test_import_loads_no_heavy_module():
    # The import's cost is measured by the benchmarks (bench/run.sh: "import"); this checks what
    # made it slow before: typing (13-20 ms, from a module importing it at run time), asyncio,
    # tqdm or pandas loaded by `import webex_emergency` itself.
    code = "import sys; before = set(sys.modules); import webex_emergency; print(sorted(set(sys.modules) - before))"
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert "'webex_emergency._native'" in loaded
    for heavy in ("typing", "asyncio", "tqdm", "pandas", "json", "re", "subprocess"):
        assert f"'{heavy}'" not in loaded, f"import webex_emergency loads {heavy}: {loaded}"


def test_types_are_shipped():
    pkg = pathlib.Path(we.__file__).parent
    for name in ("py.typed", "_client.pyi", "_models.pyi", "_native.pyi", "_types.py"):
        assert (pkg / name).exists(), name


def test_no_panic_reaches_python(sim, ids):
    c = sim.client()
    odd = ["", "\x00", "é" * 5000, "Y2lzY29zcGFyazovL3VzL1BFT1BMRS8", "//", "%", None]
    for value in odd:
        for call in (lambda v: c.people.get_ecbn(v), lambda v: c.people.update_ecbn(v, {"selected": v}),
                     lambda v: c.notifications.update_org(email_address=v),
                     lambda v: c.redsky.compliance_status_page(order=v)):
            try:
                call(value)
            except we.WebexError as e:
                assert "panicked" not in str(e)
    for bad in ({"a": float("nan")}, {"a": 2 ** 70}, {1: 2}, {"a": object()}, [1, 2, 3]):
        try:
            c.notifications.update_org(bad)  # type: ignore[arg-type]
        except we.ValidationError as e:
            assert e.errors


def test_progress_bar_on_a_terminal():
    from terminal import stderr_on_a_terminal

    code = (
        "import webex_emergency as we\n"
        "with we.Simulator(size=200) as sim:\n"
        "    ids = sim.directory(50)['people']\n"
        "    r = sim.client().people.bulk_update_ecbn([(p, {'elin_enabled': True}) for p in ids], progress=True)\n"
        "    assert len(r) == len(ids) and not r.failed\n"
    )
    status, text = stderr_on_a_terminal([sys.executable, "-c", code])
    assert status == 0
    assert "100%" in text and "50/50" in text and "item/s" in text, text[-300:]
