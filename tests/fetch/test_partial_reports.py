"""``make reports`` when only some sources can be had: what is verified is built, and the
index page, the cover of every report and the console name the missing sources in Dutch.

The run is the one ``make reports`` makes (``fetch --allow-partial``, ``process``,
``reports``), against a CKAN stand-in that serves only dataset p02ho1ejrs and a mirror
without the ho folder. The expected missing files are derived here from the lock and the
mirror's layout, not from the code under test.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
from pathlib import Path

import pytest
from ckan_standin import CkanStandIn, offline_lock, serve_shared

from analysis import cli, fetch
from analysis.fetch.datasets import load_datasets

SERVED = {
    "duo/ho/hbo_eerstejaars_geslacht_2020-2024_nieuw-portaal.csv",
    "duo/ho/hbo_eerstejaars_opleiding_2020-2024_nieuw-portaal.csv",
}


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> dict:
    """One make-reports-like run; its folders, console output and the expected gaps."""
    root = tmp_path_factory.mktemp("partial")
    lock = offline_lock(root / "data-lock.yaml")
    entries = fetch.load_lock(lock).entries
    mirror = root / "mirror"
    for sub in ("cbs", "geo", "duo/vo", "duo/mbo"):
        (mirror / sub).parent.mkdir(parents=True, exist_ok=True)
        (mirror / sub).symlink_to(shared_data / sub)
    raw, processed, reports = root / "raw", root / "processed", root / "reports"
    fetch_args = ["--lock", str(lock), "--raw-dir", str(raw), "--mirror", str(mirror)]
    console: dict[str, io.StringIO] = {
        step: io.StringIO() for step in ("fetch", "process", "reports")
    }
    with CkanStandIn() as portal:
        serve_shared(portal, shared_data, {"p02ho1ejrs"})
        fetch_args += ["--duo-portal", portal.url]
        strict = cli.main(["fetch", *fetch_args])  # make data
        with contextlib.redirect_stderr(console["fetch"]):
            lenient = cli.main(["fetch", *fetch_args, "--allow-partial"])  # make reports
    with contextlib.redirect_stderr(console["process"]):
        processed_status = cli.main(
            ["process", "--raw-dir", str(raw), "--processed-dir", str(processed)]
        )
    with contextlib.redirect_stderr(console["reports"]):
        reports_status = cli.main(
        [
            "reports", "--level", "provincie", "--region", "Utrecht", "--format", "html",
            "--jobs", "1", "--processed-dir", str(processed), "--reports-dir", str(reports),
        ]
        )  # fmt: skip
    config = load_datasets()
    missing = [e for e in entries if e.path.startswith("duo/ho/") and e.path not in SERVED]
    return {
        "statuses": (strict, lenient, processed_status, reports_status),
        "raw": raw,
        "processed": processed,
        "reports": reports,
        "missing": sorted(e.path for e in missing),
        "titles": {config.datasets[e.dataset].title for e in missing},
        "console": {step: out.getvalue() for step, out in console.items()},
    }


@pytest.mark.realdata
def test_make_data_fails_loudly_make_reports_goes_on(partial: dict) -> None:
    strict, lenient, processed_status, reports_status = partial["statuses"]
    assert strict == 1  # `make data` on a partial fetch
    assert (lenient, processed_status, reports_status) == (0, 0, 0)


@pytest.mark.realdata
def test_the_manifest_lists_the_missing_sources(partial: dict) -> None:
    manifest = json.loads((partial["processed"] / "manifest.json").read_text())
    assert sorted(m["path"] for m in manifest["missing_sources"]) == partial["missing"]
    used = {m["path"] for m in manifest["inputs"]}
    assert used.isdisjoint(partial["missing"]) and used >= SERVED


@pytest.mark.realdata
def test_index_and_cover_name_the_missing_sources_in_dutch(partial: dict) -> None:
    index = (partial["reports"] / "index.html").read_text(encoding="utf-8")
    report = next(partial["reports"].glob("*/*.html"))  # a report, not the index or methodology
    cover = report.read_text(encoding="utf-8").split('<section class="cover">', 1)[1]
    cover = cover.split("</section>", 1)[0]
    for page in (index, cover):
        assert "Let op: niet alle bronnen waren beschikbaar." in page
        for title in partial["titles"]:
            assert html.escape(title) in page, title
    assert "demo-banner" not in cover  # real data, only some of it


@pytest.mark.realdata
def test_the_console_names_the_missing_sources_at_every_step(partial: dict) -> None:
    fetch_err = partial["console"]["fetch"]
    assert f"{len(partial['missing'])} of 24 locked files could not be obtained" in fetch_err
    assert "Ontbrekende bronnen: " in fetch_err
    for step in ("process", "reports"):
        assert "Let op: niet alle bronnen waren beschikbaar." in partial["console"][step], step
    for title in partial["titles"]:
        for step, text in partial["console"].items():
            assert title in text, (step, title)


def test_no_missing_sources_no_note() -> None:
    from analysis.present.missing import missing_sources_note

    assert missing_sources_note({"missing_sources": []}) == ""
    assert missing_sources_note({}) == ""
    note = missing_sources_note(
        {"missing_sources": [{"title": "A (DUO), 2020"}, {"title": "A (DUO), 2020"}, {"path": "x"}]}
    )
    assert note.count("A (DUO), 2020") == 1 and "zonder A (DUO), 2020; x." in note
