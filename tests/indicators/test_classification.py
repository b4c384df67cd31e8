"""The monitor's HO bèta-techniek classification, applied as configured.

Hand-made stores and a hand-made classification file; every expected value is worked out
by hand in the comment beside it. The real-data checks against the published figures are in
test_classification_real.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from indicator_fixtures import REGION_TABLE, make_store, membership, pick

from analysis.errors import ConfigError
from analysis.indicators.classification import load_classification
from analysis.indicators.engine import compute_indicators, load_indicator_config

LNO = "n.v.t. (landbouw en natuurlijke omgeving)"
CLASSIFICATION = {
    "croho_onderdelen": ["natuur", "techniek"],
    "programmes": [
        {"level": "hbo", "code": "34561", "name": "B MBRT", "reason": "imaging physics"},
        {"level": "wo", "code": "56551", "name": "B Geneeskunde", "reason": "biomedical"},
    ],
    "excluded": [
        {"level": "hbo", "code": "34866", "name": "B Agribusiness", "reason": "business"},
    ],
    "without_programme": [
        {
            "level": "hbo",
            "onderdeel": "landbouw en natuurlijke omgeving",
            "subonderdeel": LNO,
            "reason": "majority rule",
        }
    ],
}
INDICATORS = {
    "indicators": {
        "hbo_beta": {
            "naam": "hbo",
            "omschrijving": "hbo",
            "level": "hbo",
            "dataset": "duo_ho_first_years",
            "measure": "first_years",
            "numerator": {"classification": "ho_beta"},
            "bron": "test",
        },
        "hbo_beta_croho": {
            "naam": "hbo croho",
            "omschrijving": "hbo croho",
            "variant_of": "hbo_beta",
            "level": "hbo",
            "dataset": "duo_ho_first_years",
            "measure": "first_years",
            "numerator": {"column": "field", "in": ["techniek"]},
            "bron": "test",
        },
        "wo_beta": {
            "naam": "wo",
            "omschrijving": "wo",
            "level": "wo",
            "dataset": "duo_ho_first_years",
            "measure": "first_years",
            "numerator": {"classification": "ho_beta"},
            "bron": "test",
        },
        "ho_beta": {
            "naam": "ho",
            "omschrijving": "ho",
            "level": ["hbo", "wo"],
            "dataset": "duo_ho_first_years",
            "measure": "first_years",
            "denominator": {"column": "degree", "in": ["bachelor"]},
            "numerator": {"classification": "ho_beta"},
            "bron": "test",
        },
    }
}


def row(level, field, code, gender, count, *, subfield=None, year=2019, degree="bachelor"):
    return dict(
        dataset="duo_ho_first_years",
        measure="first_years",
        level=level,
        field=field,
        subfield=subfield,
        programme_code=code,
        degree=degree,
        gender=gender,
        count=count,
        year=year,
        municipality="9001",
    )


STORE = [
    row("hbo", "techniek", "34267", "man", 10),  # sector: counts
    row("hbo", "gezondheidszorg", "34561", "vrouw", 6),  # listed programme: counts
    row("hbo", "gezondheidszorg", "34560", "vrouw", 20),  # not listed: no
    row("hbo", "LANDBOUW_EN_NATUURLIJKE_OMGEVING", None, "vrouw", 5, subfield=LNO),  # no code: rule
    row("hbo", "landbouw en natuurlijke omgeving", "34866", "man", 7, subfield=LNO),  # code: list
    row("hbo", "ECONOMIE", None, "man", 8, subfield="n.v.t. (economie)"),  # no code, not in rule
    row("wo", "gezondheidszorg", "56551", "vrouw", 9),  # listed at wo: counts
    row("wo", "gezondheidszorg", "34561", "man", 3),  # an hbo code at wo: no
    row("wo", "natuur", "56980", "man", 4, degree="master"),  # sector; master
    # 2020: hbo only, so no hbo + wo figure for 2020.
    row("hbo", "techniek", "34267", "man", 12, year=2020),
    row("hbo", "economie", "30029", "vrouw", 12, year=2020),
]


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    (tmp_path / "ho_beta_programmes.yaml").write_text(
        yaml.safe_dump(CLASSIFICATION, allow_unicode=True), encoding="utf-8"
    )
    (tmp_path / "indicators.yaml").write_text(
        yaml.safe_dump(INDICATORS, allow_unicode=True), encoding="utf-8"
    )
    return tmp_path


@pytest.fixture
def table(config_dir: Path) -> pd.DataFrame:
    store = make_store(STORE)
    config = load_indicator_config(config_dir / "indicators.yaml")
    return compute_indicators(store, REGION_TABLE, config, membership=membership(store))


def test_sector_listed_programme_and_subonderdeel_rule(table: pd.DataFrame) -> None:
    hbo = pick(table, "hbo_beta", "NL", 2019)
    # techniek 10 + MBRT 6 + landbouw without code 5 = 21 of 10 + 6 + 20 + 5 + 7 + 8 = 56.
    assert (hbo["numerator"], hbo["denominator"]) == (21, 56)
    women = pick(table, "hbo_beta", "NL", 2019, "vrouw")
    assert (women["numerator"], women["denominator"]) == (11, 31)  # 6 + 5 of 6 + 20 + 5
    wo = pick(table, "wo_beta", "NL", 2019)
    # Geneeskunde 9 + natuur 4 of 9 + 3 + 4: the hbo code 34561 does not count at wo.
    assert (wo["numerator"], wo["denominator"]) == (13, 16)


def test_croho_variant_counts_the_sector_only(table: pd.DataFrame) -> None:
    hbo = pick(table, "hbo_beta_croho", "NL", 2019)
    assert (hbo["numerator"], hbo["denominator"]) == (10, 56)
    assert pd.isna(hbo["ho_definition"])  # no classification: nothing to report


def test_each_figure_says_how_the_classification_was_applied(
    table: pd.DataFrame, config_dir: Path
) -> None:
    # hbo 2019 has rows with and without a programme code; wo 2019 and hbo 2020 only coded rows.
    assert pick(table, "hbo_beta", "NL", 2019)["ho_definition"] == "mixed"
    assert pick(table, "wo_beta", "NL", 2019)["ho_definition"] == "programmes"
    assert pick(table, "hbo_beta", "NL", 2020)["ho_definition"] == "programmes"
    store = make_store([r for r in STORE if r["programme_code"] is None])
    config = load_indicator_config(config_dir / "indicators.yaml")
    only_rule = compute_indicators(store, REGION_TABLE, config, membership=membership(store))
    row_2019 = pick(only_rule, "hbo_beta", "NL", 2019)
    assert row_2019["ho_definition"] == "subonderdelen"
    assert (row_2019["numerator"], row_2019["denominator"]) == (5, 13)  # landbouw 5 of 5 + 8


def test_hbo_plus_wo_only_in_years_with_both_levels(table: pd.DataFrame) -> None:
    ho = table[(table["indicator"] == "ho_beta") & (table["region_code"] == "NL")]
    assert set(ho["year"]) == {2019}  # 2020 has hbo rows only
    total = pick(table, "ho_beta", "NL", 2019)
    # bachelor rows only: hbo 21 of 56, wo 9 of 9 + 3 (the natuur master is left out).
    assert (total["numerator"], total["denominator"]) == (21 + 9, 56 + 12)


def _bad(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load(yaml.safe_dump(CLASSIFICATION))
    mutate(raw)
    path = tmp_path / "ho_beta_programmes.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c["programmes"][0].update(code=34561), "code must be the 5-digit CROHO code"),
        (lambda c: c["programmes"][0].update(code="3456"), "code must be the 5-digit CROHO code"),
        (lambda c: c["programmes"][0].update(level="mbo"), "level must be hbo or wo"),
        (lambda c: c["programmes"].append(dict(c["programmes"][0])), "is listed twice"),
        (lambda c: c["excluded"].append(dict(c["programmes"][0])), "both programmes and excluded"),
        (lambda c: c["programmes"][0].update(forced_by_calibration=True), "needs why_forced"),
        (lambda c: c["programmes"][0].update(reason=""), "reason must be a non-empty text"),
        (lambda c: c["programmes"][0].update(sector="x"), "unknown key(s) ['sector']"),
        (lambda c: c.pop("croho_onderdelen"), "missing key(s) ['croho_onderdelen']"),
        (lambda c: c["without_programme"][0].pop("subonderdeel"), "missing key(s)"),
    ],
)
def test_a_bad_classification_file_names_the_entry(tmp_path: Path, mutate, message) -> None:
    path = _bad(tmp_path, mutate)
    with pytest.raises(ConfigError) as err:
        load_classification(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_unknown_classification_and_bad_variant_are_config_errors(config_dir: Path) -> None:
    raw = yaml.safe_load((config_dir / "indicators.yaml").read_text(encoding="utf-8"))
    raw["indicators"]["hbo_beta"]["numerator"] = {"classification": "ho_bta"}
    (config_dir / "indicators.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown classification 'ho_bta'"):
        load_indicator_config(config_dir / "indicators.yaml")
    raw["indicators"]["hbo_beta"]["numerator"] = {"classification": "ho_beta"}
    raw["indicators"]["hbo_beta_croho"]["variant_of"] = "hbo_bta"
    (config_dir / "indicators.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="variant_of must name a main indicator"):
        load_indicator_config(config_dir / "indicators.yaml")


def test_project_classification_flags_what_calibration_forced() -> None:
    config = load_indicator_config()
    path = config.path.parent / "ho_beta_programmes.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    forced = {p["code"] for p in raw["programmes"] if p.get("forced_by_calibration")}
    assert {"56551", "66551", "56560", "56570"} <= forced  # geneeskunde, tandheelkunde, dier-
    assert load_classification(path).programmes  # the project file validates
