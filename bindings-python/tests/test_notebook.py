"""The example notebook, executed headless by a real Jupyter kernel (nbclient + ipykernel)
against the bundled simulator: no cell may fail, the audit shows as an HTML table with a notebook
progress bar, and the final audit no longer has the planned findings (the notebook asserts it)."""
import pathlib

import nbformat
from nbclient import NotebookClient

NOTEBOOK = pathlib.Path(__file__).parent.parent / "examples" / "readiness.ipynb"


def test_the_readiness_notebook_runs_and_its_plan_clears_the_planned_findings():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3").execute()  # raises on a cell error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o["output_type"] == "error"]
    audit_cell = next(c for c in nb.cells if c.cell_type == "code" and "client.audit(progress=True)" in c.source)
    kinds = [k for o in audit_cell.outputs for k in o.get("data", {})]
    assert "application/vnd.jupyter.widget-view+json" in kinds, "a notebook progress bar (tqdm.auto)"
    assert any("<table>" in o.get("data", {}).get("text/html", "") for o in audit_cell.outputs)
    text = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "planned findings fixed" in text
