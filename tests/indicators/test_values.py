"""A rule value that matches nothing is an error with the close match (issue 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.indicators.rules import parse_indicator_config
from analysis.indicators.values import unmatched_values
from analysis.provenance import sha256_file
from analysis.store.build import build_processed
from analysis.store.process import input_files

STORE = pd.DataFrame(
    {
        "dataset": ["duo_mbo_students"] * 3 + ["duo_vo_exam"],
        "level": ["mbo", "mbo", "mbo", "havo"],
        "subfield": ["Bouw en infra", "Zorg en welzijn", pd.NA, "Bouw en Infrastructuur"],
        "field": ["Techniek", "Zorg", "Techniek", "x"],
        "qualification_level": ["2", "3", "4", "1"],
    }
).astype("string")


def _config(numerator: dict, **extra) -> object:
    raw = {
        "indicators": {
            "mbo_bouw": {
                "naam": "x",
                "omschrijving": "x",
                "level": "mbo",
                "dataset": "duo_mbo_students",
                "measure": "students",
                "numerator": numerator,
                "bron": "x",
                **extra,
            }
        }
    }
    return parse_indicator_config(raw, Path("indicators.yaml"))


def test_a_value_no_row_has_is_named_with_the_close_match() -> None:
    config = _config({"column": "subfield", "in": ["Bouw en Infrastructuur", "Zorg en welzijn"]})
    problems = unmatched_values(config, STORE)
    # 'Bouw en Infrastructuur' exists, but in another dataset and level: it does not count.
    assert len(problems) == 1, problems
    assert "indicator 'mbo_bouw' numerator" in problems[0]
    assert "'bouw en infrastructuur' matches no 'subfield'" in problems[0]
    assert "did you mean: 'Bouw en infra'?" in problems[0]


def test_may_be_absent_allows_the_value() -> None:
    config = _config(
        {"column": "subfield", "in": ["Bouw en infra", "Nieuwe domein"]},
        may_be_absent=["Nieuwe domein"],
    )
    assert unmatched_values(config, STORE) == []


def test_nested_rules_not_in_and_regex_are_checked() -> None:
    rule = {
        "any": [
            {"column": "field", "not_in": ["Tecniek"]},
            {"not": {"column": "qualification_level", "regex": "^9$"}},
        ]
    }
    problems = unmatched_values(_config(rule), STORE)
    assert len(problems) == 2, problems
    assert "did you mean: 'Techniek'?" in problems[0]
    assert "regex '^9$' matches no 'qualification_level'" in problems[1]
    assert "its values are: '2', '3', '4'" in problems[1]  # nothing close: the values


def test_no_rows_of_the_dataset_and_level_is_not_a_value_error() -> None:
    config = _config({"column": "subfield", "in": ["Bouw"]})
    assert unmatched_values(config, STORE[STORE["dataset"] != "duo_mbo_students"]) == []


def test_shipped_config_matches_the_real_store(real_processed: Path) -> None:
    from analysis.indicators.rules import load_indicator_config

    store = pd.read_parquet(real_processed / paths.STORE_FILE)
    assert unmatched_values(load_indicator_config(), store) == []


@pytest.mark.realdata
def test_process_stops_before_indicators_are_written(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Wired into processing: on real files a wrong value stops the run, naming its match."""
    text = paths.INDICATORS_CONFIG.read_text(encoding="utf-8").replace(
        "numerator: {column: field, in: [techniek]}",
        "numerator: {column: field, in: [tecniek]}",
        1,
    )
    folder = tmp_path / "config"
    shutil.copytree(paths.CONFIG_DIR, folder)
    (folder / "indicators.yaml").write_text(text, encoding="utf-8")
    for name in ("CONFIG_DIR", "REGIONS_CONFIG", "INDICATORS_CONFIG"):
        monkeypatch.setattr(paths, name, getattr(paths, name))
    monkeypatch.setenv("TECHNIEKPACT_CONFIG_DIR", str(folder))
    paths.use_config_dir(folder)
    processed = tmp_path / "processed"
    files = input_files(shared_data)
    checksums = {str(f.relative_to(shared_data)): sha256_file(f) for f in files}
    ok = build_processed(shared_data, processed, files, checksums, key="k", demo=False)
    err = capsys.readouterr().err
    assert not ok
    assert "indicator 'vo_vmbo_techniek' numerator: value 'tecniek'" in err
    assert "did you mean: 'techniek'" in err.lower()
    assert not (processed / paths.INDICATORS_FILE).exists()


def test_synthetic_data_only_warn(demo_processed: Path) -> None:
    """The demo files lack some real categories: a manifest warning, not a failed run."""
    import json

    manifest = json.loads((demo_processed / paths.MANIFEST_FILE).read_text(encoding="utf-8"))
    warned = [w for w in manifest["warnings"] if w.startswith("indicators (demo data): ")]
    assert any("'vo_vmbo3_techniek' numerator" in w for w in warned), warned
