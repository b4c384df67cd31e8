"""Every notebook in notebooks/: stored clean, and runs top to bottom on demo and real data.

Hygiene: no outputs, no execution counts, none of the volatile metadata keys that the
nbstripout hook in .pre-commit-config.yaml strips (the arguments are read from there, so
the hook and this test cannot drift apart).

Execution: papermill in-process with the ``python3`` kernel of .venv, one test per notebook
and dataset, so ``pytest -n`` runs them in parallel. The processed folders are built once
per session by the pipeline itself (demo: ``run_process(..., demo=True)``; real: from
``../shared/data``, skipped with a message when absent).
"""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import nbformat
import papermill
import pytest
import yaml
from papermill.exceptions import PapermillExecutionError

from analysis import paths

REPO = paths.PROJECT_ROOT
PRE_COMMIT_CONFIG = REPO / ".pre-commit-config.yaml"
NOTEBOOKS = sorted(
    p for p in paths.NOTEBOOKS_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
# Parameters beyond processed_dir, per notebook (the notebook's own defaults otherwise).
WALKTHROUGH = {"indicator": "hbo_techniek_instroom", "region_level": "corop"}
CASES = [(nb, {}) for nb in NOTEBOOKS] + [
    (paths.NOTEBOOKS_DIR / "exploration" / "02_regio_vergelijken.ipynb", WALKTHROUGH)
]


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


def _case_id(value: object) -> str:
    if isinstance(value, Path):
        return _rel(value)
    return ",".join(f"{k}={v}" for k, v in value.items()) or "defaults"  # type: ignore[union-attr]


# --- hygiene -----------------------------------------------------------------------------------


def nbstripout_args() -> list[str]:
    """The nbstripout hook's arguments, as pre-commit passes them."""
    config = yaml.safe_load(PRE_COMMIT_CONFIG.read_text(encoding="utf-8"))
    for repo in config["repos"]:
        for hook in repo["hooks"]:
            if hook["id"] == "nbstripout":
                return [str(a) for a in hook.get("args", [])]
    raise AssertionError(f"{PRE_COMMIT_CONFIG} has no nbstripout hook")


def stripped_keys() -> list[str]:
    """Dotted metadata keys (``metadata.x.y`` / ``cell.metadata.x``) the hook removes."""
    args = nbstripout_args()
    i = args.index("--extra-keys")
    return args[i + 1].split()


def _has_key(mapping: dict, dotted: str) -> bool:
    node = mapping
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def hygiene_problems(notebook: dict, keys: list[str]) -> list[str]:
    """What a committed notebook must not carry, one line per problem, naming the cell."""
    problems = [
        f"notebook metadata has {k}"
        for k in keys
        if k.startswith("metadata.") and _has_key(notebook, k)
    ]
    for number, cell in enumerate(notebook["cells"], start=1):
        where = f"cell {number} ({cell['cell_type']})"
        if cell.get("outputs"):
            problems.append(f"{where} has {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"{where} has execution count {cell['execution_count']}")
        problems += [
            f"{where} has {k}" for k in keys if k.startswith("cell.") and _has_key(cell, k[5:])
        ]
    return problems


def test_hygiene_check_finds_outputs_counts_and_volatile_metadata() -> None:
    keys = stripped_keys()
    clean = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# x"), nbformat.v4.new_code_cell("1 + 1")],
        metadata={
            "kernelspec": {"name": "techniekpact", "display_name": "x", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    assert hygiene_problems(clean, keys) == []
    dirty = json.loads(json.dumps(clean))
    dirty["metadata"]["language_info"]["version"] = "3.11.7"
    dirty["metadata"]["papermill"] = {"duration": 1.0}
    dirty["cells"][1]["execution_count"] = 3
    dirty["cells"][1]["outputs"] = [{"output_type": "execute_result", "data": {}}]
    dirty["cells"][1]["metadata"]["papermill"] = {"status": "completed"}
    assert hygiene_problems(dirty, keys) == [
        "notebook metadata has metadata.language_info.version",
        "notebook metadata has metadata.papermill",
        "cell 2 (code) has 1 output(s)",
        "cell 2 (code) has execution count 3",
        "cell 2 (code) has cell.metadata.papermill",
    ]


def test_there_are_notebooks_to_check() -> None:
    names = {_rel(p) for p in NOTEBOOKS}
    assert {
        "notebooks/region_report.ipynb",
        "notebooks/exploration/01_welke_data.ipynb",
        "notebooks/exploration/02_regio_vergelijken.ipynb",
        "notebooks/exploration/03_gender.ipynb",
    } <= names


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_rel)
def test_notebook_is_stored_without_outputs(notebook: Path) -> None:
    content = json.loads(notebook.read_text(encoding="utf-8"))
    problems = hygiene_problems(content, stripped_keys())
    assert not problems, (
        f"{_rel(notebook)} is not clean (run `.venv/bin/pre-commit run nbstripout --files "
        f"{_rel(notebook)}`):\n  " + "\n  ".join(problems)
    )


def test_nbstripout_hook_would_change_nothing() -> None:
    command = [str(REPO / ".venv/bin/nbstripout"), "--verify", *nbstripout_args()]
    result = subprocess.run(
        command + [str(p) for p in NOTEBOOKS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, (
        f"{shlex.join(command)} would change:\n{result.stdout}{result.stderr}"
    )


# --- execution ---------------------------------------------------------------------------------


def execute(notebook: Path, processed: Path, parameters: dict, out_dir: Path) -> dict:
    """Run a notebook with papermill; a failing cell fails the test naming notebook and cell."""
    output = out_dir / notebook.name
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters={"processed_dir": str(processed), **parameters},
            kernel_name="python3",
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
        )
    except PapermillExecutionError as exc:
        source = exc.source.strip().splitlines()[0] if exc.source.strip() else ""
        pytest.fail(
            f"{_rel(notebook)} with {parameters or 'its default parameters'}: cell "
            f"{exc.cell_index} (`{source}`) raised {exc.ename}: {exc.evalue}",
            pytrace=False,
        )
    return json.loads(output.read_text(encoding="utf-8"))


def _outputs(executed: dict) -> list[dict]:
    return [o for cell in executed["cells"] for o in cell.get("outputs", [])]


def _check_ran(executed: dict, notebook: Path) -> None:
    errors = [o for o in _outputs(executed) if o["output_type"] == "error"]
    assert not errors, f"{_rel(notebook)}: error outputs {errors}"
    shown = [o for o in _outputs(executed) if o["output_type"] == "display_data"]
    assert shown, f"{_rel(notebook)} ran but displayed nothing"


@pytest.mark.parametrize(("notebook", "parameters"), CASES, ids=_case_id)
def test_notebook_runs_on_demo_data(
    notebook: Path, parameters: dict, demo_processed: Path, tmp_path: Path
) -> None:
    executed = execute(notebook, demo_processed, parameters, tmp_path)
    _check_ran(executed, notebook)


@pytest.mark.realdata
@pytest.mark.parametrize(("notebook", "parameters"), CASES, ids=_case_id)
def test_notebook_runs_on_real_data(
    notebook: Path, parameters: dict, real_processed: Path, tmp_path: Path
) -> None:
    executed = execute(notebook, real_processed, parameters, tmp_path)
    _check_ran(executed, notebook)
    if parameters == WALKTHROUGH:
        _check_walkthrough(executed, real_processed)


def _check_walkthrough(executed: dict, processed: Path) -> None:
    """Notebook 2 switched to hbo inflow per COROP shows that indicator for COROP regions.

    The expected name comes from config/indicators.yaml via yaml, the expected number of
    ranked regions from indicators.parquet read directly (not through analysis.explore.compare).
    """
    import pandas as pd

    config = yaml.safe_load(paths.INDICATORS_CONFIG.read_text(encoding="utf-8"))
    name = config["indicators"]["hbo_techniek_instroom"]["naam"]
    table = pd.read_parquet(processed / paths.INDICATORS_FILE)
    rows = table[(table["indicator"] == "hbo_techniek_instroom") & (table["gender"] == "totaal")]
    national = rows[(rows["region_level"] == "nederland") & rows["share"].notna()]
    year = int(national["year"].max())
    corop = rows[(rows["region_level"] == "corop") & (rows["year"] == year)]
    with_share = int(corop["share"].notna().sum())
    html = "\n".join(
        "".join(o["data"].get("text/html", "")) + "".join(o["data"].get("text/markdown", ""))
        for o in _outputs(executed)
        if o["output_type"] == "display_data"
    )
    assert f"**{name}** (`hbo_techniek_instroom`)" in html
    assert "COROP-gebied" in html
    assert f"{with_share} regio&#x27;s van hoog naar laag" in html or (
        f"{with_share} regio's van hoog naar laag" in html
    ), f"expected the ranked chart of {with_share} COROP regions"
    assert f"{year}/{(year + 1) % 100:02d}" in html


def test_large_file_guard_names_only_files_over_the_limit(tmp_path: Path) -> None:
    big, small = tmp_path / "big.csv", tmp_path / "small.csv"
    big.write_bytes(b"x" * (501 * 1024))
    small.write_bytes(b"x" * (500 * 1024))
    script = REPO / "scripts" / "check_large_files.py"
    result = subprocess.run(
        [str(REPO / ".venv/bin/python"), str(script), "--max-kb", "500", str(big), str(small)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{big}: 501 kB is over the 500 kB limit (raw data goes in data/raw via `make data`; "
        "notebooks are committed without outputs)"
    ]
