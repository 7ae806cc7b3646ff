"""Notebook 03 runs top to bottom on every shared app export, without a plan.

The stored notebook (the sample log against the sample plan) is run by nbval;
here its first code cell is pointed at each export in ../shared/fixtures/exports
with PLAN = None, and no cell may fail or write to stderr (warnings included).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from tests.paths import EXPORTS, ROOT

FILES = sorted(EXPORTS.glob("*.csv")) if EXPORTS.exists() else []


@pytest.mark.skipif(not FILES, reason="the shared exports are not beside the repository")
@pytest.mark.parametrize("export", FILES, ids=[f.stem for f in FILES])
def test_notebook_03_on_an_export_without_a_plan(export: Path, monkeypatch) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks" / "03_analyse_your_log.ipynb", as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    source = first.source
    for old, new in (('LOG = data_path("sample_log.csv")', f"LOG = {str(export)!r}"),
                     ('PLAN = data_path("sample_plan.csv")', "PLAN = None"),
                     ("UNIT = None", 'UNIT = "kg"')):
        assert old in source, old
        source = source.replace(old, new)
    first.source = source
    # The kernel imports this checkout's planner.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]))
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()
    problems = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                if o["output_type"] == "error"
                or (o["output_type"] == "stream" and o["name"] == "stderr")]
    assert not problems, problems
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
                   if o["output_type"] == "stream")
    assert "compliance needs the plan" in text  # said in words, not a KeyError
