"""The worker's preload list: the package's modules the report notebook needs, found without
parsing every module (the batch waits for the list before its workers start)."""

from __future__ import annotations

import ast

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
