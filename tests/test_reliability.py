"""Reliability matrix: bad inputs and injected faults; nothing lost, nothing half-written.

Every case first builds good outputs (a processed store from the demo raw files, or a
report), then damages one thing, runs the pipeline, and checks the outcome: a clear error
naming the file and the line/column, or the documented handling. In both outcomes the
earlier outputs are byte-identical (sha256) and no temp/partial file is left behind.
docs/reliability.md lists every case, with the tests that already covered some of them
elsewhere (test_sources_*, test_fetch, test_reports_batch, test_render, test_pipeline).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import functools
import hashlib
import io
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import psutil
import pytest
import yaml
from pypdf import PdfReader
from reports_standin import make_notebook, make_processed

from analysis import cli, paths, regions
from analysis.demo import MARKER, generate
from analysis.publish import batch, pdf, plan
from analysis.store.process import run_process

MBO = "duo/mbo/mbo_deelnemers_2015-2019_demo.csv"  # UTF-8, no BOM, CRLF
WO_FIRST = "duo/ho/wo_eerstejaars_2015-2019_demo.csv"  # UTF-8, no BOM, CRLF, years 2015-2019
WO_ENROLLED = "duo/ho/wo_ingeschrevenen_2010-2019_demo.csv"  # UTF-8 with BOM, LF
HBO_JSON = "duo/ho/hbo_ingeschrevenen_2020-2024_demo.json"
LEFTOVERS = (".*.tmp", ".staging-*", ".*.running.ipynb", "*.tmp")
FIXED_CODE = {"git_commit": "test", "source_sha256": "test"}
needs_chromium = pytest.mark.skipif(pdf.chromium_path() is None, reason="no Chromium installed")


# --- helpers ---------------------------------------------------------------------------------


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` -> sha256 (the lock file aside: it is not an output)."""
    return {
        str(p.relative_to(folder)): sha(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p) for pattern in LEFTOVERS for p in folder.rglob(pattern))


def process(raw: Path, processed: Path, **kwargs) -> tuple[int, str, str]:
    """run_process; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = run_process(raw, processed, **kwargs)
    return status, out.getvalue(), err.getvalue()


def reports(**kwargs) -> tuple[int, str, str]:
    """run_batch over the stand-in provinces, HTML only, one worker, unless told otherwise."""
    args = {"level": "provincie", "regions": [], "formats": ["html"], "jobs": 1, "force": False}
    args.update(kwargs)
    out, err = io.StringIO(), io.StringIO()
    # The batch reports through the ``analysis`` logger; a console handler that an earlier
    # CLI call in this process installed would still write to the old stderr.
    handler = logging.StreamHandler(err)
    package = logging.getLogger("analysis")
    level = package.level
    package.addHandler(handler)
    package.setLevel(logging.INFO)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = batch.run_batch(**args)
    finally:
        package.removeHandler(handler)
        package.setLevel(level)
    return status, out.getvalue(), err.getvalue()


def csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a demo CSV, read with the csv module (not the project's reader)."""
    text = path.read_bytes().decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=";") if len(r) > 1]
    return rows[0], rows[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.write_text(
        "\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8", newline=""
    )


def year_sums(path: Path) -> dict[int, int]:
    """Known counts per year column of a wide HO CSV, by plain sums."""
    header, rows = csv_rows(path)
    years = [(i, int(h)) for i, h in enumerate(header) if h.isdigit()]
    return {y: sum(int(r[i]) for r in rows if r[i].isdigit()) for i, y in years}


def store_of(processed: Path, source_file: str) -> pd.DataFrame:
    store = pd.read_parquet(processed / paths.STORE_FILE)
    return store[store["source_file"] == source_file]


def manifest_entry(processed: Path, source_file: str) -> dict:
    manifest = json.loads((processed / paths.MANIFEST_FILE).read_text(encoding="utf-8"))
    return next(e for e in manifest["inputs"] if e["path"] == source_file)


@pytest.fixture(scope="session")
def good_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo raw files (as an ordinary raw folder) and the good store built from them, once."""
    root = tmp_path_factory.mktemp("good")
    generate(root / "raw", seed=0)
    (root / "raw" / MARKER).unlink()
    status, _, err = process(root / "raw", root / "processed")
    assert status == 0, err
    return root


@pytest.fixture
def site(good_demo: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A private copy of the good raw folder and store; and the store's snapshot."""
    shutil.copytree(good_demo, tmp_path, dirs_exist_ok=True)
    processed = tmp_path / "processed"
    return tmp_path / "raw", processed, snapshot(processed)


# --- bad raw files: a clear error, nothing written ------------------------------------------


def _rewrite(rel: str, change: Callable[[bytes], bytes]) -> Callable[[Path], str]:
    def damage(raw: Path) -> str:
        path = raw / rel
        path.write_bytes(change(path.read_bytes()))
        return path.name

    return damage


def _replace_once(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, 1)

    return change


def _nth_line(data: bytes, n: int) -> bytes:
    line = data.splitlines(keepends=True)[n]
    assert line.count(b";") > 5, line  # a data row, not one of DUO's stray lines
    return line


def _mixed_encoding(data: bytes) -> bytes:
    """One row with UTF-8 'Fryslân', a later one with a Latin-1 'é'."""
    lines = data.splitlines(keepends=True)
    lines[1] = lines[1].replace(b"Friesland", "Fryslân".encode(), 1)
    lines[20] = lines[20].replace(b"Demo", "Démo".encode("latin-1"), 1)
    return b"".join(lines)


def _duplicate_record(data: bytes) -> bytes:
    records = json.loads(data)
    return json.dumps([*records[:10], records[3], *records[10:]], indent=1).encode()


def _count_cell(value: str) -> Callable[[Path], str]:
    """Set the first data row's MAN2017 cell of the mbo file to ``value``."""

    def damage(raw: Path) -> str:
        header, rows = csv_rows(raw / MBO)
        rows[0][header.index("MAN2017")] = value
        write_csv(raw / MBO, header, rows)
        return f"{Path(MBO).name}, line 2, column 'MAN2017'"

    return damage


def _drop_column(rel: str, column: str) -> Callable[[Path], str]:
    def damage(raw: Path) -> str:
        header, rows = csv_rows(raw / rel)
        i = header.index(column)
        write_csv(raw / rel, header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])
        return Path(rel).name

    return damage


BAD_FILES: dict[str, tuple[Callable[[Path], str], str]] = {
    "empty": (_rewrite(MBO, lambda d: b"\r\n\r\n"), r"the file is empty"),
    "zero-bytes": (_rewrite(MBO, lambda d: b""), r"the file is empty"),
    "truncated-json": (
        _rewrite(HBO_JSON, lambda d: d[: len(d) // 2]),
        r"line \d+: invalid or truncated JSON",
    ),
    "utf16": (
        _rewrite(MBO, lambda d: d.decode("utf-8").encode("utf-16")),
        r"UTF-16 text is not a DUO/CBS release format",
    ),
    "binary": (_rewrite(MBO, lambda d: d[:500] + b"\x00\xff" * 50), r"binary content"),
    "mixed-encoding": (
        _rewrite(WO_FIRST, _mixed_encoding),
        r"mixed encodings: UTF-8 text \(line 2\) and bytes that are not UTF-8 \(line 21\)",
    ),
    "bom-then-latin1": (
        _rewrite(WO_ENROLLED, _replace_once(b"Demo", "Démo".encode("latin-1"))),
        r"line 2: starts with a UTF-8 BOM but holds bytes that are not UTF-8",
    ),
    "renamed-column": (
        _rewrite(WO_FIRST, _replace_once(b";GESLACHT;", b";SEKSE;")),
        r"column 'GESLACHT'",
    ),
    "missing-column": (_drop_column(MBO, "MBO SECTOR"), r"column 'MBO SECTOR'"),
    "non-numeric-count": (_count_cell("12a"), r"count '12a' is not a number"),
    "negative-count": (_count_cell("-3"), r"negative count '-3'"),
    "decimal-count": (_count_cell("4,5"), r"count '4,5' is not a number"),
    "duplicate-row": (
        _rewrite(MBO, lambda d: d + _nth_line(d, 5)),
        r"line \d+: line \d+ repeats line 6 exactly \(duplicate row\)",
    ),
    "duplicate-row-latin1": (
        _rewrite("duo/vo/leerlingen_vo_2019_demo.csv", lambda d: d + _nth_line(d, 2)),
        r"line \d+: line \d+ repeats line 3 exactly \(duplicate row\)",
    ),
    "duplicate-record": (
        _rewrite(HBO_JSON, _duplicate_record),
        r"record 11 repeats record 4 exactly \(duplicate row\)",
    ),
    "excel-for-csv": (
        _rewrite(MBO, lambda d: b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200),
        r"this is an Excel workbook \(expected the CSV release",
    ),
    "legacy-xls-for-csv": (
        _rewrite(MBO, lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200),
        r"this is an Excel workbook",
    ),
    "unknown-release": (
        _rewrite(
            MBO,
            lambda d: (
                b"JAAR;INSTELLING;OPLEIDING;SECTOR;AANTAL_DEELNEMERS\r\n"
                b"2023;21PC;25190;techniek;17\r\n"
            ),
        ),
        r"unrecognised file; .*expected one of the known release formats",
    ),
    "new-portal-without-counts": (
        _rewrite(
            WO_FIRST,
            lambda d: (
                b"STUDIEJAAR,PROVINCIENAAM,GEMEENTENUMMER,ONDERDEEL,GESLACHT,AANTAL\n"
                b"2023,Utrecht,0344,TECHNIEK,MAN,12\n"
            ),
        ),
        r"unrecognised file",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_raw_file_is_named_and_the_store_survives(site, case: str) -> None:
    raw, processed, before = site
    damage, message = BAD_FILES[case]
    named = damage(raw)
    status, _, err = process(raw, processed)
    assert status == 1
    assert "nothing was written" in err
    line = next(line for line in err.splitlines() if named.split(",")[0] in line)
    assert named in line, err
    assert pd.Series([line]).str.contains(message, regex=True).iloc[0], err
    assert "The previous processed store" in err and "is unchanged" in err
    assert snapshot(processed) == before
    assert leftovers(processed) == []


def test_every_bad_file_is_listed_in_one_run(site) -> None:
    """Three damaged files: one run names all three (a user fixes them in one go)."""
    raw, processed, before = site
    names = [
        BAD_FILES["zero-bytes"][0](raw),
        BAD_FILES["duplicate-record"][0](raw),
        BAD_FILES["renamed-column"][0](raw),
    ]
    status, _, err = process(raw, processed)
    assert status == 1 and "3 problem(s)" in err
    assert all(name in err for name in names)
    assert snapshot(processed) == before


# --- bad raw files that are handled (documented), nothing lost -------------------------------


@pytest.mark.parametrize("rel", [MBO, WO_ENROLLED], ids=["bom-added", "bom-doubled"])
def test_stray_bom_is_read_as_utf8_with_identical_counts(site, rel: str) -> None:
    raw, processed, _ = site
    before = store_of(processed, rel)
    (raw / rel).write_bytes(b"\xef\xbb\xbf" + (raw / rel).read_bytes())
    status, _, err = process(raw, processed)
    assert status == 0, err
    after = store_of(processed, rel)
    assert len(after) == len(before)
    assert after["count"].sum() == before["count"].sum()
    assert after["suppressed"].sum() == before["suppressed"].sum()


def test_extra_text_column_is_ignored_and_no_count_is_lost(site) -> None:
    raw, processed, _ = site
    expected = year_sums(raw / WO_FIRST)
    header, rows = csv_rows(raw / WO_FIRST)
    write_csv(raw / WO_FIRST, [*header, "OPMERKING"], [[*r, "zie toelichting"] for r in rows])
    status, _, err = process(raw, processed)
    assert status == 0, err
    got = store_of(processed, WO_FIRST).groupby("year")["count"].sum()
    assert {int(y): int(c) for y, c in got.items()} == expected
    assert len(store_of(processed, WO_FIRST)) == len(rows) * len(expected)


def test_every_cell_suppressed_is_kept_as_unknown_with_bounds_and_a_warning(site) -> None:
    """Handled, not an error: a file of only '<5' is legal; its shares become pure bounds."""
    raw, processed, _ = site
    header, rows = csv_rows(raw / WO_FIRST)
    years = [i for i, h in enumerate(header) if h.isdigit()]
    hidden = [[("<5" if i in years else v) for i, v in enumerate(r)] for r in rows]
    write_csv(raw / WO_FIRST, header, hidden)
    status, _, err = process(raw, processed)
    assert status == 0, err
    cells = store_of(processed, WO_FIRST)
    assert len(cells) == len(rows) * len(years)  # every cell kept
    assert cells["count"].isna().all() and cells["suppressed"].all()
    entry = manifest_entry(processed, WO_FIRST)
    assert entry["suppressed_cells"] == entry["cells"] == len(rows) * len(years)
    assert any("every one of its" in w and "suppressed" in w for w in entry["warnings"])
    table = pd.read_parquet(processed / paths.INDICATORS_FILE)
    wo = table[(table["indicator"] == "wo_beta_instroom") & table["share"].notna()]
    assert len(wo) and (wo["suppressed_cells"] > 0).all()
    assert (wo["share_low"] <= wo["share"]).all() and (wo["share"] <= wo["share_high"]).all()
    assert (wo["share_low"] < wo["share_high"]).any()  # real bounds, not a point


@pytest.mark.parametrize(
    ("province", "code", "name"),
    [
        ("Grunnen", "9999", "ATLANTIS"),  # nothing matches: unplaced, with a reason
        ("Friesland", "9999", "ATLANTIS"),  # the province still places it
        ("Frieslân", "9012", "Demo-Zuidoost-Friesland 2"),  # odd province spelling, known code
    ],
)
def test_unknown_municipality_or_province_spelling_loses_no_count(
    site, province: str, code: str, name: str
) -> None:
    raw, processed, _ = site
    header, rows = csv_rows(raw / WO_FIRST)
    col = {h: i for i, h in enumerate(header)}
    for column, value in (("PROVINCIE", province), ("GEMEENTENUMMER", code)):
        rows[0][col[column]] = value
    rows[0][col["GEMEENTENAAM"]] = name
    write_csv(raw / WO_FIRST, header, rows)
    expected = year_sums(raw / WO_FIRST)
    status, _, err = process(raw, processed)
    assert status == 0, err
    cells = store_of(processed, WO_FIRST)
    got = cells.groupby("year")["count"].sum()
    assert {int(y): int(c) for y, c in got.items()} == expected  # nothing dropped
    first = cells[cells["source_row"] == 2]
    entry = manifest_entry(processed, WO_FIRST)
    row_total = sum(int(v) for y in expected if (v := rows[0][col[str(y)]]).isdigit())
    if first["attribution"].eq("unplaced").all():
        assert first["unplaced_reason"].notna().all()
        assert sum(u["count"] for u in entry["unplaced"]) == row_total
        assert entry["counts_total"] - entry["counts_attributed_province"] == row_total
    else:
        assert first["province_code"].notna().all() and first["unplaced_reason"].isna().all()
        assert entry["counts_attributed_province"] == entry["counts_total"]
    if province == "Frieslân":  # a spelling the normaliser does not know; the code places it
        assert first["province_code"].eq("PV21").all()


# --- configuration: a clear error, nothing written --------------------------------------------


def _config_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (paths.CONFIG_DIR / name).read_text(encoding="utf-8")
    assert old in text, old
    target = tmp_path / "config" / name
    target.parent.mkdir(exist_ok=True)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _regions_yaml(tmp_path: Path, old: str, new: str, monkeypatch) -> str:
    path = _config_copy(tmp_path, "regions.yaml", old, new)
    monkeypatch.setattr(regions, "load_config", functools.partial(regions.load_config, path))
    return str(path)


def _indicators_yaml(tmp_path: Path, change: Callable[[dict], None], monkeypatch) -> str:
    raw = yaml.safe_load((paths.CONFIG_DIR / "indicators.yaml").read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "config" / "indicators.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(paths, "INDICATORS_CONFIG", path)
    return str(path)


CONFIG_CASES = {
    "regions-malformed-yaml": (
        lambda t, mp: _regions_yaml(
            t, "Noord: [Groningen, Fryslân, Drenthe]", "Noord: [Groningen, Fryslân", mp
        ),
        "malformed YAML",
    ),
    "regions-file-missing": (
        lambda t, mp: (
            mp.setattr(
                regions, "load_config", functools.partial(regions.load_config, t / "nope.yaml")
            )
            or str(t / "nope.yaml")
        ),
        "the region definition file does not exist",
    ),
    "region-name-like-a-path": (
        lambda t, mp: _regions_yaml(t, "Twente:\n", "../../Twente:\n", mp),
        "looks like a path",
    ),
    "region-name-like-a-region-code": (
        lambda t, mp: _regions_yaml(t, "Twente:\n", "CR12:\n", mp),
        "looks like a code",
    ),
    "region-name-like-python-code": (
        lambda t, mp: _regions_yaml(t, "Twente:\n", "'\"); import os; os.system(1)#':\n", mp),
        "region name .*import os.* looks like a path",
    ),
    "unknown-indicator-in-targets": (
        lambda t, mp: _indicators_yaml(
            t, lambda c: c["targets"].update(hbo_techniek_instrom={"value": 0.4}), mp
        ),
        "targets: unknown indicator id 'hbo_techniek_instrom'",
    ),
    "target-not-a-share": (
        lambda t, mp: _indicators_yaml(
            t, lambda c: c["targets"]["mbo_techniek"].update(value=40), mp
        ),
        r"targets.mbo_techniek: value must be a share",
    ),
    "indicator-id-like-a-path": (
        lambda t, mp: _indicators_yaml(
            t,
            lambda c: c["indicators"].update({"../../etc/passwd": c["indicators"]["mbo_techniek"]}),
            mp,
        ),
        "an id is lower case",
    ),
}


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_bad_configuration_is_named_and_the_store_survives(
    site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    raw, processed, before = site
    make, message = CONFIG_CASES[case]
    config_file = make(tmp_path, monkeypatch)
    status, _, err = process(raw, processed, force=True)
    assert status == 1
    assert config_file in err and pd.Series([err]).str.contains(message).iloc[0], err
    assert "nothing was written" in err
    assert snapshot(processed) == before
    assert leftovers(processed) == []


# --- the processed store: deleted, stale, killed, locked, full disk ---------------------------


def bring_up_to_date(raw: Path, processed: Path) -> None:
    """Teammates edit code during a session: rebuild first if the code fingerprint moved."""
    status, _, err = process(raw, processed)
    assert status == 0, err


def test_deleted_store_is_rebuilt_and_says_why(site) -> None:
    raw, processed, before = site
    bring_up_to_date(raw, processed)
    (processed / paths.STORE_FILE).unlink()
    status, out, _ = process(raw, processed)
    assert status == 0 and "is incomplete or inconsistent" in out and "rebuilding" in out
    assert (processed / paths.STORE_FILE).is_file()
    shutil.rmtree(processed)
    status, out, _ = process(raw, processed)
    assert status == 0 and f"no processed store in {processed} yet" in out
    assert set(snapshot(processed)) == set(before)


def test_store_half_replaced_by_a_killed_run_is_detected_and_rebuilt(site) -> None:
    """A kill between moving store.parquet and the manifest: same size is not enough."""
    raw, processed, _ = site
    bring_up_to_date(raw, processed)
    store = processed / paths.STORE_FILE
    data = bytearray(store.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other content
    store.write_bytes(bytes(data))
    status, out, _ = process(raw, processed)
    assert status == 0 and "does not match the manifest" in out
    manifest = json.loads((processed / paths.MANIFEST_FILE).read_text())
    assert sha(store) == manifest["outputs"]["store"]["sha256"]


def test_raw_newer_than_store_names_the_changed_added_and_removed_files(site) -> None:
    raw, processed, _ = site
    bring_up_to_date(raw, processed)
    (raw / MBO).write_bytes((raw / MBO).read_bytes().replace(b";177;", b";178;", 1))
    shutil.copy(raw / WO_ENROLLED, raw / "duo/ho/wo_ingeschrevenen_kopie.csv")
    (raw / "duo/ho/wo_gediplomeerden_2014-2018_demo.csv").unlink()
    status, out, err = process(raw, processed)
    # The copy duplicates every row of another file; that is data, processed as such.
    assert status == 0, err
    line = next(line for line in out.splitlines() if "raw data newer" in line)
    assert f"changed: {MBO}" in line
    assert "new: duo/ho/wo_ingeschrevenen_kopie.csv" in line
    assert "gone: duo/ho/wo_gediplomeerden_2014-2018_demo.csv" in line


def test_staging_left_by_a_killed_run_is_removed_by_the_next(site) -> None:
    raw, processed, _ = site
    stale = processed / ".staging-killed"
    stale.mkdir()
    (stale / paths.STORE_FILE).write_bytes(b"half a parquet file")
    status, _, err = process(raw, processed, force=True)
    assert status == 0, err
    assert leftovers(processed) == []


@pytest.mark.slow
def test_process_killed_with_sigkill_leaves_a_consistent_store(site) -> None:
    """SIGKILL at several moments of a rebuild; afterwards every output matches the manifest."""
    raw, processed, _ = site
    for delay in (0.5, 2.0, 3.5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "analysis.cli", "process", "--force", "--raw-dir", str(raw),
             "--processed-dir", str(processed)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        status, _, err = process(raw, processed)
        assert status == 0, err
        manifest = json.loads((processed / paths.MANIFEST_FILE).read_text())
        for entry in manifest["outputs"].values():
            assert sha(processed / entry["path"]) == entry["sha256"]
        assert leftovers(processed) == []


def test_two_process_runs_at_once_get_a_clear_message(site, capsys) -> None:
    raw, processed, before = site
    holder = _hold_lock(processed / ".lock")
    try:
        status = cli.main(["process", "--raw-dir", str(raw), "--processed-dir", str(processed)])
        assert status == cli.EXIT_BUSY == 4
        assert "locked by another `techniekpact process` run" in capsys.readouterr().err
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert snapshot(processed) == before


def _hold_lock(path: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from filelock import FileLock; "
         f"l = FileLock({str(path)!r}); l.acquire(); print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_full_disk_while_writing_the_store_monkeypatched(site, monkeypatch) -> None:
    raw, processed, before = site

    def no_space(self, path, *args, **kwargs):
        Path(path).write_bytes(b"PAR1 half")  # a partial file, as a full disk leaves one
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", no_space)
    status, _, err = process(raw, processed, force=True)
    assert status == 1
    assert "the outputs could not be written" in err and "No space left on device" in err
    assert snapshot(processed) == before
    assert leftovers(processed) == []


@pytest.fixture
def small_fs(tmp_path: Path):
    """Mount a small tmpfs (root only); skip when mounting is impossible."""
    mount = tmp_path / "small"
    mount.mkdir()

    def mount_with(size: str) -> Path:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
        return mount

    yield mount_with
    if os.path.ismount(mount):
        subprocess.run(["umount", str(mount)], check=False)


def test_full_disk_while_writing_the_store_on_a_small_filesystem(site, small_fs) -> None:
    raw, processed, _ = site
    size = sum(p.stat().st_size for p in processed.iterdir())
    assert size > 2**20
    mount = small_fs(f"{size // 1024 + 512}k")  # room for one store, not for a staged second
    shutil.copytree(processed, mount / "processed")
    before = snapshot(mount / "processed")
    status, _, err = process(raw, mount / "processed", force=True)
    assert status == 1
    assert "No space left on device" in err and "is unchanged" in err
    assert snapshot(mount / "processed") == before
    assert leftovers(mount / "processed") == []


def test_reports_on_a_missing_store_say_to_run_process(tmp_path: Path, capsys) -> None:
    status = cli.main(
        ["reports", "--processed-dir", str(tmp_path / "nowhere"),
         "--reports-dir", str(tmp_path / "reports")]
    )  # fmt: skip
    assert status == cli.EXIT_DATA == 3
    assert "run `techniekpact process` first" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


# --- report faults ----------------------------------------------------------------------------


@pytest.fixture
def fixed_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan, "code_fingerprint", lambda: dict(FIXED_CODE))


@pytest.fixture
def report_site(tmp_path: Path, fixed_code: None) -> dict:
    """Good HTML (+ PDF with Chromium) reports of Utrecht and Fryslân from the stand-in."""
    formats = ["html", "pdf"] if pdf.chromium_path() else ["html"]
    site = {
        "notebook": make_notebook(tmp_path / "nb" / "report.ipynb"),
        "processed_dir": make_processed(tmp_path / "processed"),
        "reports_dir": tmp_path / "reports",
        "formats": formats,
    }
    status, _, err = reports(regions=["Utrecht", "Fryslân"], **site)
    assert status == 0, err
    site["before"] = snapshot(site["reports_dir"])
    return site


def _outputs(site: dict, slug: str) -> dict[str, str]:
    folder = site["reports_dir"] / "provincie"
    return {p.name: sha(p) for p in folder.glob(f"{slug}.*") if ".failed." not in p.name}


def test_failing_notebook_keeps_the_earlier_report(report_site: dict, tmp_path: Path) -> None:
    site = dict(report_site)
    old = _outputs(site, "utrecht")
    site["notebook"] = make_notebook(tmp_path / "nb2" / "report.ipynb", fail_for=("Utrecht",))
    status, _, err = reports(regions=["Utrecht", "Fryslân"], **_args(site))
    assert status == 1 and "provincie/Utrecht" in err and "stand-in failure" in err
    assert _outputs(site, "utrecht") == old  # html, pdf, ipynb and key: byte-identical
    assert (site["reports_dir"] / "provincie" / "utrecht.failed.ipynb").is_file()
    assert leftovers(site["reports_dir"]) == []


@needs_chromium
def test_missing_chromium_keeps_the_earlier_pdf_and_retries(
    report_site: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = report_site
    old = _outputs(site, "utrecht")
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    status, _, err = reports(regions=["Utrecht"], force=True, **_args(site))
    assert status == 1 and "PDF not made: Chromium not found" in err
    now = _outputs(site, "utrecht")
    assert now["utrecht.pdf"] == old["utrecht.pdf"]
    assert now["utrecht.key.json"] == old["utrecht.key.json"]  # the old key: it stays stale
    assert leftovers(site["reports_dir"]) == []


@needs_chromium
def test_chromium_killed_mid_batch_is_started_again(
    tmp_path: Path, fixed_code: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed: list[int] = []
    real_finish = batch._finish

    def finish_then_kill_chromium(*args, **kwargs):
        problem = real_finish(*args, **kwargs)
        if not killed:
            for child in psutil.Process().children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess):  # short-lived processes
                    if "chrom" in child.name().lower():
                        child.kill()
                        killed.append(child.pid)
        return problem

    monkeypatch.setattr(batch, "_finish", finish_then_kill_chromium)
    folder = tmp_path / "reports" / "provincie"
    status, _, err = reports(
        formats=["html", "pdf"],
        notebook=make_notebook(tmp_path / "nb" / "report.ipynb"),
        processed_dir=make_processed(tmp_path / "processed"),
        reports_dir=tmp_path / "reports",
    )
    assert killed, "no Chromium process was found to kill"
    assert status == 0, err
    for slug, name in (("utrecht", "Utrecht"), ("fryslan", "Fryslân"), ("zeeland", "Zeeland")):
        reader = PdfReader(folder / f"{slug}.pdf", strict=True)
        assert name in reader.pages[0].extract_text()
        assert (folder / f"{slug}.key.json").is_file()
    assert leftovers(tmp_path / "reports") == []


def test_full_disk_while_sealing_a_report_keeps_the_earlier_one(
    report_site: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key file cannot be written: that report fails, named; the batch goes on."""
    from analysis import atomic

    site = report_site
    old_key = _outputs(site, "utrecht")["utrecht.key.json"]

    def no_space(target, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(atomic, "write_text", no_space)
    status, _, err = reports(regions=["Utrecht"], force=True, **_args(site))
    assert status == 1
    assert "provincie/Utrecht: outputs could not be written" in err and "No space left" in err
    assert _outputs(site, "utrecht")["utrecht.key.json"] == old_key
    assert leftovers(site["reports_dir"]) == []


@pytest.mark.slow
def test_full_disk_mid_batch_on_a_small_filesystem(
    tmp_path: Path, fixed_code: None, small_fs
) -> None:
    """A full reports folder: the reports fail, named; the earlier ones are intact; then resume."""
    mount = small_fs("8m")
    common = {
        "notebook": make_notebook(tmp_path / "nb" / "report.ipynb"),
        "processed_dir": make_processed(tmp_path / "processed"),
        "reports_dir": mount,
    }
    assert reports(regions=["Utrecht"], **common)[0] == 0
    before = snapshot(mount)
    filler = mount / "filler.bin"
    with open(filler, "wb") as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    status, _, err = reports(force=True, **common)
    assert status == 1 and "No space left on device" in err
    for region in ("Utrecht", "Fryslân", "Zeeland"):
        assert f"provincie/{region}" in err
    after = snapshot(mount)
    before.pop("reports.log")  # the batch log is this run's, rewritten by every run
    assert {k: after.get(k) for k in before} == before  # audit notebooks may be added
    assert leftovers(mount) == []
    filler.unlink()
    status, out, err = reports(**common)
    assert status == 0, err
    assert "2 built" in out + err and "1 report(s) unchanged" in out + err


@pytest.mark.slow
def test_batch_killed_mid_way_then_rerun_finishes_the_rest(tmp_path: Path) -> None:
    """SIGKILL the whole batch (workers and kernels too) after its first report; rerun."""
    notebook = make_notebook(tmp_path / "nb" / "report.ipynb")
    processed = make_processed(tmp_path / "processed")
    reports_dir = tmp_path / "reports"
    script = (
        "import sys; from analysis.publish import batch, plan; "
        f"plan.code_fingerprint = lambda: {FIXED_CODE!r}; "
        f"sys.exit(batch.run_batch('provincie', [], ['html'], 1, {str(processed)!r}, "
        f"{str(reports_dir)!r}, False, notebook={str(notebook)!r}))"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    deadline = time.monotonic() + 300
    while not list(reports_dir.glob("provincie/*.key.json")):
        assert proc.poll() is None and time.monotonic() < deadline, "the batch ended too early"
        time.sleep(0.1)
    tree = psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGKILL)
    for child in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    proc.wait(timeout=60)
    done = {p.name for p in reports_dir.glob("provincie/*.key.json")}
    assert 1 <= len(done) < 3
    # The moment of the kill decides what is left over; plant the worst case as well.
    (reports_dir / "provincie" / ".zeeland.html.k1ll3d.tmp").write_text("<html><body>half")
    (reports_dir / "provincie" / ".zeeland.running.ipynb").write_text("{")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plan, "code_fingerprint", lambda: dict(FIXED_CODE))
        status, out, err = reports(
            notebook=notebook, processed_dir=processed, reports_dir=reports_dir
        )
    assert status == 0, err
    assert f"{len(done)} report(s) unchanged, skipped" in out + err  # logged to stderr
    assert f"{3 - len(done)} built" in out + err
    assert "unfinished file(s) of an interrupted earlier run" in out + err
    assert leftovers(reports_dir) == []
    for slug in ("utrecht", "fryslan", "zeeland"):
        assert (reports_dir / "provincie" / f"{slug}.html").read_text().rstrip().endswith("</html>")


def _args(site: dict) -> dict:
    return {k: site[k] for k in ("notebook", "processed_dir", "reports_dir", "formats")}
