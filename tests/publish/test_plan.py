"""The batch plan: safe slugs, formats, the code fingerprint and key files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis import paths, provenance
from analysis.publish import plan


def test_slugs_are_safe_file_names() -> None:
    assert plan.slugify("Fryslân") == "fryslan"
    assert plan.slugify("Noord-Holland") == "noord-holland"
    assert plan.slugify("../../etc/passwd") == "etc-passwd"
    assert re.fullmatch(r"region-[0-9a-f]{10}", plan.slugify("???"))


def test_two_regions_with_one_slug_are_an_error() -> None:
    regions = [plan.Region("corop", "Den Haag"), plan.Region("corop", "Den-Haag")]
    with pytest.raises(plan.ReportRequestError, match="would both be written as 'den-haag'"):
        plan.make_jobs(regions, ("html",))


def test_formats_are_validated() -> None:
    assert plan.parse_formats(["pdf", "html"]) == ("html", "pdf")
    with pytest.raises(plan.ReportRequestError, match="docx"):
        plan.parse_formats(["html", "docx"])


def test_code_fingerprint_follows_source_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "tpl").mkdir()
    module = tmp_path / "pkg" / "m.py"
    module.write_text("x = 1\n")
    (tmp_path / "tpl" / "report.css").write_text("p {}\n")
    monkeypatch.setattr(provenance, "PACKAGE_DIR", tmp_path / "pkg")
    monkeypatch.setattr(plan, "TEMPLATES_DIR", tmp_path / "tpl")
    before = plan.code_fingerprint()["source_sha256"]
    assert plan.code_fingerprint()["source_sha256"] == before
    module.write_text("x = 2\n")
    after_code = plan.code_fingerprint()["source_sha256"]
    (tmp_path / "tpl" / "report.css").write_text("p { color: red }\n")
    after_css = plan.code_fingerprint()["source_sha256"]
    assert len({before, after_code, after_css}) == 3


def test_key_file_is_invalid_when_an_output_went_missing(tmp_path: Path) -> None:
    job = plan.make_jobs([plan.Region("provincie", "Utrecht")], ("html",))[0]
    job.key = "k"
    for suffix in (".html", ".ipynb"):
        path = job.path(tmp_path, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    job.path(tmp_path, ".key.json").write_text(plan.key_record(job, tmp_path, "now"))
    assert plan.is_current(job, tmp_path)
    job.path(tmp_path, ".html").unlink()
    assert not plan.is_current(job, tmp_path)
    assert json.loads(job.path(tmp_path, ".key.json").read_text())["key"] == "k"


def test_level_all_leaves_out_gemeenten_unless_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis import municipal

    regions = [
        plan.Region("provincie", "Utrecht", "PV26"),
        plan.Region("gemeente", "Utrecht", "GM0344"),
        plan.Region("gemeente", "Zeist", "GM0355"),
    ]
    assert [r.level for r in plan.select_regions(regions, "all", [])] == ["provincie"]
    assert len(plan.select_regions(regions, "gemeente", [])) == 2
    settings = (paths.CONFIG_DIR / municipal.CONFIG_NAME).read_text(encoding="utf-8")
    changed = tmp_path / "gemeenten.yaml"
    changed.write_text(
        settings.replace("in_all_reports: false", "in_all_reports: true"), encoding="utf-8"
    )
    real_load = municipal.load_settings
    monkeypatch.setattr(municipal, "load_settings", lambda path=changed: real_load(path))
    assert len(plan.select_regions(regions, "all", [])) == 3
