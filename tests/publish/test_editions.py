"""Editions: the record of a run, and what changed since the previous one (hand-made inputs)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.content import publication
from analysis.publish import editions
from analysis.store import schema


def _table(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["indicator", "region_code", "year", "gender", "share"])
    frame["region_level"] = "provincie"
    frame["region"] = frame["region_code"].map({"PV26": "Utrecht", "PV23": "Overijssel"})
    frame["schooljaar"] = frame["year"].map(schema.schooljaar)
    return schema.conform(frame, schema.INDICATOR_COLUMNS)


def _edition(folder: Path, rows: list[tuple], definitions: dict, inputs: dict) -> editions.Edition:
    record = {
        "format_version": editions.FORMAT_VERSION,
        "date": folder.name,
        "definitions": definitions,
        "definitions_sha256": json.dumps(definitions, sort_keys=True),
        "inputs": inputs,
    }
    return editions.Edition(folder / editions.EDITION_DIR, record, _table(rows))


DATASETS = {"hbo_x": "duo_ho_first_years", "mbo_x": "duo_mbo_students", "wo_x": "duo_ho_enrolled"}
HBO_FILE = {"duo/ho/a.csv": {"sha256": "1", "dataset": "duo_ho_first_years"}}
MBO_FILE = {"duo/mbo/m.csv": {"sha256": "2", "dataset": "duo_mbo_students"}}


@pytest.fixture
def pair(tmp_path: Path) -> tuple[editions.Edition, editions.Edition]:
    old = _edition(
        tmp_path / "2025-06-01",
        [
            ("hbo_x", "PV26", 2019, "totaal", 0.20),
            ("hbo_x", "PV26", 2019, "vrouw", 0.10),
            ("mbo_x", "PV26", 2019, "totaal", 0.30),
            ("wo_x", "PV26", 2019, "totaal", 0.50),
            ("gone", "PV26", 2019, "totaal", 0.70),
        ],
        {"hbo_x": "a", "mbo_x": "b", "wo_x": "c", "gone": "d"},
        {**HBO_FILE, **MBO_FILE},
    )
    new = _edition(
        tmp_path / "2026-06-01",
        [
            ("hbo_x", "PV26", 2019, "totaal", 0.21),  # revised: its dataset has a new file
            ("hbo_x", "PV26", 2019, "vrouw", 0.10 + 1e-12),  # float noise: not a revision
            ("hbo_x", "PV26", 2020, "totaal", 0.22),  # new school year
            ("mbo_x", "PV26", 2019, "totaal", 0.31),  # revised, inputs unchanged: reason unknown
            ("wo_x", "PV26", 2019, "totaal", 0.90),  # redefined: not a revised figure
            ("added", "PV26", 2019, "totaal", 0.40),
        ],
        {"hbo_x": "a", "mbo_x": "b", "wo_x": "CHANGED", "added": "e"},
        {"duo/ho/a.csv": {"sha256": "NEW", "dataset": "duo_ho_first_years"}, **MBO_FILE},
    )
    return old, new


def test_compare_lists_new_years_revisions_and_definition_changes(pair) -> None:
    changes = editions.compare(*pair, DATASETS)
    summary, figures = changes["summary"], changes["figures"]
    assert summary["new_school_years"] == {"hbo_x": ["2020/21"]}
    assert summary["added"] == ["added"] and summary["removed"] == ["gone"]
    assert summary["redefined"] == ["wo_x"] and summary["definitions_differ"] is True
    assert summary["revised_figures"] == 2
    got = {
        (r.indicator, int(r.year), r.gender): (r.share_old, r.share_new, r.reason)
        for r in figures.itertuples()
    }
    assert got == {
        ("hbo_x", 2019, "totaal"): (0.20, 0.21, editions.REASON_RELEASE),
        ("mbo_x", 2019, "totaal"): (0.30, 0.31, editions.REASON_UNKNOWN),
    }


def test_the_report_section_and_index_paragraph_say_it(pair, tmp_path: Path, utrecht) -> None:
    editions.write_changes(tmp_path, editions.compare(*pair, DATASETS))
    blocks = publication.changes_section(utrecht, tmp_path / editions.EDITION_DIR)
    prose = blocks[0].markdown
    assert prose.startswith(f"## {publication.HEADING}")
    assert "Vergeleken met de editie van 1 juni 2025." in prose
    assert "Nieuwe schooljaren: 2020/21" in prose
    assert "2 eerder gepubliceerde cijfers zijn herzien" in prose
    assert "De definitie is gewijzigd van wo_x" in prose  # not in the config: its id
    table = blocks[1].html
    assert "20,00%" in table and "21,00%" in table and editions.REASON_RELEASE in table
    assert "30,00%" in table and "31,00%" in table
    paragraph = publication.index_paragraph(tmp_path)
    assert "Nieuwe schooljaren: 2020/21" in paragraph and "herzien" in paragraph
    assert publication.changes_section(utrecht, "") == []


def test_same_definitions_are_not_a_definition_change(pair) -> None:
    old, new = pair
    record = {key: old.record[key] for key in ("definitions", "definitions_sha256")}
    same = editions.Edition(new.folder, {**new.record, **record}, new.table)
    summary = editions.compare(old, same, DATASETS)["summary"]
    assert summary["redefined"] == [] and summary["definitions_differ"] is False
    assert summary["revised_figures"] == 3  # now wo_x's move is a revised figure


def test_definition_checksum_ignores_wording_not_rules(tmp_path: Path) -> None:
    base = {"naam": "A", "omschrijving": "x", "level": "hbo", "numerator": {"column": "field"}}
    config = tmp_path / "indicators.yaml"

    def checksum(spec: dict) -> str:
        config.write_text(json.dumps({"indicators": {"a": spec}}), encoding="utf-8")
        return editions.definition_checksums(config)["a"]

    first = checksum(base)
    assert checksum({**base, "naam": "B", "omschrijving": "y"}) == first
    assert checksum({**base, "level": "wo"}) != first


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "folder not found"),
        (lambda d: d.mkdir(), "no edition/edition.json"),
        (lambda d: _record(d, "{not json"), "not valid JSON"),
        (lambda d: _record(d, json.dumps({"format_version": 99})), "format version 99"),
        (lambda d: _record(d, json.dumps({"format_version": 1})), "indicators.parquet is missing"),
    ],
)
def test_a_previous_edition_that_cannot_be_compared_says_why(tmp_path: Path, setup, message):
    folder = tmp_path / "previous"
    setup(folder)
    with pytest.raises(editions.EditionError, match=message):
        editions.load_edition(folder)


def _record(folder: Path, text: str) -> None:
    (folder / editions.EDITION_DIR).mkdir(parents=True)
    (folder / editions.EDITION_DIR / editions.EDITION_FILE).write_text(text, encoding="utf-8")


def test_write_edition_then_load_and_unchanged_run_keeps_it(processed: Path, tmp_path: Path):
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    folder = editions.write_edition(tmp_path, processed, manifest, "2026-01-02")
    loaded = editions.load_edition(tmp_path)
    expected = pd.read_parquet(processed / "indicators.parquet")
    assert len(loaded.table) == len(expected)
    assert loaded.record["date"] == "2026-01-02"
    assert (
        set(loaded.record["definitions"]) == set(editions.definition_checksums())
        and loaded.record["data_vintage"]
    )
    editions.write_edition(tmp_path, processed, manifest, "2026-02-03", rebuilt=False)
    assert editions.load_edition(tmp_path).record["date"] == "2026-01-02"
    editions.write_edition(tmp_path, processed, manifest, "2026-02-03", rebuilt=True)
    assert json.loads((folder / editions.EDITION_FILE).read_text())["date"] == "2026-02-03"


def test_prepare_compares_a_second_edition_with_the_first(processed: Path, tmp_path: Path):
    import shutil

    first, second = tmp_path / "reports-2025", tmp_path / "reports-2026"
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    editions.write_edition(first, processed, manifest, "2025-06-01")
    newer = tmp_path / "processed-2026"
    shutil.copytree(processed, newer)
    table = pd.read_parquet(newer / "indicators.parquet")
    hit = (
        (table["indicator"] == "mbo_techniek")
        & (table["region_code"] == "PV26")
        & (table["year"] == 2016)
        & (table["gender"] == "totaal")
    )
    assert hit.sum() == 1
    old_share = float(table.loc[hit, "share"].iloc[0])
    table.loc[hit, "share"] = old_share + 0.01
    table.to_parquet(newer / "indicators.parquet", index=False)
    assert editions.prepare(second, newer, manifest, None, "2026-06-01") == ""
    assert not (second / editions.EDITION_DIR / editions.SUMMARY_FILE).exists()
    key = editions.prepare(second, newer, manifest, first, "2026-06-01")
    assert len(key) == 64
    summary, figures = publication.read_changes(second / editions.EDITION_DIR)
    assert summary["revised_figures"] == 1 and summary["new_school_years"] == {}
    assert summary["previous_date"] == "2025-06-01" and summary["definitions_differ"] is False
    row = figures.iloc[0]
    assert (row["indicator"], row["region_code"], int(row["year"])) == (
        "mbo_techniek",
        "PV26",
        2016,
    )
    assert row["share_old"] == pytest.approx(old_share) and row["reason"] == editions.REASON_UNKNOWN
    editions.prepare(second, newer, manifest, None, "2026-06-01")
    assert publication.read_changes(second / editions.EDITION_DIR) is None, "no stale comparison"
