"""Config checked before the count files are read, every problem in one pass (issue 16)."""

from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path

import pytest

from analysis import ingest, paths, regions
from analysis.cli import main
from analysis.demo import ensure_demo
from analysis.errors import ConfigError
from analysis.indicators.rules import load_indicator_config
from analysis.store import configcheck
from analysis.store.build import build_processed, warning_kinds
from analysis.store.process import input_files

REGIONS = """
landsdelen:
  techniekpact:
    regions:
      Noord: [Groningen, Fryslân, Drenthe]
      Oost: [Overijssel, Gelderland]
      Zuid: [Noord-Brabant, Limburg]
      Zuidwest: [Zeeland, Zuid-Holland]
      Noordvleugel: [Noord-Holland, Utrecht, Flevoland]
custom_levels:
  regiopact:
    regions:
      Twente:
        corop: [Twente]
      Peelland:
        municipalities: [Oss, Bernhaze]
      Lochem en Laren:
        municipalities: [Lochen, '0417']
"""

# Hand-made CBS woonplaats -> gemeente -> COROP file: the few municipalities the tests need.
WOONPLAATSEN = """Woonplaatscode,Woonplaats,Gemeentecode,Gemeente,COROP-gebiedcode,COROP-gebied
0001,Hengelo,0164,Hengelo (O.),12,Twente
0002,Lochem,0262,Lochem,14,Achterhoek
0003,Laren,0417,Laren (NH.),24,Het Gooi en Vechtstreek
0004,Uden,1991,Maashorst,35,Noordoost-Noord-Brabant
0005,Oss,0828,Oss,35,Noordoost-Noord-Brabant
0006,Heesch,1721,Bernheze,35,Noordoost-Noord-Brabant
"""


def _config_dir(tmp_path: Path, regions_text: str, indicators_text: str | None = None) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(paths.CONFIG_DIR, folder)  # the other config files the two refer to
    (folder / "regions.yaml").write_text(regions_text, encoding="utf-8")
    indicators = indicators_text or paths.INDICATORS_CONFIG.read_text(encoding="utf-8")
    (folder / "indicators.yaml").write_text(indicators, encoding="utf-8")
    return folder


@pytest.fixture
def use_config(monkeypatch: pytest.MonkeyPatch):
    """Point the package at a config folder for one test (as --config-dir does)."""

    def use(folder: Path) -> None:
        monkeypatch.setenv("TECHNIEKPACT_CONFIG_DIR", str(folder))
        for name in ("CONFIG_DIR", "REGIONS_CONFIG", "INDICATORS_CONFIG"):
            monkeypatch.setattr(paths, name, getattr(paths, name))  # restored afterwards
        paths.use_config_dir(folder)

    return use


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "woonplaatsen.csv").write_text(WOONPLAATSEN, encoding="utf-8")
    return raw


def test_two_region_mistakes_are_both_reported_by_name(
    tmp_path: Path, raw_dir: Path, use_config
) -> None:
    use_config(_config_dir(tmp_path, REGIONS))
    problems = configcheck.check_config(input_files(raw_dir))
    assert len(problems) == 2, problems
    bernhaze, lochen = problems
    assert "custom_levels.regiopact.regions.Peelland.municipalities" in bernhaze
    assert "'Bernhaze' unknown; did you mean: 'Bernheze'?" in bernhaze
    assert "custom_levels.regiopact.regions.Lochem en Laren.municipalities" in lochen
    assert "'Lochen' unknown; did you mean: 'Lochem'?" in lochen


def test_a_former_municipality_is_named_with_its_successor_by_name(
    tmp_path: Path, raw_dir: Path, use_config
) -> None:
    """'Uden' -> Maashorst by name, not only its code 1991: used as its successor, with a
    warning naming it (the other misspelling is corrected, so the table is built)."""
    use_config(
        _config_dir(tmp_path, REGIONS.replace("Bernhaze", "Uden").replace("Lochen", "Lochem"))
    )
    config = regions.load_config(paths.REGIONS_CONFIG)
    read, _ = configcheck.reference_files(input_files(raw_dir))
    ref = regions.build_reference({path: frame for path, (_, frame) in read.items()}, config)
    try:
        messages = regions.region_table(ref, config).attrs["warnings"]
    except ConfigError as exc:
        messages = exc.problems
    uden = [m for m in messages if "Uden" in m]
    assert len(uden) == 1 and "Maashorst" in uden[0], messages


def test_errors_in_the_file_itself_come_together(tmp_path: Path) -> None:
    text = REGIONS.replace("corop: [Twente]", "corop: [Twnte]").replace(
        "Peelland:\n        municipalities", "Peelland:\n        municipalites"
    )
    path = tmp_path / "regions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        regions.load_config(path)
    message = str(caught.value)
    assert "2 problems" in message
    assert "regions.Twente.corop: unknown COROP region(s) 'Twnte'; did you mean: 'Twente'?" in (
        message
    )
    assert "unknown key(s) ['municipalites']" in message and "'municipalities'?" in message


def test_leading_apostrophe_names_its_line_with_a_hint(tmp_path: Path) -> None:
    text = REGIONS.replace("[Oss, Bernhaze]", "[Oss, 's-Hertogenbosch]")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "'s-Hertogenbosch" in s)
    assert line < len(text.splitlines())  # PyYAML's own mark is the end of the file
    path = tmp_path / "regions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        regions.load_config(path)
    message = str(caught.value)
    assert f"at line {line}:" in message
    assert '"\'s-Hertogenbosch"' in message  # the fix: double quotes around the name


def test_indicator_errors_come_together(tmp_path: Path) -> None:
    text = paths.INDICATORS_CONFIG.read_text(encoding="utf-8")
    text = text.replace("numerator: {column: programme, regex: 'N&[TG]'}", "numerater: x", 1)
    text = text.replace(
        "numerator: {column: field, in: [techniek]}",
        "numerator: {column: sector, in: [techniek]}",
        1,
    )
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_indicator_config(path)
    message = str(caught.value)
    assert "2 problems" in message
    assert "indicator 'vo_havo_n': unknown key(s) ['numerater']" in message
    assert "did you mean: 'numerator'?" in message
    assert "indicator 'vo_vmbo_techniek' numerator: unknown column 'sector'" in message


def _counts_unread(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every count reader fail loudly and record any attempt to use one."""
    attempts: list[str] = []
    formats = ingest.all_formats()

    def refuse(sniffed):
        attempts.append(str(sniffed.path))
        raise AssertionError(f"a count file was read: {sniffed.path}")

    patched = [dataclasses.replace(f, read=refuse) if f.role == "counts" else f for f in formats]
    monkeypatch.setattr(ingest, "all_formats", lambda: patched)
    return attempts


def test_config_errors_come_before_any_count_file_is_read(
    tmp_path: Path, use_config, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    raw = ensure_demo(tmp_path / "demo-raw")
    text = paths.INDICATORS_CONFIG.read_text(encoding="utf-8").replace(
        "    bron: DUO, Examenkandidaten en geslaagden vo\n", "    bron: x\n    bronn: y\n", 1
    )
    use_config(_config_dir(tmp_path, REGIONS.replace("[Twente]", "[Twnte]"), text))
    attempts = _counts_unread(monkeypatch)
    files = input_files(raw)
    ok = build_processed(raw, tmp_path / "processed", files, {}, key="k", demo=True)
    err = capsys.readouterr().err
    assert not ok and attempts == []
    assert "unknown key(s) ['bronn']" in err and "'Twnte'" in err
    assert not (tmp_path / "processed" / paths.MANIFEST_FILE).exists()


def test_check_config_command_lists_every_problem(
    tmp_path: Path, raw_dir: Path, capsys, use_config
) -> None:
    folder = _config_dir(tmp_path, REGIONS)
    use_config(folder)  # restores afterwards what --config-dir changes
    started = time.perf_counter()
    status = main(
        ["check-config", "--config-dir", str(folder), "--raw-dir", str(raw_dir),
         "--processed-dir", str(tmp_path / "none")]
    )  # fmt: skip
    print(f"check-config on a tiny raw dir: {time.perf_counter() - started:.2f} s")
    err = capsys.readouterr().err
    assert status == 3  # the CLI status for a data or config error
    assert "2 problem(s)" in err and "'Bernheze'" in err and "'Lochem'" in err


def test_check_config_passes_on_a_sound_config(
    raw_dir: Path, tmp_path: Path, capsys, use_config
) -> None:
    use_config(_config_dir(tmp_path, REGIONS.replace(", Bernhaze", "").replace("Lochen", "Lochem")))
    status = main(["check-config", "--raw-dir", str(raw_dir), "--processed-dir", str(tmp_path)])
    out = capsys.readouterr()
    assert status == 0, out.err
    assert "are fine" in out.out


@pytest.mark.realdata
def test_real_reference_files_report_both_mistakes(
    shared_data: Path, tmp_path: Path, use_config
) -> None:
    text = paths.REGIONS_CONFIG.read_text(encoding="utf-8")
    text = text.replace("Ede, Wageningen", "Ede, Wageningn").replace(
        "Zwolle, Kampen", "Zwolle, Kampn"
    )
    use_config(_config_dir(tmp_path, text))
    started = time.perf_counter()
    problems = configcheck.check_config(input_files(shared_data))
    print(f"check_config on the real reference files: {time.perf_counter() - started:.2f} s")
    assert len(problems) == 2, problems
    assert any("'Kampn' unknown; did you mean: 'Kampen'" in p for p in problems), problems
    assert any("'Wageningn' unknown; did you mean: 'Wageningen'" in p for p in problems), problems


def test_warning_kinds_group_files_apart() -> None:
    warnings = ["regions: a", "a.csv: x", "a.csv: y", "b.csv: z", "region table: q"]
    assert warning_kinds(warnings, {"a.csv", "b.csv"}) == {
        "source files": 3,
        "region table": 1,
        "regions": 1,
    }


def test_check_config_names_a_wrong_summary_tile(
    raw_dir: Path, tmp_path: Path, capsys, use_config
) -> None:
    """config/publication.yaml's tiles are checked with the rest, in the same run."""
    folder = _config_dir(tmp_path, REGIONS)
    (folder / "publication.yaml").write_text(
        "summary:\n  tiles: [wo_beta_instroon]\nindex:\n  columns: [mbo_techniek]\n", "utf-8"
    )
    use_config(folder)
    status = main(["check-config", "--raw-dir", str(raw_dir), "--processed-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 3
    assert "3 problem(s)" in err and "'Bernheze'" in err
    assert f"{folder / 'publication.yaml'}: summary.tiles, entry 1: 'wo_beta_instroon'" in err
    assert "did you mean: 'wo_beta_instroom'" in err
