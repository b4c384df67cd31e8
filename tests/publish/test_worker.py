"""The worker's preload list: the package's modules the report notebook needs, found without
parsing every module (the batch waits for the list before its workers start)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from analysis import paths
from analysis.publish import worker

PACKAGE_DIR = paths.PROJECT_ROOT / "src" / "analysis"


def _imports_by_full_parse(source: str) -> set[str]:
    """Every module of the package that ``source`` names in an import, from its whole tree."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return {name for name in names if worker._module_file(name) is not None}


def test_imports_found_from_the_statements_equal_those_of_the_whole_tree() -> None:
    sources = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(sources) > 50
    for path in sources:
        source = path.read_text(encoding="utf-8")
        assert worker._imports(source) == _imports_by_full_parse(source), path


def test_imports_inside_functions_over_several_lines_and_beside_magics() -> None:
    source = (
        "%matplotlib inline\n"
        "def f():\n"
        "    from analysis.content import (\n"
        "        cover,  # the cover\n"
        "        sections,\n"
        "    )\n"
        "    import analysis.publish.pdf as pdf\n"
        "import analysisx\n"
        "from analysis.present.nomodule import x\n"
    )
    assert worker._imports(source) == {
        "analysis.content",
        "analysis.content.cover",
        "analysis.content.sections",
        "analysis.publish.pdf",
    }


GARBAGE_CHECK = r"""
import json, sys
from pathlib import Path
import nbformat
from analysis.publish import worker

folder = Path(sys.argv[1])
nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
params = nbformat.v4.new_code_cell('region = ""')
params.metadata["tags"] = ["parameters"]
nb.cells = [params, nbformat.v4.new_code_cell(
    "import gc, sys, weakref\n"
    "class Cycle:\n"
    "    pass\n"
    "cycle = Cycle()\n"
    "cycle.me = cycle\n"
    "sys.tp_cycles = [*getattr(sys, 'tp_cycles', []), weakref.ref(cycle)]\n"
    "sys.tp_seen = [*getattr(sys, 'tp_seen', []), [gc.isenabled(),"
    " [ref() is None for ref in sys.tp_cycles]]]\n"
)]
nbformat.write(nb, folder / "stand-in.ipynb")
worker.init_worker(str(folder / "stand-in.ipynb"), False)
for n in (1, 2, 3):
    task = worker.Task(
        f"report {n}", {"region": str(n)}, "Regio", False, str(folder / f"r{n}.html"),
        str(folder / f"r{n}.ipynb"), str(folder / f"r{n}.failed.ipynb"),
    )
    assert worker.run_report(task).error is None
print(json.dumps(sys.tp_seen))
"""


def test_a_report_runs_without_the_collector_and_its_garbage_goes_before_the_next(
    tmp_path: Path,
) -> None:
    """In a subprocess (the worker's IPython shell must not become this process's)."""
    done = subprocess.run(
        [sys.executable, "-c", GARBAGE_CHECK, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # Each report: the collector off; every earlier report's cycle gone, its own still there.
    assert json.loads(done.stdout.splitlines()[-1]) == [
        [False, [False]],
        [False, [True, False]],
        [False, [True, True, False]],
    ]
