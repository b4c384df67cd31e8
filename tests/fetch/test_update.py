"""``techniekpact fetch --update`` and ``fetch`` from the lock, against a CKAN stand-in.

The stand-in (tests/ckan_standin.py) answers ``package_show`` on 127.0.0.1 and serves the
portal's three resources that ../shared/data holds, converted to CRLF as DUO serves them.
Expected checksums and totals are computed here from the bytes served (hashlib, csv),
never taken from the code under test. No test reaches the internet: the lock's third-party
copies are pointed at 127.0.0.1:9, where nothing listens.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from ckan_standin import SHARED_PORTAL_FILES, CkanStandIn, offline_lock, serve_shared

from analysis import cli, fetch
from analysis.fetch.update import UpdateError

FAST = {"timeout": 1.0, "retries": 0}
GESL = "duo/ho/hbo_eerstejaars_geslacht_2020-2024_nieuw-portaal.csv"
OPL = "duo/ho/hbo_eerstejaars_opleiding_2020-2024_nieuw-portaal.csv"
INGES = "duo/ho/hbo_ingeschrevenen_geslacht_2020-2024_nieuw-portaal.csv"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def changes(out: str) -> list[str]:
    """The per-resource change lines of ``fetch --update`` (kind and resource)."""
    report = out.split("fetch --update:", 1)[0]  # the lock's diff follows
    return [line.split(":")[0].split() for line in report.splitlines() if line.startswith("  ")]


def visible(raw: Path) -> dict[str, str]:
    """Visible files of a raw dir -> sha256 of their bytes."""
    return {
        p.relative_to(raw).as_posix(): sha(p.read_bytes())
        for p in raw.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw).parts)
    }


def leftovers(raw: Path) -> list[str]:
    """Hidden files other than fetch's own lock and state: staging or quarantine."""
    skip = {fetch.LOCK_FILE, fetch.STATE_FILE}
    return sorted(
        p.relative_to(raw).as_posix()
        for p in raw.rglob("*")
        if p.is_file() and p.name not in skip and p.relative_to(raw).as_posix() not in skip
        if any(part.startswith(".") for part in p.relative_to(raw).parts)
    )


def update(raw: Path, lock: Path, portal: CkanStandIn, **options) -> int:
    return fetch.run_update(raw, lock_path=lock, portals={"duo": portal.url}, **options)


@pytest.fixture()
def portal(shared_data):
    with CkanStandIn() as standin:
        standin.served = serve_shared(standin, shared_data)
        yield standin


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    return tmp_path / "raw"


# --- update: what it pins and what it prints -----------------------------------------------


def test_update_from_no_lock_pins_the_publishers_bytes(tmp_path, raw, portal, capsys):
    lock = tmp_path / "data-lock.yaml"
    status = cli.main(
        [
            "fetch",
            "--update",
            "--duo-portal",
            portal.url,
            "--lock",
            str(lock),
            "--raw-dir",
            str(raw),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    entries = fetch.load_lock(lock).by_path()
    assert set(entries) == {GESL, OPL, INGES}
    today = datetime.now(UTC).date().isoformat()
    for rel, data in portal.served.items():
        entry = entries[rel]
        assert (entry.sha256, entry.size, entry.years, entry.got) == (
            sha(data),
            len(data),
            "2020-2024",
            "publisher",
        )
        assert entry.url.startswith(portal.url + "/dataset/") and entry.url.endswith(entry.resource)
        assert entry.last_modified == "2026-02-20T09:00:00.000000"
        assert entry.retrieved.startswith(today)
        assert b"\r\n" in data and (raw / rel).read_bytes() == data
    assert out.count("new resource") == 3
    assert f"wrote {lock}; the difference:" in out and f"+++ {lock} (after)" in out
    assert leftovers(raw) == []


def test_update_confirms_the_committed_lock_and_keeps_the_rest(tmp_path, raw, portal, capsys):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    before = fetch.load_lock(lock).by_path()
    assert update(raw, lock, portal, **FAST) == 0
    out = capsys.readouterr().out
    after = fetch.load_lock(lock).by_path()
    assert sorted(changes(out)) == [
        ["unchanged", "eerstejaarsingeschrevenengeslhbo.csv"],
        ["unchanged", "eerstejaarsingeschrevenenhbo.csv"],
        ["unchanged", "ingeschrevenengeslhbo.csv"],
    ]
    assert set(after) == set(before)
    for rel in set(before) - {GESL, OPL, INGES}:
        assert after[rel] == before[rel], rel
    for rel, data in portal.served.items():
        assert after[rel].sha256 == before[rel].sha256 == sha(data)  # the CRLF bytes, as locked
        assert after[rel].mirror == before[rel].mirror  # the LF copy stays accepted
        assert (before[rel].got, after[rel].got) == ("mirror", "publisher")
    assert "not in any catalogue (mirror only, kept as locked): 21 files" in out


def _new_release(data: bytes) -> bytes:
    """The same file one year on: studiejaar 2020 relabelled 2025 (years 2021-2025)."""
    return data.replace(b'\r\n"2020",', b'\r\n"2025",')


def _revised(data: bytes) -> bytes:
    """The same years with one count changed (line 2 ends in ',8')."""
    head, line2, rest = data.split(b"\r\n", 2)
    assert line2.endswith(b",8")
    return b"\r\n".join([head, line2[:-1] + b"9", rest])


def test_update_names_a_new_release_and_moves_the_old_file_aside(tmp_path, raw, portal, capsys):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    assert update(raw, lock, portal, **FAST) == 0
    newer = _new_release(portal.served[GESL])
    portal.serve("p02ho1ejrs", "eerstejaarsingeschrevenengeslhbo.csv", newer, id="r-2025")
    capsys.readouterr()
    assert update(raw, lock, portal, **FAST) == 0
    out = capsys.readouterr().out
    new_path = GESL.replace("2020-2024", "2021-2025")
    assert (
        "new release   eerstejaarsingeschrevenengeslhbo.csv: years 2020-2024 -> 2021-2025; "
        f"{GESL} is replaced by {new_path}" in out
    )
    entries = fetch.load_lock(lock).by_path()
    assert GESL not in entries and entries[new_path].sha256 == sha(newer)
    assert entries[new_path].mirror is None  # the LF copy is of the old release
    assert visible(raw)[new_path] == sha(newer) and GESL not in visible(raw)
    assert [p.rsplit(".", 1)[0] for p in leftovers(raw)] == [f".quarantine/{GESL}"]
    assert f"-- path: {GESL}" in out and f"+- path: {new_path}" in out


def test_update_names_a_revised_file(tmp_path, raw, portal, capsys):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    revised = _revised(portal.served[GESL])
    portal.serve("p02ho1ejrs", "eerstejaarsingeschrevenengeslhbo.csv", revised)
    assert update(raw, lock, portal, **FAST) == 0
    out = capsys.readouterr().out
    before = fetch.load_lock(fetch.DATA_LOCK).by_path()[GESL]
    assert (
        f"revised file  eerstejaarsingeschrevenengeslhbo.csv: same years 2020-2024, other bytes: "
        f"sha256 {before.sha256[:12]}… ({before.size} bytes) -> {sha(revised)[:12]}…" in out
    )
    assert fetch.load_lock(lock).by_path()[GESL].sha256 == sha(revised)
    assert visible(raw)[GESL] == sha(revised)


def test_update_names_a_resource_that_is_gone_and_keeps_it_locked(
    tmp_path, raw, portal, shared_data, capsys
):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    portal.withdraw("p01hoinges", "ingeschrevenengeslhbo.csv")
    assert update(raw, lock, portal, **FAST) == 0
    out = capsys.readouterr().out
    assert "gone          ingeschrevenengeslhbo.csv: the catalogue no longer lists it" in out
    entry = fetch.load_lock(lock).by_path()[INGES]
    assert entry.gone == datetime.now(UTC).date().isoformat()
    # fetch no longer asks the publisher for it; the mirror's LF copy is accepted
    status = fetch.run_fetch(
        raw, mirror=str(shared_data), allow_offline=False, lock_path=lock,
        portals={"duo": portal.url}, retries=0,
    )  # fmt: skip
    assert status == 0
    assert visible(raw)[INGES] == sha((shared_data / INGES).read_bytes())
    assert portal.hits("/download/ingeschrevenengeslhbo.csv") == 0


# --- update: faults leave everything as it was ---------------------------------------------


@pytest.mark.parametrize(
    ("target", "kind", "options", "message"),
    [
        ("p01hoinges", "status", {"status": 500}, "dataset p01hoinges): HTTP 500"),
        ("p01hoinges", "delay", {"seconds": 5}, "(dataset p01hoinges): no answer in 1 s"),
        ("p02ho1ejrs", "invalid-json", {}, "the answer is not CKAN's JSON (it starts '{\"help\""),
        ("p02ho1ejrs", "success-false", {}, "success false (HTTP 404: Access denied)"),
        (
            "eerstejaarsingeschrevenenhbo.csv", "status", {"status": 404},
            "dataset duo_ho_first_years (p02ho1ejrs), resource eerstejaarsingeschrevenenhbo.csv: "
            "download failed: ",
        ),
        ("eerstejaarsingeschrevenenhbo.csv", "truncate", {}, "transfer broken (incomplete body)"),
        (
            "eerstejaarsingeschrevenenhbo.csv", "bytes", {"data": b'"STUDIEJAAR","X"\r\n'},
            "resource eerstejaarsingeschrevenenhbo.csv: got 18 bytes from",
        ),
    ],
)  # fmt: skip
def test_update_faults_change_nothing(tmp_path, raw, portal, target, kind, options, message):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    text = lock.read_bytes()
    portal.fault(target, kind, **options)
    with pytest.raises(UpdateError) as info:
        update(raw, lock, portal, **FAST)
    assert message in str(info.value)
    assert str(info.value).endswith("Nothing was installed and the lock is unchanged")
    assert lock.read_bytes() == text
    assert visible(raw) == {} and leftovers(raw) == []


def test_unrecognised_resource_names_dataset_and_resource(tmp_path, raw, portal, capsys):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    text = lock.read_bytes()
    other = (
        b'"JAAR";"REGIO";"AANTAL"\r\n"2024";"Utrecht";12\r\n'  # the publisher changed its format
    )
    portal.serve("p02ho1ejrs", "eerstejaarsingeschrevenenhbo.csv", other)
    status = cli.main(
        [
            "fetch",
            "--update",
            "--duo-portal",
            portal.url,
            "--lock",
            str(lock),
            "--raw-dir",
            str(raw),
        ]
    )
    err = capsys.readouterr().err
    assert status == cli.EXIT_DATA == 3
    assert (
        "dataset duo_ho_first_years (p02ho1ejrs), resource eerstejaarsingeschrevenenhbo.csv: the "
        "readers do not recognise the file the catalogue serves" in err
    )
    assert "unrecognised file" in err
    assert lock.read_bytes() == text
    assert visible(raw) == {} and leftovers(raw) == []


def test_update_refuses_an_invalid_lock(tmp_path, raw, portal):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    lock.write_text(lock.read_text().replace("files:\n", "files:\n  - path: [\n", 1))
    text = lock.read_bytes()
    with pytest.raises(Exception, match="the data lock is not valid YAML"):
        update(raw, lock, portal, **FAST)
    assert lock.read_bytes() == text and not raw.exists()
    assert portal.log == []  # the catalogue was not even asked


# --- fetch from the lock, publisher side ------------------------------------------------------


def test_fetch_gets_the_locked_bytes_from_the_portal(tmp_path, raw, portal, capsys):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    status = fetch.run_fetch(
        raw, mirror=None, allow_offline=False, lock_path=lock, portals={"duo": portal.url},
        retries=0, official_timeout=1,
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 1  # the 21 mirror-only files cannot be had
    assert {rel: visible(raw)[rel] for rel in portal.served} == {
        rel: sha(data) for rel, data in portal.served.items()
    }
    assert out.count(f"from {portal.url}/dataset/") == 3


def test_fetch_names_a_file_the_publisher_replaced(tmp_path, raw, portal, shared_data, capsys):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    portal.serve(
        "p02ho1ejrs", "eerstejaarsingeschrevenengeslhbo.csv", _revised(portal.served[GESL]),
        package_id=SHARED_PORTAL_FILES[("p02ho1ejrs", "eerstejaarsingeschrevenengeslhbo.csv")][1],
        id=SHARED_PORTAL_FILES[("p02ho1ejrs", "eerstejaarsingeschrevenengeslhbo.csv")][2],
    )  # fmt: skip
    kwargs = {"lock_path": lock, "portals": {"duo": portal.url}, "retries": 0}
    status = fetch.run_fetch(raw, mirror=None, allow_offline=False, **kwargs)
    captured = capsys.readouterr()
    assert status == 1
    assert GESL not in visible(raw)
    assert (
        f"fetch: error: {GESL} (duo_ho_first_years/eerstejaarsingeschrevenengeslhbo.csv): the "
        "publisher has replaced this file. Run `techniekpact fetch --update`" in captured.err
    )
    # with the mirror, the pinned (LF) copy is installed instead, and the line says why
    assert fetch.run_fetch(raw, mirror=str(shared_data), allow_offline=False, **kwargs) == 0
    out = capsys.readouterr().out
    assert visible(raw)[GESL] == sha((shared_data / GESL).read_bytes())
    assert "the publisher has replaced this file" in out and "mirror copy (line ends" in out


# --- acceptance: update, fetch, process, national totals -------------------------------------


def _national_totals(data: bytes) -> dict[int, int]:
    """Known counts per year, summed with the csv module from the bytes served (-1 is
    suppressed: unknown, not counted)."""
    rows = csv.reader(io.StringIO(data.decode("utf-8")))
    header = next(rows)
    year, count = header.index("STUDIEJAAR"), len(header) - 1
    totals: dict[int, int] = {}
    for row in rows:
        if row and int(row[count]) >= 0:
            totals[int(row[year])] = totals.get(int(row[year]), 0) + int(row[count])
    return totals


@pytest.mark.realdata
def test_acceptance_update_fetch_process(tmp_path, raw, portal, shared_data, capsys):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    base = ["--lock", str(lock), "--raw-dir", str(raw), "--duo-portal", portal.url]
    assert cli.main(["fetch", "--update", *base]) == 0
    assert cli.main(["fetch", *base, "--mirror", str(shared_data)]) == 0
    processed = tmp_path / "processed"
    assert cli.main(["process", "--raw-dir", str(raw), "--processed-dir", str(processed)]) == 0
    out = capsys.readouterr().out
    assert "24 files" in out
    store = pd.read_parquet(processed / "store.parquet")
    for rel in (GESL, INGES):
        want = _national_totals(portal.served[rel])
        rows = store[store["source_file"] == rel]
        got = rows.groupby("year")["count"].sum().astype(int).to_dict()
        assert got == want, rel
    assert want[2020] == 488_244  # SOURCES.md: known enrolled counts 2020 in the new release
    manifest = json.loads((processed / "manifest.json").read_text())
    assert manifest["missing_sources"] == []
    for entry in manifest["inputs"]:
        if entry["path"] in portal.served:
            assert entry["url"].startswith(portal.url) and entry["publisher"].startswith("DUO")


def test_fetch_state_is_written_atomically_beside_the_files(tmp_path, raw, portal):
    lock = offline_lock(tmp_path / "data-lock.yaml")
    fetch.run_fetch(
        raw, mirror=None, allow_offline=False, allow_partial=True, lock_path=lock,
        portals={"duo": portal.url}, retries=0, official_timeout=1,
    )  # fmt: skip
    state = fetch.read_state(raw)
    assert state["files"] == 24 and len(state["missing"]) == 21
    assert state["lock_sha256"] == sha(lock.read_bytes())
    shutil.rmtree(raw)
    assert fetch.read_state(raw) is None
