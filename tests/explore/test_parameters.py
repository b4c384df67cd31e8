"""Forgiving notebook and CLI parameters (issue 16): case and accents, a name at another
level, ``regions`` as text or list, and every parameter line readable by papermill."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from papermill.translators import PythonTranslator

from analysis import data, paths
from analysis.data import ProcessedData, ReportParameterError
from analysis.explore import compare
from analysis.publish import plan
from analysis.suggest import fold, match

IND = "hbo_techniek_instroom"
REGIONS = [
    ("nederland", "Nederland", "NL"),
    ("provincie", "Utrecht", "PV26"),
    ("provincie", "Fryslân", "PV21"),
    ("provincie", "Noord-Holland", "PV27"),
    ("corop", "Utrecht", "CR17"),
    ("corop", "Twente", "CR12"),
    ("regiopact", "Twente", "regiopact-twente"),
]


@pytest.fixture
def tiny() -> ProcessedData:
    """Shares by hand: 0.10 per province step, so the highest and lowest are known."""
    rows = []
    for i, (level, name, code) in enumerate(REGIONS):
        for year in (2018, 2019):
            for gender in ("totaal", "man", "vrouw"):
                rows.append((IND, level, name, code, year, gender, 0.1 * (i + 1)))
    frame = pd.DataFrame(
        rows,
        columns=["indicator", "region_level", "region", "region_code", "year", "gender", "share"],
    )
    frame = frame.assign(share_low=frame["share"], share_high=frame["share"], denominator=10.0)
    frame["suppressed_cells"] = 0
    regions = pd.DataFrame(REGIONS, columns=["region_level", "region", "region_code"])
    regions["landsdeel"] = None
    return ProcessedData(Path("."), frame, pd.DataFrame(), regions, {})


def test_fold_and_match() -> None:
    assert fold("  Fryslân ") == fold("FRYSLAN") == "fryslan"
    assert fold("Noord Holland") == fold("noord-holland")
    assert match("utrecht", ["Utrecht", "Zeeland"]) == "Utrecht"
    assert match("Utrecht", ["utrecht", "UTRECHT"]) is None  # two folds: no guess
    assert match("Utrech", ["Utrecht"]) is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Utrecht", ["Utrecht"]),
        ("  Twente ", ["Twente"]),
        ('["Utrect"]', ["Utrect"]),  # papermill -p passes a list as its text
        ("[Utrecht, Noord-Holland]", ["Utrecht", "Noord-Holland"]),
        (["Utrecht", "Fryslân"], ["Utrecht", "Fryslân"]),
        ("", []),
        (None, []),
        ((), []),
    ],
)
def test_regions_as_text_or_list(given: object, expected: list[str]) -> None:
    assert compare.region_names(given) == expected


def test_select_forgives_case_and_accents(tiny: ProcessedData) -> None:
    sel = compare.select(tiny, IND, "Provincie", None, "fryslan")
    assert sel.region_level == "provincie"
    assert sel.regions == (("PV21", "Fryslân"),)
    sel = compare.select(tiny, IND.upper(), "provincie", 2018, ["UTRECHT", "noord holland"])
    assert sel.indicator == IND and sel.year == 2018
    assert sel.regions == (("PV26", "Utrecht"), ("PV27", "Noord-Holland"))


def test_regions_as_one_string_is_one_region_not_letters(tiny: ProcessedData) -> None:
    assert compare.select(tiny, IND, "corop", None, "Twente").regions == (("CR12", "Twente"),)
    message = r"'Utrect' at level 'provincie'; did you mean: Utrecht"
    with pytest.raises(ReportParameterError, match=message):
        compare.select(tiny, IND, "provincie", None, '["Utrect"]')


def test_a_name_at_another_level_says_which(tiny: ProcessedData) -> None:
    with pytest.raises(ReportParameterError) as caught:
        compare.select(tiny, IND, "provincie", None, ["twente"])
    message = str(caught.value)
    assert "it exists at level: corop, regiopact" in message
    assert "did you mean" not in message  # no look-alike province offered instead


def test_gender_views_and_report_context_forgive_case(tiny: ProcessedData) -> None:
    html = compare.gender_table(tiny, "PROVINCIE", "utrecht", [IND]).html
    assert "Vrouwen Utrecht" in html


def test_report_context_matches_case(processed: Path) -> None:
    ctx = data.context(processed, "Provincie", "utrecht", "2026-01-02")
    assert (ctx.region.level, ctx.region.name, ctx.region.code) == ("provincie", "Utrecht", "PV26")


def test_cli_region_names_forgive_case() -> None:
    regions = [data.Region("provincie", "Utrecht"), data.Region("corop", "Utrecht")]
    assert plan.select_regions(regions, "Provincie", ["utrecht"]) == [regions[0]]
    assert plan.select_regions(regions, "all", ["UTRECHT"]) == regions


@pytest.mark.parametrize(
    "notebook", sorted(paths.NOTEBOOKS_DIR.rglob("*.ipynb")), ids=lambda p: p.name
)
def test_every_parameter_line_parses_for_papermill(notebook: Path) -> None:
    """`papermill --help-notebook` lists every parameter: none is dropped as unparsable."""
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{notebook}: expected one cell tagged 'parameters'"
    assigned = [
        (node.targets[0] if isinstance(node, ast.Assign) else node.target).id
        for node in ast.parse(cells[0].source).body
        if isinstance(node, ast.Assign | ast.AnnAssign)
    ]
    inferred = [p.name for p in PythonTranslator.inspect(cells[0])]
    assert assigned and inferred == assigned, f"{notebook}: papermill reads {inferred}"
