"""``techniekpact fetch`` from the data lock (``analysis.fetch.pinned``, and the lock's
validation in ``analysis.fetch.lock``) against a real HTTP server on 127.0.0.1 and mirror
folders.

No test touches the internet: every publisher URL points at 127.0.0.1:9 (nothing listens
there) or at the loopback server. Expected checksums are computed here with hashlib on
the bytes served, or read from SOURCES.md, never taken from the code under test.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml
from filelock import FileLock
from loopback_http import LoopbackServer

from analysis import cli, fetch, paths
from analysis.errors import ConfigError, TechniekpactError

NOWHERE = "http://127.0.0.1:9"  # discard port: connection refused at once
FAST = {"official_timeout": 0.5, "mirror_timeout": 0.5, "retries": 0}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_lock(path: Path, files: dict[str, bytes], urls: dict[str, list[str]]) -> Path:
    """A data lock for ``files`` (relative path -> bytes) with checksums computed here."""
    entries = [
        {
            "path": rel,
            "dataset": "duo_vo_exam",
            "sha256": sha(data),
            "size": len(data),
            "url": (urls.get(rel) or [None])[0],
            "vintage": "2024",
        }
        for rel, data in files.items()
    ]
    path.write_text(yaml.safe_dump({"version": 1, "files": entries}), encoding="utf-8")
    return path


def raw_state(raw: Path) -> tuple[dict[str, str], list[str]]:
    """(visible files -> sha256, hidden leftovers), ignoring fetch's own lock and state files."""
    visible: dict[str, str] = {}
    hidden: list[str] = []
    for p in raw.rglob("*"):
        if not p.is_file():
            continue
        rel = p.relative_to(raw).as_posix()
        if rel in (fetch.LOCK_FILE, fetch.STATE_FILE):
            continue
        if any(part.startswith(".") for part in p.relative_to(raw).parts):
            hidden.append(rel)
        else:
            visible[rel] = sha(p.read_bytes())
    return visible, hidden


@pytest.fixture()
def site(tmp_path: Path) -> dict[str, bytes]:
    """Small synthetic files laid out like the shared data folder."""
    files = {
        "duo/vo/a.csv": b"PROVINCIE;2019\nUtrecht;12\nDrenthe;<5\n" * 50,
        "geo/b.geojson": b'{"type": "FeatureCollection", "features": []}\n',
    }
    for rel, data in files.items():
        (tmp_path / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / rel).write_bytes(data)
    return files


@pytest.fixture()
def server(tmp_path: Path, site: dict[str, bytes]):
    with LoopbackServer(tmp_path / "site") as srv:
        yield srv


def lock(tmp_path: Path, files: dict[str, bytes], urls: dict[str, list[str]] | None = None) -> Path:
    return write_lock(tmp_path / "data-lock.yaml", files, urls or {})


def expected(files: dict[str, bytes]) -> dict[str, str]:
    return {rel: sha(data) for rel, data in files.items()}


# --- happy paths -------------------------------------------------------------------------


def test_mirror_url_fetches_and_verifies(tmp_path, site, server, capsys):
    reg = lock(tmp_path, site, {"duo/vo/a.csv": [f"{NOWHERE}/a.csv"]})
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, lock_path=reg, **FAST
    )
    out = capsys.readouterr().out
    assert status == 0
    assert raw_state(tmp_path / "raw") == (expected(site), [])
    assert out.count("fetched ") == 2
    assert "publisher: 127.0.0.1:9 unreachable: Connection refused" in out
    assert "2 fetched, 0 failed" in out


def test_official_url_is_tried_before_the_mirror(tmp_path, site, server, capsys):
    official = [f"{server.url}/duo/vo/a.csv"]
    reg = lock(tmp_path, site, {"duo/vo/a.csv": official})
    with LoopbackServer(tmp_path / "site") as mirror:
        status = fetch.run_fetch(
            tmp_path / "raw", mirror=mirror.url, allow_offline=False, lock_path=reg, **FAST
        )
        assert mirror.hits("duo/vo/a.csv") == 0
        assert mirror.hits("geo/b.geojson") == 1
    assert status == 0
    assert server.hits("duo/vo/a.csv") == 1
    assert f"from {official[0]}" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == (expected(site), [])


def test_mirror_folder_and_file_url(tmp_path, site, capsys):
    reg = lock(tmp_path, site)
    for n, mirror in enumerate([str(tmp_path / "site"), (tmp_path / "site").as_uri()]):
        raw = tmp_path / f"raw{n}"
        status = fetch.run_fetch(raw, mirror=mirror, allow_offline=False, lock_path=reg)
        assert status == 0
        assert raw_state(raw) == (expected(site), [])
    assert capsys.readouterr().out.count("from mirror") == 4


def test_mirror_folder_files_are_linked_not_copied(tmp_path, site):
    reg = lock(tmp_path, site)
    raw = tmp_path / "raw"
    assert (
        fetch.run_fetch(raw, mirror=str(tmp_path / "site"), allow_offline=False, lock_path=reg) == 0
    )
    for relative in ("duo/vo/a.csv", "geo/b.geojson"):
        assert (raw / relative).is_symlink()
        assert (raw / relative).resolve() == (tmp_path / "site" / relative).resolve()


def test_present_files_are_verified_not_fetched_again(tmp_path, site, server, capsys):
    reg = lock(tmp_path, site)
    raw = tmp_path / "raw"
    assert fetch.run_fetch(raw, mirror=server.url, allow_offline=False, lock_path=reg) == 0
    inode = (raw / "duo/vo/a.csv").stat().st_ino
    requests_before = len(server.log)
    capsys.readouterr()
    assert fetch.run_fetch(raw, mirror=server.url, allow_offline=False, lock_path=reg) == 0
    out = capsys.readouterr().out
    assert len(server.log) == requests_before  # nothing downloaded
    assert out.count("already present, verified") == 2
    assert (raw / "duo/vo/a.csv").stat().st_ino == inode
    assert raw_state(raw) == (expected(site), [])


def test_wrong_file_present_is_moved_aside_then_refetched(tmp_path, site, capsys):
    reg = lock(tmp_path, site)
    raw = tmp_path / "raw"
    (raw / "duo/vo").mkdir(parents=True)
    (raw / "duo/vo/a.csv").write_bytes(b"edited by hand\n")
    status = fetch.run_fetch(raw, mirror=str(tmp_path / "site"), allow_offline=False, lock_path=reg)
    out = capsys.readouterr().out
    assert status == 0
    visible, hidden = raw_state(raw)
    assert visible == expected(site)
    assert len(hidden) == 1 and hidden[0].startswith(".quarantine/duo/vo/a.csv.")
    assert (raw / hidden[0]).read_bytes() == b"edited by hand\n"  # kept, not overwritten
    assert "present with other bytes (got 15 bytes" in out
    assert "moved aside to .quarantine/duo/vo/a.csv." in out


def test_wrong_file_present_and_no_source_fails(tmp_path, site, capsys):
    reg = lock(tmp_path, site)
    raw = tmp_path / "raw"
    (raw / "geo").mkdir(parents=True)
    (raw / "geo/b.geojson").write_bytes(b"{}")
    status = fetch.run_fetch(raw, mirror=None, allow_offline=False, lock_path=reg)
    captured = capsys.readouterr()
    assert status == 1
    visible, hidden = raw_state(raw)
    assert visible == {}
    assert [h.split(".geojson")[0] for h in hidden] == [".quarantine/geo/b"]
    assert "no publisher URL or known copy (mirror only), no --mirror" in captured.out
    assert "geo/b.geojson" in captured.err


# --- faults ------------------------------------------------------------------------------


def test_5xx_is_retried_then_verified(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "status", status=503, times=2)
    reg = lock(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, lock_path=reg, retries=2
    )
    assert status == 0
    assert server.hits("duo/vo/a.csv") == 3
    assert [s for p, s in server.log if p == "duo/vo/a.csv"] == [503, 503, 200]
    assert raw_state(tmp_path / "raw") == (expected(site), [])


def test_5xx_beyond_the_retries_fails_cleanly(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "status", status=500)
    reg = lock(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=True, lock_path=reg, retries=1
    )
    captured = capsys.readouterr()
    assert status == 1  # partial: b was fetched, so --allow-offline does not apply
    assert server.hits("duo/vo/a.csv") == 2
    assert "HTTP 500, 2 attempt(s)" in captured.out
    assert "not verified and not fetched: duo/vo/a.csv" in captured.err
    assert "DEMO" not in captured.err
    assert raw_state(tmp_path / "raw") == ({"geo/b.geojson": sha(site["geo/b.geojson"])}, [])


def test_truncated_body_is_retried(tmp_path, site, server):
    server.fault("duo/vo/a.csv", "truncate", times=1)
    reg = lock(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, lock_path=reg, retries=1
    )
    assert status == 0
    assert server.hits("duo/vo/a.csv") == 2
    assert raw_state(tmp_path / "raw") == (expected(site), [])


def test_truncated_body_always_leaves_nothing(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "truncate")
    reg = lock(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, lock_path=reg, **FAST
    )
    assert status == 1
    assert "transfer broken (incomplete body)" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"geo/b.geojson": sha(site["geo/b.geojson"])}, [])


def test_wrong_checksum_download_leaves_nothing(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "corrupt")
    reg = lock(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, lock_path=reg, **FAST
    )
    assert status == 1
    assert "checksum mismatch" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"geo/b.geojson": sha(site["geo/b.geojson"])}, [])


def test_wrong_checksum_in_mirror_folder_leaves_nothing(tmp_path, site, capsys):
    reg = lock(tmp_path, site)
    (tmp_path / "site/geo/b.geojson").write_bytes(b"{}")  # the mirror holds other bytes
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=str(tmp_path / "site"), allow_offline=False, lock_path=reg
    )
    assert status == 1
    assert "checksum mismatch: got 2 bytes" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"duo/vo/a.csv": sha(site["duo/vo/a.csv"])}, [])


def test_a_known_copy_is_tried_after_publisher_and_mirror(tmp_path, site, server, capsys):
    reg = lock(tmp_path, site, {"duo/vo/a.csv": [f"{NOWHERE}/a.csv"]})
    doc = yaml.safe_load(reg.read_text())
    for item in doc["files"]:
        item["copies"] = [f"{server.url}/{item['path']}"]
    reg.write_text(yaml.safe_dump(doc))
    (tmp_path / "empty").mkdir()
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=str(tmp_path / "empty"), allow_offline=False, lock_path=reg, **FAST
    )
    out = capsys.readouterr().out
    assert status == 0
    assert raw_state(tmp_path / "raw") == (expected(site), [])
    assert f"from {server.url}/duo/vo/a.csv, pinned bytes (after publisher: 127.0.0.1:9" in out
    assert "mirror: not in mirror folder" in out


def test_timeout_on_official_falls_back_to_mirror(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "delay", seconds=5)
    reg = lock(tmp_path, site, {"duo/vo/a.csv": [f"{server.url}/duo/vo/a.csv"]})
    status = fetch.run_fetch(
        tmp_path / "raw",
        mirror=str(tmp_path / "site"),
        allow_offline=False,
        lock_path=reg,
        official_timeout=0.3,
        retries=0,
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "timed out after 0.3 s" in out and "from mirror" in out
    assert raw_state(tmp_path / "raw") == (expected(site), [])


def test_timeout_everywhere_fails(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "delay", seconds=5)
    reg = lock(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, lock_path=reg, **FAST
    )
    assert status == 1
    assert "timed out" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"geo/b.geojson": sha(site["geo/b.geojson"])}, [])


def test_404_is_not_retried(tmp_path, site, server, capsys):
    (tmp_path / "site/duo/vo/a.csv").unlink()
    reg = lock(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, lock_path=reg, retries=3
    )
    assert status == 1
    assert server.hits("duo/vo/a.csv") == 1
    assert "HTTP 404" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"geo/b.geojson": sha(site["geo/b.geojson"])}, [])


# --- offline -----------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["allow_offline", "allow_partial"])
@pytest.mark.parametrize("mirror", [None, NOWHERE, "/nonexistent/mirror"])
def test_allow_offline_with_nothing_reachable(tmp_path, site, capsys, mirror, flag):
    reg = lock(tmp_path, site, {"duo/vo/a.csv": [f"{NOWHERE}/a.csv"]})
    raw = tmp_path / "raw"
    offline = {"allow_offline": False, "allow_partial": False} | {flag: True}
    assert fetch.run_fetch(raw, mirror=mirror, lock_path=reg, **offline) == 0
    captured = capsys.readouterr()
    assert "SYNTHETIC DEMO dataset" in captured.err
    assert "0 fetched, 2 failed" in captured.out
    assert raw_state(raw) == ({}, [])
    assert fetch.run_fetch(raw, mirror=mirror, allow_offline=False, lock_path=reg) == 1
    assert "SYNTHETIC DEMO" not in capsys.readouterr().err


def test_unreachable_host_is_tried_once_per_run(tmp_path, site, capsys):
    reg = lock(tmp_path, site)
    assert fetch.run_fetch(tmp_path / "raw", mirror=NOWHERE, allow_offline=True, lock_path=reg) == 0
    out = capsys.readouterr().out
    assert out.count("Connection refused (earlier in this run)") == 1


# --- robustness and configuration ------------------------------------------------------


def test_stale_staging_from_a_killed_run_is_removed(tmp_path, site):
    raw = tmp_path / "raw"
    (raw / fetch.STAGING_DIR / "duo/vo").mkdir(parents=True)
    (raw / fetch.STAGING_DIR / "duo/vo/a.csv").write_bytes(b"half")
    reg = lock(tmp_path, site)
    status = fetch.run_fetch(raw, mirror=str(tmp_path / "site"), allow_offline=False, lock_path=reg)
    assert status == 0
    assert raw_state(raw) == (expected(site), [])


def test_concurrent_fetch_is_refused(tmp_path, site):
    raw = tmp_path / "raw"
    raw.mkdir()
    reg = lock(tmp_path, site)
    with FileLock(raw / fetch.LOCK_FILE), pytest.raises(TechniekpactError, match="another"):
        fetch.run_fetch(raw, mirror=None, allow_offline=False, lock_path=reg)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sha256": "abc"}, "entry 1 (duo/vo/a.csv): sha256 must be 64 hex digits"),
        ({"path": "../escape.csv"}, "entry 1 (../escape.csv): path must be relative"),
        ({"path": ".hidden/a.csv"}, "hidden parts"),
        ({"size": "big"}, "size must be a byte count"),
        ({"url": "ftp://x/a.csv"}, "url must be an http(s) URL or null"),
        ({"dataset": None}, "missing ['dataset']"),
        ({"got": "somewhere"}, "got must be one of ['publisher', 'mirror']"),
        ({"mirror": {"sha256": "0" * 64, "size": 3}}, "mirror needs sha256, size and differs"),
        ({"sha-256": "x"}, "unknown keys ['sha-256']"),
        ({"path": "geo/b.geojson"}, "entry 2: path 'geo/b.geojson' is listed twice (also entry 1)"),
    ],
)
def test_lock_errors_name_the_entry(tmp_path, site, change, message):
    reg = lock(tmp_path, site)
    doc = yaml.safe_load(reg.read_text())
    doc["files"][0].update(change)
    reg.write_text(yaml.safe_dump(doc))
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        fetch.load_lock(reg)
    assert str(reg) in str(info.value)


def test_lock_edited_into_invalid_yaml_is_named_and_nothing_is_fetched(tmp_path, site, capsys):
    reg = lock(tmp_path, site)
    reg.write_text(reg.read_text() + "  - path: [unclosed\n")
    raw = tmp_path / "raw"
    status = cli.main(
        ["fetch", "--raw-dir", str(raw), "--lock", str(reg), "--mirror", str(tmp_path / "site")]
    )
    err = capsys.readouterr().err
    assert status == cli.EXIT_DATA == 3
    assert f"{reg}: the data lock is not valid YAML (line " in err
    assert "git checkout" in err
    assert not raw.exists()


def test_lock_listing_a_file_twice_fetches_nothing(tmp_path, site, capsys):
    reg = lock(tmp_path, site)
    doc = yaml.safe_load(reg.read_text())
    doc["files"].append(dict(doc["files"][0]))
    reg.write_text(yaml.safe_dump(doc))
    raw = tmp_path / "raw"
    status = cli.main(
        ["fetch", "--raw-dir", str(raw), "--lock", str(reg), "--mirror", str(tmp_path / "site")]
    )
    assert status == cli.EXIT_DATA == 3
    assert "entry 3: path 'duo/vo/a.csv' is listed twice (also entry 1)" in capsys.readouterr().err
    assert not raw.exists()


def test_lock_naming_an_unknown_dataset_is_an_error(tmp_path, site):
    reg = lock(tmp_path, site)
    doc = yaml.safe_load(reg.read_text())
    doc["files"][1]["dataset"] = "duo_vo_exams"
    reg.write_text(yaml.safe_dump(doc))
    with pytest.raises(
        ConfigError, match=r"entry 2 \(geo/b.geojson\): dataset 'duo_vo_exams' is not in"
    ):
        fetch.run_fetch(tmp_path / "raw", mirror=None, allow_offline=False, lock_path=reg)


def test_partial_with_allow_partial_warns_in_dutch_and_exits_0(tmp_path, site, capsys):
    reg = lock(tmp_path, site)
    (tmp_path / "site/geo/b.geojson").unlink()
    raw = tmp_path / "raw"
    status = fetch.run_fetch(
        raw, mirror=str(tmp_path / "site"), allow_offline=False, allow_partial=True, lock_path=reg
    )
    err = capsys.readouterr().err
    assert status == 0
    assert "1 of 2 locked files could not be obtained: geo/b.geojson" in err
    assert "Ontbrekende bronnen: Examenkandidaten en geslaagden vo (DUO)." in err
    assert [m["path"] for m in fetch.read_state(raw)["missing"]] == ["geo/b.geojson"]


def test_duo_portal_rebases_the_locked_urls_onto_another_host():
    from analysis.fetch.datasets import load_datasets
    from analysis.fetch.pinned import publisher_url

    config = load_datasets()
    entry = fetch.load_lock().by_path()[
        "duo/ho/hbo_ingeschrevenen_geslacht_2020-2024_nieuw-portaal.csv"
    ]
    path = (
        "/dataset/978f900e-088e-4d27-804f-2d897c161c70/resource/"
        "c454d7e1-b9b1-4460-b9ff-55938c85788e/download/ingeschrevenengeslhbo.csv"
    )
    assert publisher_url(entry, config, {}) == entry.url  # no --duo-portal: as locked
    assert entry.url == "https://onderwijsdata.duo.nl" + path
    assert publisher_url(entry, config, {"duo": "http://127.0.0.1:8080/portal/"}) == (
        "http://127.0.0.1:8080/portal" + path
    )
    old_portal = fetch.load_lock().by_path()["duo/vo/examenkandidaten_geslaagden_2019-2024.csv"]
    assert publisher_url(old_portal, config, {"duo": "http://127.0.0.1:8080"}) == old_portal.url


def test_update_refuses_options_of_fetch_from_the_lock(tmp_path, capsys):
    status = cli.main(["fetch", "--update", "--mirror", str(tmp_path), "--raw-dir", str(tmp_path)])
    assert status == cli.EXIT_USAGE == 2
    assert "--update asks the publishers' catalogues" in capsys.readouterr().err


def test_cli_fetch_uses_the_lock(tmp_path, site, capsys):
    raw = tmp_path / "raw"
    reg = lock(tmp_path, site)
    status = cli.main(
        ["fetch", "--raw-dir", str(raw), "--lock", str(reg), "--mirror", str(tmp_path / "site")]
    )
    assert status == 0
    assert raw_state(raw) == (expected(site), [])


def test_files_the_lock_does_not_list_are_kept_and_named(tmp_path, site, capsys):
    raw = tmp_path / "raw"
    (raw / "duo/ho").mkdir(parents=True)
    (raw / "duo/ho/old_release_2015-2019.csv").write_bytes(b"A;B\n1;2\n")
    (raw / "README.md").write_text("notes")  # documentation stays
    reg = lock(tmp_path, site)
    assert (
        fetch.run_fetch(raw, mirror=str(tmp_path / "site"), allow_offline=False, lock_path=reg) == 0
    )
    visible, hidden = raw_state(raw)
    assert visible == expected(site) | {
        "README.md": sha(b"notes"),
        "duo/ho/old_release_2015-2019.csv": sha(b"A;B\n1;2\n"),
    }
    assert hidden == []
    assert "duo/ho/old_release_2015-2019.csv  not in data-lock.yaml; kept" in (
        capsys.readouterr().out
    )


# --- the real lock and the real files ----------------------------------------------------


def _sources_md_checksums(shared: Path) -> dict[str, str]:
    text = (shared / "SOURCES.md").read_text(encoding="utf-8")
    block = text.split("## Checksums (sha256)", 1)[1]
    return {
        path.removeprefix("data/"): digest
        for digest, path in re.findall(r"^([0-9a-f]{64})\s+(\S+)$", block, flags=re.M)
    }


def test_lock_covers_every_shared_file_with_its_checksum(shared_data):
    """Every shared copy is locked: as the pinned bytes, or as the mirror copy of the
    publisher's CRLF bytes (recomputed here from the copy)."""
    listed = _sources_md_checksums(shared_data)
    entries = fetch.load_lock().by_path()
    assert len(listed) == 24
    assert set(entries) == set(listed)
    for rel, entry in entries.items():
        data = (shared_data / rel).read_bytes()
        assert sha(data) == listed[rel], rel
        if entry.mirror is None:
            assert (len(data), sha(data)) == (entry.size, entry.sha256), rel
            assert entry.url or "Mirror only" in entry.note, rel
            assert entry.copies and entry.copies[0].startswith("https://raw.githubusercontent.com/")
            continue
        assert (len(data), sha(data)) == (entry.mirror.size, entry.mirror.sha256), rel
        served = data.replace(b"\n", b"\r\n")  # DUO's portal serves CRLF
        assert (len(served), sha(served)) == (entry.size, entry.sha256), rel
        assert entry.url.startswith("https://onderwijsdata.duo.nl/dataset/"), rel
        assert entry.url.endswith("/download/" + entry.resource), rel


def test_real_files_over_http(tmp_path, shared_data, capsys):
    doc = yaml.safe_load(fetch.DATA_LOCK.read_text(encoding="utf-8"))
    for item in doc["files"]:  # publisher URLs point nowhere: no test reaches the internet
        item["url"] = f"{NOWHERE}/{item['path']}" if item.get("url") else None
        item["copies"] = []
    reg = tmp_path / "data-lock.yaml"
    reg.write_text(yaml.safe_dump(doc), encoding="utf-8")
    raw = tmp_path / "raw"
    with LoopbackServer(shared_data) as server:
        status = fetch.run_fetch(raw, mirror=server.url, allow_offline=False, lock_path=reg)
    assert status == 0
    want = _sources_md_checksums(shared_data)
    assert raw_state(raw) == (want, [])
    out = capsys.readouterr().out
    assert "0 already present, 24 fetched, 0 failed" in out
    assert out.count("mirror copy (line ends: LF; the publisher serves CRLF)") == 3


def test_data_log_and_raw_readme_cover_the_lock():
    """The data log names every locked file and its checksum (in full or as a…b), and
    mentions no checksum that is not locked."""
    log = (paths.DOCS_DIR / "data-log.md").read_text(encoding="utf-8")
    full = set(re.findall(r"\b[0-9a-f]{64}\b", log))
    short = set(re.findall(r"\b([0-9a-f]{8})…([0-9a-f]{4})\b", log))
    entries = fetch.load_lock().entries
    pinned = {e.sha256 for e in entries} | {e.mirror.sha256 for e in entries if e.mirror}
    for entry in entries:
        assert entry.path in log, entry.path
        named = entry.mirror.sha256 if entry.mirror else entry.sha256
        assert named in full or (named[:8], named[-4:]) in short, entry.path
    assert full <= pinned
    assert short <= {(d[:8], d[-4:]) for d in pinned}
    readme = (paths.PROJECT_ROOT / "data/raw/README.md").read_text(encoding="utf-8")
    assert "config/data-lock.yaml" in readme and fetch.QUARANTINE_DIR in readme


def test_a_missing_source_is_named_with_its_school_level_and_years() -> None:
    """One dataset (HO enrolled) has hbo and wo files: the name must say which is missing."""
    from analysis.fetch.datasets import load_datasets
    from analysis.fetch.lock import LockEntry
    from analysis.fetch.pinned import source_title

    config = load_datasets()
    title = config.datasets["duo_ho_enrolled"].title

    def named(path: str, years: str | None = None) -> str:
        return source_title(LockEntry(path, "duo_ho_enrolled", "0" * 64, 1, years=years), config)

    assert named("duo/ho/wo_ingeschrevenen_2010-2019.csv") == f"{title}, wo, 2010-2019"
    assert named("duo/ho/hbo_x.csv", "2020-2024") == f"{title}, hbo, 2020-2024"
    assert named("duo/ho/ingeschrevenen.csv") == title
