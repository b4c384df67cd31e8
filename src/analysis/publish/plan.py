"""What a report batch must build: regions, output paths and the keys that make it incremental.

Everything here is cheap on purpose (stdlib + pyarrow only): a batch where nothing changed
decides that from this module alone and never imports papermill, nbconvert or pandas.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from analysis import municipal, paths
from analysis.data import Region
from analysis.errors import TechniekpactError
from analysis.provenance import git_commit, sha256_file, source_fingerprint
from analysis.suggest import did_you_mean, match

FORMATS = ("html", "pdf")
KEY_VERSION = 1
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


class ReportRequestError(TechniekpactError):
    """A report request naming a level, region or format that does not exist."""


@dataclass
class ReportJob:
    """One region's report: its parameters (data for papermill), outputs and input key."""

    region: Region
    level_slug: str
    slug: str
    formats: tuple[str, ...]
    key: str = ""
    key_parts: dict = field(default_factory=dict)

    def path(self, reports_dir: Path, suffix: str) -> Path:
        """Output path of this report with ``suffix`` ('.html', '.pdf', '.ipynb', '.key.json')."""
        return reports_dir / self.level_slug / f"{self.slug}{suffix}"

    @property
    def label(self) -> str:
        """How messages name this report: 'provincie/Utrecht'."""
        return f"{self.region.level}/{self.region.name}"


def slugify(name: str) -> str:
    """A file-name-safe slug: ascii letters, digits and hyphens ('Fryslân' -> 'fryslan').

    Region names are data; they never become paths themselves, so '../../etc/passwd'
    becomes 'etc-passwd' inside the level folder.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "region-" + hashlib.sha256(name.encode()).hexdigest()[:10]


def parse_formats(formats: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Validate the requested formats; keep a stable order."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ReportRequestError(
            f"unknown report format(s) {unknown or formats!r}: expected a comma-separated "
            f"subset of {', '.join(FORMATS)}"
        )
    return tuple(f for f in FORMATS if f in formats)


def read_regions(processed_dir: Path) -> list[Region]:
    """The regions in ``processed_dir``/regions.parquet (pyarrow only, no pandas)."""
    import pyarrow.parquet as pq

    source = processed_dir / paths.REGIONS_FILE
    if not source.is_file():
        raise ReportRequestError(
            f"{source}: no region table; run `techniekpact process` first (it writes "
            f"{paths.REGIONS_FILE} with the processed store)"
        )
    parquet = pq.ParquetFile(source)
    names = set(parquet.schema_arrow.names)
    missing = {"region_level", "region"} - names
    if missing:
        raise ReportRequestError(f"{source}: missing column(s) {sorted(missing)}")
    wanted = [c for c in ("region_level", "region", "region_code", "landsdeel") if c in names]
    # use_pandas_metadata=False: pyarrow would otherwise import pandas (~1 s) just to read it.
    rows = parquet.read(columns=wanted, use_pandas_metadata=False).to_pylist()
    return [
        Region(r["region_level"], r["region"], r.get("region_code"), r.get("landsdeel"))
        for r in rows
        if r["region_level"] and r["region"]
    ]


def select_regions(all_regions: list[Region], level: str, names: list[str]) -> list[Region]:
    """The regions a request means; unknown levels or names fail with close matches."""
    levels = list(dict.fromkeys(r.level for r in all_regions))
    level = match(level, [*levels, "all"]) or level  # --level Provincie, --region utrecht
    if level != "all" and level not in levels:
        raise ReportRequestError(
            f"unknown region level {level!r}{did_you_mean(level, levels, quoted=True)}; "
            f"known levels: {', '.join(levels)} (or 'all')"
        )
    pool = [r for r in all_regions if level in ("all", r.level)]
    if level == "all" and not municipal.load_settings().in_all_reports:
        pool = [r for r in pool if r.level != municipal.LEVEL]  # 342 reports: on request
    if not names:
        return pool
    chosen: list[Region] = []
    for name in names:
        name = match(name, [r.name for r in pool]) or name
        matches = [r for r in pool if r.name == name]
        if not matches:
            scope = "any level" if level == "all" else f"level {level!r}"
            candidates = sorted({r.name for r in pool})
            raise ReportRequestError(
                f"unknown region {name!r} at {scope}{did_you_mean(name, candidates, quoted=True)}"
            )
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def make_jobs(regions: list[Region], formats: tuple[str, ...]) -> list[ReportJob]:
    """One job per region; two regions whose names share a slug in one level is an error."""
    jobs: list[ReportJob] = []
    seen: dict[tuple[str, str], str] = {}
    for region in regions:
        job = ReportJob(region, slugify(region.level), slugify(region.name), formats)
        other = seen.setdefault((job.level_slug, job.slug), region.name)
        if other != region.name:
            raise ReportRequestError(
                f"regions {other!r} and {region.name!r} at level {region.level!r} would both be "
                f"written as {job.slug!r}; rename one in config/regions.yaml"
            )
        jobs.append(job)
    return jobs


def data_fingerprint(processed_dir: Path, manifest: dict) -> dict[str, str]:
    """The processed data's checksums: every output named in the manifest, and the manifest."""
    outputs = manifest.get("outputs") or {}
    checksums = {name: str(entry.get("sha256")) for name, entry in sorted(outputs.items())}
    checksums["manifest.json"] = sha256_file(processed_dir / paths.MANIFEST_FILE)
    return checksums


def code_fingerprint() -> dict[str, str]:
    """The code version: git commit and a hash of the package, templates and configuration."""
    templates = (p for p in TEMPLATES_DIR.rglob("*") if p.is_file())
    return {"git_commit": git_commit(), "source_sha256": source_fingerprint(templates)}


def assign_keys(
    jobs: list[ReportJob], notebook: Path, data: dict[str, str], code: dict[str, str]
) -> None:
    """Set each job's input key.

    The generation date is left out on purpose: a report whose inputs did not change is
    still valid, and it keeps the date on which it was actually made.
    """
    notebook_sha = sha256_file(notebook)
    for job in jobs:
        job.key_parts = {
            "key_version": KEY_VERSION,
            "notebook_sha256": notebook_sha,
            "parameters": {"region_level": job.region.level, "region": job.region.name},
            "data": data,
            "code": code,
            "formats": list(job.formats),
        }
        payload = json.dumps(job.key_parts, sort_keys=True, ensure_ascii=False)
        job.key = hashlib.sha256(payload.encode()).hexdigest()


def add_key_part(job: ReportJob, name: str, value: object) -> None:
    """Add one input to a job's key (e.g. the region's own text) and recompute the key."""
    job.key_parts[name] = value
    payload = json.dumps(job.key_parts, sort_keys=True, ensure_ascii=False)
    job.key = hashlib.sha256(payload.encode()).hexdigest()


def is_current(job: ReportJob, reports_dir: Path) -> bool:
    """True when the stored key matches and every output it recorded is still in place."""
    key_file = job.path(reports_dir, ".key.json")
    try:
        stored = json.loads(key_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stored.get("key") != job.key:
        return False
    recorded = stored.get("outputs", {})
    for suffix in [f".{f}" for f in job.formats] + [".ipynb"]:
        target = job.path(reports_dir, suffix)
        entry = recorded.get(suffix)
        if entry is None or not target.is_file() or target.stat().st_size != entry.get("bytes"):
            return False
    return True


def key_record(job: ReportJob, reports_dir: Path, built: str) -> str:
    """The key file's content: the key, what went into it, and the outputs it vouches for."""
    outputs = {}
    for suffix in [f".{f}" for f in job.formats] + [".ipynb"]:
        target = job.path(reports_dir, suffix)
        outputs[suffix] = {"path": target.name, "bytes": target.stat().st_size}
    record = {"key": job.key, "built": built, "inputs": job.key_parts, "outputs": outputs}
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
