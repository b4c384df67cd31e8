"""config/indicators.yaml as parsed rules: the project file, errors naming the entry, additions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from indicator_fixtures import HBO, REGION_TABLE, make_store, membership, pick

from analysis.errors import ConfigError
from analysis.indicators.engine import (
    compute_indicators,
    indicator_meta,
    load_indicator_config,
)

REQUIRED = [
    "vo_havo_n",
    "vo_havo_nt",
    "vo_vwo_n",
    "vo_vwo_nt",
    "vo_vmbo_techniek",
    "vo_havo4_n",
    "vo_vwo4_n",
    "vo_vmbo3_techniek",
    "mbo_techniek",
    "hbo_techniek_instroom",
    "wo_beta_instroom",
    "hbo_techniek_ingeschreven",
    "wo_beta_ingeschreven",
    "hbo_techniek_gediplomeerd",
    "wo_beta_gediplomeerd",
]


def _write(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load(load_indicator_config().path.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _set(*keys, value):
    def mutate(raw: dict) -> None:
        node = raw
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return mutate


def test_project_config_defines_every_indicator_and_the_default_targets() -> None:
    config = load_indicator_config()
    assert set(REQUIRED) <= set(config.indicators)
    for ind in ("mbo_techniek", "hbo_techniek_instroom", "wo_beta_instroom"):
        meta = indicator_meta(ind, config)
        assert (meta["target"], meta["target_year"]) == (0.40, 2020)
    assert indicator_meta("vo_havo_n", config)["target"] is None
    assert indicator_meta("mbo_techniek__aandeel_vrouwen", config)["target"] is None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            _set(
                "indicators", "mbo_techniek", "numerator", value={"column": "sector", "in": ["x"]}
            ),
            r"indicator 'mbo_techniek' numerator: unknown column 'sector'",
        ),
        (
            _set("targets", "mbo_techniekk", value={"value": 0.4, "year": 2020}),
            r"targets: unknown indicator id 'mbo_techniekk'",
        ),
        (
            _set("targets", "mbo_techniek", "value", value=40),
            r"targets\.mbo_techniek: value must be a share",
        ),
        (
            _set(
                "indicators",
                "vo_havo_n",
                "numerator",
                value={"column": "programme", "regex": "N&["},
            ),
            r"indicator 'vo_havo_n' numerator: invalid regex",
        ),
        (
            _set("indicators", "vo_havo_n", "level", value="hava"),
            r"indicator 'vo_havo_n': unknown level 'hava'",
        ),
        (
            _set("indicators", "vo_havo_n", "measure", value="pupils"),
            r"indicator 'vo_havo_n': dataset 'duo_vo_exam' has measure",
        ),
        (
            _set("indicators", "vo_havo_n", "teller", value="x"),
            r"indicator 'vo_havo_n': unknown key\(s\) \['teller'\]",
        ),
        (
            _set("indicators", "vo_havo4_n", "leerjaar", value="4"),
            r"indicator 'vo_havo4_n': leerjaar must be a whole number",
        ),
        (_set("indicators", "Bad-Id", value={}), r"indicator 'Bad-Id': an id is lower case"),
        (_set("settings", "imputed_value", value=5), r"settings\.imputed_value must lie in 1\.\.4"),
        (
            _set("indicators", "mbo_techniek_bbl", "parent", value="mbo"),
            r"parent 'mbo' is not defined",
        ),
    ],
)
def test_config_errors_name_file_and_entry(tmp_path, mutate, message) -> None:
    path = _write(tmp_path, mutate)
    with pytest.raises(ConfigError, match=message) as info:
        load_indicator_config(path)
    assert str(path) in str(info.value)


def test_an_analyst_adds_an_indicator_and_a_regional_target_without_code(tmp_path) -> None:
    def mutate(raw: dict) -> None:
        raw["indicators"]["hbo_ict_instroom"] = {
            "naam": "Instroom hbo in ICT",
            "omschrijving": "Test.",
            "level": "hbo",
            "dataset": "duo_ho_first_years",
            "measure": "first_years",
            "numerator": {
                "all": [
                    {"column": "field", "in": ["techniek"]},
                    {"not": {"column": "gender", "in": ["onbekend"]}},
                ]
            },
            "bron": "DUO",
        }
        raw["targets"]["hbo_techniek_instroom"]["regions"] = {"PV23": 0.5}

    config = load_indicator_config(_write(tmp_path, mutate))
    store = make_store(HBO)
    table = compute_indicators(store, REGION_TABLE, config, membership=membership(store))
    # techniek minus onbekend: 40 of 100 in Overijssel 2020.
    assert pick(table, "hbo_ict_instroom", "PV23", 2020)["share"] == pytest.approx(0.4)
    assert config.target("hbo_techniek_instroom", "PV23", "Overijssel").value == 0.5
    assert config.target("hbo_techniek_instroom", "PV23", "Overijssel").year == 2020
    assert config.target("hbo_techniek_instroom", "PV25", "Gelderland").value == 0.4


def test_methodology_documents_every_configured_indicator() -> None:
    from analysis import paths

    text = (paths.DOCS_DIR / "methodology.md").read_text(encoding="utf-8")
    missing = [i for i in load_indicator_config().indicators if f"`{i}`" not in text]
    assert not missing, f"docs/methodology.md does not define {missing}"
