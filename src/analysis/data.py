"""The processed store as notebooks and reports read it: loaded once per kernel, and the
one ``Region`` (a report's region, a batch's job).

Cheap to import (no pandas until something is loaded): the report batch reads its
regions with ``Region`` before it knows whether anything needs building.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import paths
from analysis.errors import TechniekpactError
from analysis.suggest import did_you_mean, fold, match

if TYPE_CHECKING:
    import pandas as pd

    from analysis.indicators.rules import IndicatorConfig

PROCESSED_FILES = (
    paths.INDICATORS_FILE,
    paths.DERIVED_FILE,
    paths.REGIONS_FILE,
    paths.MANIFEST_FILE,
)


class ReportParameterError(TechniekpactError):
    """A report parameter (region level, region, folder, date) that does not fit the data."""


@dataclass(frozen=True)
class ProcessedData:
    """The tables of one processed folder, read once per kernel (and kept between regions)."""

    path: Path
    indicators: pd.DataFrame
    derived: pd.DataFrame
    regions: pd.DataFrame
    manifest: dict
    manifest_sha256: str = ""
    # (indicator, gender, region_code) -> that series' rows by year; built on first use.
    _series: dict = field(default_factory=dict, repr=False, compare=False)
    _frames: dict = field(default_factory=dict, repr=False, compare=False)
    # (indicator, region_code) -> derived rows of gender totaal; built on first use.
    _derived: dict = field(default_factory=dict, repr=False, compare=False)
    _derived_rows: dict = field(default_factory=dict, repr=False, compare=False)
    # (indicator, region_level, year) -> rows of gender totaal / unranked region codes.
    _levels: dict = field(default_factory=dict, repr=False, compare=False)
    _unranked: dict = field(default_factory=dict, repr=False, compare=False)

    def series(self, indicator: str, gender: str, region_code: str) -> pd.DataFrame:
        """One indicator x gender x region, by year: a dict lookup instead of a table scan."""
        self._by_year()
        key = (indicator, gender, region_code)
        return self._rows(key, self._series.get(key))

    def _by_year(self) -> pd.DataFrame:
        """The indicator table by year, its text as Python strings, with the positions of
        each series (built on first use)."""
        if not self._series:
            table = _python_strings(
                self.indicators.sort_values("year", kind="stable").reset_index(drop=True)
            )
            groups = table.groupby(["indicator", "gender", "region_code"], sort=False).indices
            self._series.update({tuple(map(str, k)): idx for k, idx in groups.items()})
            self._series[None] = table
        return self._series[None]

    def _rows(self, key: tuple, positions: Any) -> pd.DataFrame:
        """The rows at ``positions`` of ``_by_year`` (none when None): taken once, then shared
        by the sections and the next regions."""
        frame = self._frames.get(key)
        if frame is None:
            table = self._by_year()
            frame = table.take(positions) if positions is not None else table.iloc[0:0]
            self._frames[key] = frame
        return frame

    def level_rows(self, indicator: str, region_level: str, year: int) -> pd.DataFrame:
        """Every region's row of one indicator (gender totaal) at a level in a year, in the
        table's order: a look-up shared by the reports of a batch, not a scan of the table."""
        if not self._levels:
            table = self._by_year()
            positions = table.index[(table["gender"] == "totaal").to_numpy(bool)]
            totaal = table.take(positions)
            groups = totaal.groupby(["indicator", "region_level", "year"], sort=False).indices
            self._levels.update({tuple(map(str, k)): positions[i] for k, i in groups.items()})
        key = (indicator, region_level, str(year))
        return self._rows(("level", *key), self._levels.get(key))

    def unranked_codes(self, indicator: str, region_level: str, year: int) -> frozenset[str]:
        """The regions of a level that are not ranked in a year: too small or without the
        programme (derived measures, gender totaal)."""
        if not self._unranked:
            table = self.derived
            flagged = table[
                (table["gender"] == "totaal")
                & (table["too_small"].fillna(False) | table["no_programme"].fillna(False))
            ]
            columns = ["indicator", "region_level", "year"]
            for k, rows in flagged.groupby(columns, sort=False)["region_code"]:
                self._unranked[tuple(map(str, k))] = frozenset(rows)
            self._unranked[None] = frozenset()
        return self._unranked.get((indicator, region_level, str(year)), self._unranked[None])

    def derived_row(self, indicator: str, region_code: str, year: int) -> pd.Series | None:
        """The derived measures (gender totaal) of one indicator, region and year, if any."""
        if not self._derived:
            table = self.derived[self.derived["gender"] == "totaal"].reset_index(drop=True)
            groups = table.groupby(["indicator", "region_code", "year"], sort=False).indices
            self._derived.update({tuple(map(str, k)): idx for k, idx in groups.items()})
            self._derived[None] = table
        key = (indicator, region_code, str(year))
        if key not in self._derived_rows:  # one row by position: a tenth of a ``take``
            positions = self._derived.get(key)
            found = positions is not None and len(positions)
            self._derived_rows[key] = self._derived[None].iloc[int(positions[0])] if found else None
        return self._derived_rows[key]


def _python_strings(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its text columns held as Python strings instead of Arrow: the same
    values, but taking a few rows (a series) and filtering them cost a tenth and half."""
    import pandas as pd

    python = pd.StringDtype("python")
    return table.astype(
        {c: python for c, dtype in table.dtypes.items() if isinstance(dtype, pd.StringDtype)}
    )


@dataclass(frozen=True)
class Region:
    """A region as regions.parquet names it: the report's region, or one a batch builds."""

    level: str
    name: str
    code: str | None = None
    landsdeel: str | None = None

    @property
    def national(self) -> bool:
        return self.level == "nederland"


@dataclass(frozen=True)
class ReportContext:
    """Everything a section needs: the data, the region, the indicator config, the date."""

    data: ProcessedData
    region: Region
    config: IndicatorConfig
    generated_on: date
    parameters: dict[str, str]
    _scorecard: list = field(default_factory=list, repr=False, compare=False)

    def series(
        self, indicator: str, *, gender: str = "totaal", region_code: str | None = None
    ) -> pd.DataFrame:
        """One region's rows of one indicator and gender, by year (the report's region)."""
        return self.data.series(indicator, gender, region_code or self.region.code)

    def latest(self, indicator: str) -> pd.Series | None:
        """The region's most recent row with a share of ``indicator`` (totaal), if any."""
        series = self.series(indicator)
        series = series[series["share"].notna()]
        return series.iloc[-1] if len(series) else None

    def main_indicators(self, levels: Iterable[str] | None = None) -> list[str]:
        """Configured indicators without a parent, in file order (optionally per school level).

        Variants (``variant_of``: the CROHO-only HO definitions) are no main indicators.
        """
        wanted = set(levels) if levels is not None else None
        return [
            ind.id
            for ind in self.config.indicators.values()
            if ind.parent is None
            and ind.variant_of is None
            and (wanted is None or ind.level in wanted)
        ]


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and mtime of each file: a changed file invalidates the cached load."""
    out = []
    for name in PROCESSED_FILES:
        path = folder / name
        if not path.is_file():
            raise ReportParameterError(
                f"processed_dir {folder}: {name} is missing (run `techniekpact process` first)"
            )
        stat = path.stat()
        out.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def load_processed(processed_dir: str | Path) -> ProcessedData:
    """Read the processed folder's tables (cached per folder and file version)."""
    folder = Path(processed_dir).expanduser().resolve()
    if not folder.is_dir():
        raise ReportParameterError(f"processed_dir {folder} is not a folder")
    return _load(folder, _stamp(folder))


@lru_cache(maxsize=4)
def _load(folder: Path, _stamp: tuple) -> ProcessedData:
    import pandas as pd

    manifest_path = folder / paths.MANIFEST_FILE
    raw = manifest_path.read_bytes()
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise ReportParameterError(f"{manifest_path}: not valid JSON ({exc})") from exc
    return ProcessedData(
        path=folder,
        indicators=pd.read_parquet(folder / paths.INDICATORS_FILE),
        derived=pd.read_parquet(folder / paths.DERIVED_FILE),
        regions=pd.read_parquet(folder / paths.REGIONS_FILE),
        manifest=manifest,
        manifest_sha256=hashlib.sha256(raw).hexdigest(),
    )


def match_level(table: pd.DataFrame, region_level: str, where: object = "") -> str:
    """The level ``region_level`` means (case and accents aside); an error with the levels."""
    levels = table["region_level"].dropna().unique().tolist()
    level = match(str(region_level), levels)
    if level is None:
        raise ReportParameterError(
            f"unknown region_level {region_level!r}{f' in {where}' if where else ''} "
            f"(known: {', '.join(sorted(levels))}){did_you_mean(region_level, levels)}"
        )
    return level


def match_region(table: pd.DataFrame, region_level: str, region: str) -> pd.Series:
    """The region table's row of ``region`` at ``region_level`` (case and accents aside).

    A name that exists at other levels says which, instead of suggesting look-alikes.
    """
    at_level = table[table["region_level"] == region_level]
    name = match(str(region), at_level["region"].tolist())
    if name is None:
        key = fold(region)
        elsewhere = sorted(set(table.loc[table["region"].map(fold) == key, "region_level"]))
        hint = (
            f" (it exists at level: {', '.join(elsewhere)})"
            if elsewhere
            else did_you_mean(region, at_level["region"])
        )
        raise ReportParameterError(f"unknown region {region!r} at level {region_level!r}{hint}")
    return at_level[at_level["region"] == name].iloc[0]


def resolve_region(data: ProcessedData, region_level: str, region: str) -> Region:
    """The region named by the report parameters; a clear error with close matches if none."""
    import pandas as pd

    level = match_level(data.regions, region_level, data.path / paths.REGIONS_FILE)
    row = match_region(data.regions, level, region)
    landsdeel = row["landsdeel"]
    return Region(
        level=level,
        name=str(row["region"]),
        code=str(row["region_code"]),
        landsdeel=None if pd.isna(landsdeel) or level == "landsdeel" else str(landsdeel),
    )


def context(
    processed_dir: str | Path, region_level: str, region: str, generated_on: str = ""
) -> ReportContext:
    """Load the data and check the notebook parameters; the first thing the notebook does."""
    data = load_processed(processed_dir)
    try:
        day = date.fromisoformat(generated_on) if generated_on else date.today()
    except ValueError as exc:
        raise ReportParameterError(
            f"generated_on {generated_on!r} is not an ISO date (expected e.g. 2025-06-30)"
        ) from exc
    return ReportContext(
        data=data,
        region=resolve_region(data, region_level, region),
        config=_indicator_config(paths.INDICATORS_CONFIG),
        generated_on=day,
        parameters={
            "region_level": region_level,
            "region": region,
            "processed_dir": str(processed_dir),
            "generated_on": generated_on,
        },
    )


def _indicator_config(path: Path) -> IndicatorConfig:
    """The indicator configuration, parsed again only when the file changed."""
    from analysis.indicators.engine import load_indicator_config

    try:
        stat = path.stat()
    except OSError:
        return load_indicator_config(path)  # says clearly what is wrong with the file
    return _parsed_config(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=2)
def _parsed_config(path: Path, _mtime_ns: int, _size: int) -> IndicatorConfig:
    from analysis.indicators.engine import load_indicator_config

    return load_indicator_config(path)
