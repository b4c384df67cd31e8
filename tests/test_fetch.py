"""``techniekpact fetch`` against a real HTTP server on 127.0.0.1 and mirror folders.

No test touches the internet: every official URL points at 127.0.0.1:9 (nothing listens
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


def write_registry(path: Path, files: dict[str, bytes], urls: dict[str, list[str]]) -> Path:
    """A registry for ``files`` (relative path -> bytes) with checksums computed here."""
    entries = [
        {
            "path": rel,
            "sha256": sha(data),
            "size": len(data),
            "urls": urls.get(rel, []),
            "publisher": "test",
            "dataset": "test",
            "licence": "CC0",
            "vintage": "2024",
        }
        for rel, data in files.items()
    ]
    path.write_text(yaml.safe_dump({"files": entries}), encoding="utf-8")
    return path


def raw_state(raw: Path) -> tuple[dict[str, str], list[str]]:
    """(visible files -> sha256, hidden leftovers), ignoring the lock file."""
    visible: dict[str, str] = {}
    hidden: list[str] = []
    for p in raw.rglob("*"):
        if not p.is_file():
            continue
        rel = p.relative_to(raw).as_posix()
        if rel == fetch.LOCK_FILE:
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


def registry(
    tmp_path: Path, files: dict[str, bytes], urls: dict[str, list[str]] | None = None
) -> Path:
    return write_registry(tmp_path / "sources.yaml", files, urls or {})


def expected(files: dict[str, bytes]) -> dict[str, str]:
    return {rel: sha(data) for rel, data in files.items()}


# --- happy paths -------------------------------------------------------------------------


def test_mirror_url_fetches_and_verifies(tmp_path, site, server, capsys):
    reg = registry(tmp_path, site, {"duo/vo/a.csv": [f"{NOWHERE}/a.csv"]})
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, registry_path=reg, **FAST
    )
    out = capsys.readouterr().out
    assert status == 0
    assert raw_state(tmp_path / "raw") == (expected(site), [])
    assert out.count("fetched ") == 2
    assert "official: 127.0.0.1:9 unreachable: Connection refused" in out
    assert "2 fetched, 0 failed" in out


def test_official_url_is_tried_before_the_mirror(tmp_path, site, server, capsys):
    official = [f"{server.url}/duo/vo/a.csv"]
    reg = registry(tmp_path, site, {"duo/vo/a.csv": official})
    with LoopbackServer(tmp_path / "site") as mirror:
        status = fetch.run_fetch(
            tmp_path / "raw", mirror=mirror.url, allow_offline=False, registry_path=reg, **FAST
        )
        assert mirror.hits("duo/vo/a.csv") == 0
        assert mirror.hits("geo/b.geojson") == 1
    assert status == 0
    assert server.hits("duo/vo/a.csv") == 1
    assert f"from {official[0]}" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == (expected(site), [])


def test_mirror_folder_and_file_url(tmp_path, site, capsys):
    reg = registry(tmp_path, site)
    for n, mirror in enumerate([str(tmp_path / "site"), (tmp_path / "site").as_uri()]):
        raw = tmp_path / f"raw{n}"
        status = fetch.run_fetch(raw, mirror=mirror, allow_offline=False, registry_path=reg)
        assert status == 0
        assert raw_state(raw) == (expected(site), [])
    assert capsys.readouterr().out.count("from mirror") == 4


def test_mirror_folder_files_are_linked_not_copied(tmp_path, site):
    reg = registry(tmp_path, site)
    raw = tmp_path / "raw"
    assert (
        fetch.run_fetch(raw, mirror=str(tmp_path / "site"), allow_offline=False, registry_path=reg)
        == 0
    )
    for relative in ("duo/vo/a.csv", "geo/b.geojson"):
        assert (raw / relative).is_symlink()
        assert (raw / relative).resolve() == (tmp_path / "site" / relative).resolve()


def test_present_files_are_verified_not_fetched_again(tmp_path, site, server, capsys):
    reg = registry(tmp_path, site)
    raw = tmp_path / "raw"
    assert fetch.run_fetch(raw, mirror=server.url, allow_offline=False, registry_path=reg) == 0
    inode = (raw / "duo/vo/a.csv").stat().st_ino
    requests_before = len(server.log)
    capsys.readouterr()
    assert fetch.run_fetch(raw, mirror=server.url, allow_offline=False, registry_path=reg) == 0
    out = capsys.readouterr().out
    assert len(server.log) == requests_before  # nothing downloaded
    assert out.count("already present, verified") == 2
    assert (raw / "duo/vo/a.csv").stat().st_ino == inode
    assert raw_state(raw) == (expected(site), [])


def test_wrong_file_present_is_moved_aside_then_refetched(tmp_path, site, capsys):
    reg = registry(tmp_path, site)
    raw = tmp_path / "raw"
    (raw / "duo/vo").mkdir(parents=True)
    (raw / "duo/vo/a.csv").write_bytes(b"edited by hand\n")
    status = fetch.run_fetch(
        raw, mirror=str(tmp_path / "site"), allow_offline=False, registry_path=reg
    )
    out = capsys.readouterr().out
    assert status == 0
    visible, hidden = raw_state(raw)
    assert visible == expected(site)
    assert len(hidden) == 1 and hidden[0].startswith(".quarantine/duo/vo/a.csv.")
    assert (raw / hidden[0]).read_bytes() == b"edited by hand\n"  # kept, not overwritten
    assert "checksum mismatch" in out and "moved aside to .quarantine/duo/vo/a.csv." in out


def test_wrong_file_present_and_no_source_fails(tmp_path, site, capsys):
    reg = registry(tmp_path, site)
    raw = tmp_path / "raw"
    (raw / "geo").mkdir(parents=True)
    (raw / "geo/b.geojson").write_bytes(b"{}")
    status = fetch.run_fetch(raw, mirror=None, allow_offline=False, registry_path=reg)
    captured = capsys.readouterr()
    assert status == 1
    visible, hidden = raw_state(raw)
    assert visible == {}
    assert [h.split(".geojson")[0] for h in hidden] == [".quarantine/geo/b"]
    assert "no official download URL and no --mirror given" in captured.out
    assert "geo/b.geojson" in captured.err


# --- faults ------------------------------------------------------------------------------


def test_5xx_is_retried_then_verified(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "status", status=503, times=2)
    reg = registry(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, registry_path=reg, retries=2
    )
    assert status == 0
    assert server.hits("duo/vo/a.csv") == 3
    assert [s for p, s in server.log if p == "duo/vo/a.csv"] == [503, 503, 200]
    assert raw_state(tmp_path / "raw") == (expected(site), [])


def test_5xx_beyond_the_retries_fails_cleanly(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "status", status=500)
    reg = registry(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=True, registry_path=reg, retries=1
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
    reg = registry(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, registry_path=reg, retries=1
    )
    assert status == 0
    assert server.hits("duo/vo/a.csv") == 2
    assert raw_state(tmp_path / "raw") == (expected(site), [])


def test_truncated_body_always_leaves_nothing(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "truncate")
    reg = registry(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, registry_path=reg, **FAST
    )
    assert status == 1
    assert "transfer broken (incomplete body)" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"geo/b.geojson": sha(site["geo/b.geojson"])}, [])


def test_wrong_checksum_download_leaves_nothing(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "corrupt")
    reg = registry(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, registry_path=reg, **FAST
    )
    assert status == 1
    assert "checksum mismatch" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"geo/b.geojson": sha(site["geo/b.geojson"])}, [])


def test_wrong_checksum_in_mirror_folder_leaves_nothing(tmp_path, site, capsys):
    reg = registry(tmp_path, site)
    (tmp_path / "site/geo/b.geojson").write_bytes(b"{}")  # the mirror holds other bytes
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=str(tmp_path / "site"), allow_offline=False, registry_path=reg
    )
    assert status == 1
    assert "checksum mismatch: got 2 bytes" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"duo/vo/a.csv": sha(site["duo/vo/a.csv"])}, [])


def test_timeout_on_official_falls_back_to_mirror(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "delay", seconds=5)
    reg = registry(tmp_path, site, {"duo/vo/a.csv": [f"{server.url}/duo/vo/a.csv"]})
    status = fetch.run_fetch(
        tmp_path / "raw",
        mirror=str(tmp_path / "site"),
        allow_offline=False,
        registry_path=reg,
        official_timeout=0.3,
        retries=0,
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "timed out after 0.3 s" in out and "from mirror" in out
    assert raw_state(tmp_path / "raw") == (expected(site), [])


def test_timeout_everywhere_fails(tmp_path, site, server, capsys):
    server.fault("duo/vo/a.csv", "delay", seconds=5)
    reg = registry(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, registry_path=reg, **FAST
    )
    assert status == 1
    assert "timed out" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"geo/b.geojson": sha(site["geo/b.geojson"])}, [])


def test_404_is_not_retried(tmp_path, site, server, capsys):
    (tmp_path / "site/duo/vo/a.csv").unlink()
    reg = registry(tmp_path, site)
    status = fetch.run_fetch(
        tmp_path / "raw", mirror=server.url, allow_offline=False, registry_path=reg, retries=3
    )
    assert status == 1
    assert server.hits("duo/vo/a.csv") == 1
    assert "HTTP 404" in capsys.readouterr().out
    assert raw_state(tmp_path / "raw") == ({"geo/b.geojson": sha(site["geo/b.geojson"])}, [])


# --- offline -----------------------------------------------------------------------------


@pytest.mark.parametrize("mirror", [None, NOWHERE, "/nonexistent/mirror"])
def test_allow_offline_with_nothing_reachable(tmp_path, site, capsys, mirror):
    reg = registry(tmp_path, site, {"duo/vo/a.csv": [f"{NOWHERE}/a.csv"]})
    raw = tmp_path / "raw"
    assert fetch.run_fetch(raw, mirror=mirror, allow_offline=True, registry_path=reg) == 0
    captured = capsys.readouterr()
    assert "SYNTHETIC DEMO dataset" in captured.err
    assert "0 fetched, 2 failed" in captured.out
    assert raw_state(raw) == ({}, [])
    assert fetch.run_fetch(raw, mirror=mirror, allow_offline=False, registry_path=reg) == 1
    assert "SYNTHETIC DEMO" not in capsys.readouterr().err


def test_unreachable_host_is_tried_once_per_run(tmp_path, site, capsys):
    reg = registry(tmp_path, site)
    assert (
        fetch.run_fetch(tmp_path / "raw", mirror=NOWHERE, allow_offline=True, registry_path=reg)
        == 0
    )
    out = capsys.readouterr().out
    assert out.count("Connection refused (earlier in this run)") == 1


# --- robustness and configuration ------------------------------------------------------


def test_stale_staging_from_a_killed_run_is_removed(tmp_path, site):
    raw = tmp_path / "raw"
    (raw / fetch.STAGING_DIR / "duo/vo").mkdir(parents=True)
    (raw / fetch.STAGING_DIR / "duo/vo/a.csv").write_bytes(b"half")
    reg = registry(tmp_path, site)
    status = fetch.run_fetch(
        raw, mirror=str(tmp_path / "site"), allow_offline=False, registry_path=reg
    )
    assert status == 0
    assert raw_state(raw) == (expected(site), [])


def test_concurrent_fetch_is_refused(tmp_path, site):
    raw = tmp_path / "raw"
    raw.mkdir()
    reg = registry(tmp_path, site)
    with FileLock(raw / fetch.LOCK_FILE), pytest.raises(TechniekpactError, match="another"):
        fetch.run_fetch(raw, mirror=None, allow_offline=False, registry_path=reg)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sha256": "abc"}, "entry 1 (duo/vo/a.csv): sha256 must be 64 hex digits"),
        ({"path": "../escape.csv"}, "entry 1 (../escape.csv): path must be relative"),
        ({"path": ".hidden/a.csv"}, "hidden parts"),
        ({"size": "big"}, "size must be a byte count"),
        ({"urls": ["ftp://x/a.csv"]}, "urls must be a list of http(s) URLs"),
        ({"licence": None}, "missing ['licence']"),
        ({"path": "geo/b.geojson"}, "entry 2: path 'geo/b.geojson' is listed twice"),
    ],
)
def test_registry_errors_name_the_entry(tmp_path, site, change, message):
    reg = registry(tmp_path, site)
    doc = yaml.safe_load(reg.read_text())
    doc["files"][0].update(change)
    reg.write_text(yaml.safe_dump(doc))
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        fetch.load_registry(reg)
    assert str(reg) in str(info.value)


def test_cli_fetch_uses_the_registry(tmp_path, site, monkeypatch, capsys):
    monkeypatch.setattr(fetch, "REGISTRY_FILE", registry(tmp_path, site))
    raw = tmp_path / "raw"
    status = cli.main(["fetch", "--raw-dir", str(raw), "--mirror", str(tmp_path / "site")])
    assert status == 0
    assert raw_state(raw) == (expected(site), [])


# --- the real registry and the real files -----------------------------------------------


def _sources_md_checksums(shared: Path) -> dict[str, str]:
    text = (shared / "SOURCES.md").read_text(encoding="utf-8")
    block = text.split("## Checksums (sha256)", 1)[1]
    return {
        path.removeprefix("data/"): digest
        for digest, path in re.findall(r"^([0-9a-f]{64})\s+(\S+)$", block, flags=re.M)
    }


def test_registry_covers_every_shared_file_with_its_checksum(shared_data):
    listed = _sources_md_checksums(shared_data)
    entries = {e.path: e for e in fetch.load_registry(fetch.REGISTRY_FILE)}
    assert len(listed) == 24
    assert {p: e.sha256 for p, e in entries.items()} == listed
    for rel, entry in entries.items():
        data = (shared_data / rel).read_bytes()
        assert (len(data), sha(data)) == (entry.size, entry.sha256), rel
        assert entry.publisher and entry.dataset and entry.licence and entry.vintage
        assert entry.urls or "Mirror only" in entry.note, rel


def test_real_files_over_http(tmp_path, shared_data, capsys):
    doc = yaml.safe_load(fetch.REGISTRY_FILE.read_text(encoding="utf-8"))
    for item in doc["files"]:  # official URLs point nowhere: no test reaches the internet
        item["urls"] = [f"{NOWHERE}/{item['path']}" for _ in item.get("urls") or []]
    reg = tmp_path / "sources.yaml"
    reg.write_text(yaml.safe_dump(doc), encoding="utf-8")
    raw = tmp_path / "raw"
    with LoopbackServer(shared_data) as server:
        status = fetch.run_fetch(raw, mirror=server.url, allow_offline=False, registry_path=reg)
    assert status == 0
    want = _sources_md_checksums(shared_data)
    assert raw_state(raw) == (want, [])
    assert "0 already present, 24 fetched, 0 failed" in capsys.readouterr().out


def test_data_log_and_raw_readme_cover_the_registry():
    """The data log names every registered file and its checksum (in full or as a…b), and
    mentions no checksum that is not registered."""
    log = (paths.DOCS_DIR / "data-log.md").read_text(encoding="utf-8")
    full = set(re.findall(r"\b[0-9a-f]{64}\b", log))
    short = set(re.findall(r"\b([0-9a-f]{8})…([0-9a-f]{4})\b", log))
    entries = fetch.load_registry(fetch.REGISTRY_FILE)
    for entry in entries:
        assert entry.path in log, entry.path
        assert entry.sha256 in full or (entry.sha256[:8], entry.sha256[-4:]) in short, entry.path
    registered = {e.sha256 for e in entries}
    assert full <= registered
    assert short <= {(d[:8], d[-4:]) for d in registered}
    readme = (paths.PROJECT_ROOT / "data/raw/README.md").read_text(encoding="utf-8")
    assert "config/sources.yaml" in readme and fetch.QUARANTINE_DIR in readme
