"""One count per population: which files the indicators count where releases or cuts overlap.

The store keeps every file's rows. A *population* is (dataset, measure, level, year): the
students one figure describes. Two files can describe the same population in two ways:

* **Releases.** DUO republishes a dataset every year, and the new portal republished the
  old portal's. Where two releases cover a year, the newest is counted for that year and
  the older one's rows for that year get ``superseded_by`` (they stay in the store).
  Newest is decided from the content, in this order: the release whose years run later
  (a release 2015-2019 is newer than 2014-2018); with the same last year, the new portal's
  long layout (onderwijsdata.duo.nl, an extraction made after the old portal's files).
  Two releases that neither rule orders and whose figures differ are an error: nothing
  says which one is right.
* **Cuts.** The new portal publishes one release as several cross-tabulations (by gender,
  by programme, ...; ``analysis.store.schema.CUTS``). They describe the same students: all are
  kept, and each indicator counts one cut per year (``analysis.indicators.engine``).

Two files about one population must agree up to a revision: DUO's revisions move a
national total by tenths of a percent, suppression (1..4 per hidden cell) by less. Files
further apart than ``max_revision`` (config/indicators.yaml) are not two versions of one
count (one doubles the other, or one is partial) and stop processing with both named.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.errors import DataError
from analysis.store.schema import CUTS

POPULATION = ["dataset", "measure", "level", "year"]
# Release formats of DUO's new portal: with the same years, a later extraction than the old
# portal's layouts (the old portal's files were frozen when DUO moved to onderwijsdata.duo.nl).
NEW_PORTAL_RELEASES = frozenset({"duo_ho_long_ckan"})
SUPPRESSED_LOW, SUPPRESSED_HIGH = 1, 4  # a suppressed cell holds 1..4


@dataclass(frozen=True)
class Overlap:
    """Two or more files about one population, and which of them the indicators count."""

    # 'release': ``other`` is an older release, kept out; 'duplicate': ``other`` repeats a
    # counted file (same release and cut), kept out; 'cut': ``other`` is another cut of the
    # counted release, kept in the store for the indicators that need it.
    kind: str
    dataset: str
    measure: str
    level: str
    year: int
    used: tuple[str, ...]  # the files of the counted release (all its cuts)
    other: str
    used_known: int  # known counts of the counted release (its first cut in CUTS order)
    used_suppressed: int  # its suppressed cells
    other_known: int  # the same for ``other``
    other_suppressed: int
    decided_by: str  # why ``used`` was chosen, in words

    @property
    def kept_out(self) -> bool:
        """Whether ``other`` is kept out of every indicator for this population."""
        return self.kind != "cut"

    @property
    def revision(self) -> float | None:
        """Relative change of the known total from the file kept out to the file used."""
        if not self.other_known:
            return None
        return (self.used_known - self.other_known) / self.other_known

    def as_dict(self) -> dict:
        """The manifest entry."""
        return {**asdict(self), "kept_out": self.kept_out, "revision": self.revision}


def _groups(store: pd.DataFrame) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Each row's (file, population) group, and the first row of every group.

    Integer codes and one ``np.unique``: a groupby on five text columns of the whole store
    took a second; this takes a few hundredths.
    """
    key = np.zeros(len(store), dtype=np.int64)
    for column in ["source_file", *POPULATION]:
        codes, uniques = pd.factorize(store[column], use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    return group.ravel(), first


def file_totals(store: pd.DataFrame) -> tuple[pd.DataFrame, npt.NDArray[np.intp]]:
    """Known count and suppressed cells per file and population, counted once per file;
    and each store row's position in that table.

    Within a file the published TOTAAL cells are the total where the file has them for the
    year (mbo, vo); else men + women + unknown. Each row also gets the file's release, cut
    and first/last year.
    """
    group, first = _groups(store)
    n = len(first)
    totaal = (store["gender"] == "totaal").fillna(False).to_numpy(bool)
    has_total = np.bincount(group, weights=totaal, minlength=n) > 0
    counted = np.where(has_total[group], totaal, ~totaal)
    suppressed = store["suppressed"].to_numpy(dtype=bool, na_value=False)
    count = store["count"].to_numpy(dtype="float64", na_value=0.0)
    heads = store.iloc[first]
    totals = pd.DataFrame(
        {
            "source_file": heads["source_file"].astype("string").fillna("").to_numpy(),
            **{c: heads[c].to_numpy() for c in POPULATION},
            "release": heads["release"].astype("string").fillna("").to_numpy(),
            "cut": heads["cut"].astype("string").fillna("full").to_numpy(),
            "known": np.bincount(group, weights=count * (counted & ~suppressed), minlength=n)
            .round()
            .astype("int64"),
            "suppressed": np.bincount(group, weights=counted & suppressed, minlength=n).astype(
                "int64"
            ),
        }
    )
    span = totals.groupby("source_file")["year"].agg(first_year="min", last_year="max")
    totals = totals.join(span, on="source_file")
    return totals, group


def resolve(store: pd.DataFrame, max_revision: float) -> tuple[pd.Series, list[Overlap]]:
    """``superseded_by`` for every store row (<NA> where it counts) and every overlap found.

    A DataError names both files when two files about one population are not versions of
    one count, or when two releases cannot be ordered.
    """
    totals, group = file_totals(store)
    shared = totals.groupby(POPULATION)["source_file"].transform("nunique") > 1
    overlaps: list[Overlap] = []
    by = pd.Series(pd.NA, index=totals.index, dtype="string")
    for key, files in totals[shared].groupby(POPULATION, sort=True):
        population = dict(zip(POPULATION, key, strict=True))
        population["year"] = int(population["year"])
        found, kept_out = _resolve_population(population, files, max_revision)
        overlaps.extend(found)
        for position, used in kept_out.items():
            by.iloc[position] = used
    superseded = pd.Series(by.to_numpy()[group], index=store.index, dtype="string")
    return superseded, overlaps


def _release_order(release: pd.Series) -> tuple[int, int]:
    """Newness of a release: (last year, new portal)."""
    return int(release["last_year"]), int(release["release"] in NEW_PORTAL_RELEASES)


def _resolve_population(
    population: dict, group: pd.DataFrame, max_revision: float
) -> tuple[list[Overlap], dict[int, str]]:
    """Overlaps of one population; the files kept out (position in the totals table ->
    the file or files counted instead)."""
    cut_rank = {cut: i for i, cut in enumerate(CUTS)}
    group = group.assign(_cut=group["cut"].map(cut_rank)).sort_values(["_cut", "source_file"])
    releases = [
        files for _, files in group.groupby(["release", "first_year", "last_year"], sort=False)
    ]
    releases.sort(key=lambda files: _release_order(files.iloc[0]), reverse=True)
    newest, older = releases[0], releases[1:]
    overlaps: list[Overlap] = []
    kept_out: dict[int, str] = {}
    repeated = newest["cut"].duplicated()
    counted = newest[~repeated]
    used = tuple(counted["source_file"])
    main = counted.iloc[0]
    for _, again in newest[repeated].iterrows():  # the same release and cut twice: count one
        first = counted[counted["cut"] == again["cut"]].iloc[0]
        if (first["known"], first["suppressed"]) != (again["known"], again["suppressed"]):
            raise _undecidable(population, first, again)
        decided = "the same release and cut twice; the first file by name is counted"
        overlaps.append(_overlap("duplicate", population, used, first, again, decided))
        kept_out[again.name] = str(first["source_file"])
    for _, cut in counted.iloc[1:].iterrows():
        _check_agree(population, main, cut, max_revision, "two cuts of one release")
        decided = "cuts of one release: each indicator counts one of them (see indicator_cuts)"
        overlaps.append(_overlap("cut", population, used, main, cut, decided))
    for files in older:
        other = files.iloc[0]
        decided = _why_newer(population, main, other)
        _check_agree(population, main, other, max_revision, "two releases")
        for _, file in files.iterrows():
            overlaps.append(_overlap("release", population, used, main, file, decided))
            kept_out[file.name] = ", ".join(used)
    return overlaps, kept_out


def _why_newer(population: dict, main: pd.Series, other: pd.Series) -> str:
    """Why ``main``'s release is counted rather than ``other``'s, in words; or an error."""
    if other["last_year"] < main["last_year"]:
        return (
            f"newest release: its years run to {main['last_year']}, the other's to "
            f"{other['last_year']}"
        )
    if _release_order(other) != _release_order(main):
        return (
            f"newest release: both run to {main['last_year']}; the new portal's layout "
            "(onderwijsdata.duo.nl) is a later extraction than the old portal's"
        )
    if (other["known"], other["suppressed"]) != (main["known"], main["suppressed"]):
        raise _undecidable(population, main, other)
    return "identical figures, same years and layout; the first file by name is counted"


def _undecidable(population: dict, main: pd.Series, other: pd.Series) -> DataError:
    """Two releases in the same layout, ending in the same year, with different figures."""
    return DataError(
        Path(main["source_file"]),
        f"and {other['source_file']} are two releases of {_name(population)} that both end "
        f"in {main['last_year']} in the same layout but differ in {population['year']} "
        f"({main['known']:,} against {other['known']:,} known); which one is newer cannot be "
        "told from their content",
        expected="one of the two files (remove the older release)",
    )


def _bounds(total: pd.Series) -> tuple[int, int]:
    """The range a file's total can hold: known + 1..4 per suppressed cell."""
    known, hidden = int(total["known"]), int(total["suppressed"])
    return known + SUPPRESSED_LOW * hidden, known + SUPPRESSED_HIGH * hidden


def _check_agree(
    population: dict, used: pd.Series, other: pd.Series, max_revision: float, what: str
) -> None:
    """Two files about one population differ by at most a revision, beyond suppression."""
    (low_a, high_a), (low_b, high_b) = _bounds(used), _bounds(other)
    gap = max(0, low_a - high_b, low_b - high_a)
    largest = max(high_a, high_b)
    if largest and gap / largest > max_revision:
        ratio = f"{used['known'] / other['known']:.2f}x" if other["known"] else "n/a"
        raise DataError(
            Path(used["source_file"]),
            f"and {other['source_file']} ({what}) disagree about {_name(population)} "
            f"{population['year']}: {used['known']:,} against {other['known']:,} known "
            f"({ratio}); a revision moves a total by at most {max_revision:.0%}. Is one of them "
            "a doubled, partial or different count?",
            expected="files that describe the same students (remove the wrong one)",
        )


def _name(population: dict) -> str:
    return f"{population['dataset']} ({population['measure']}, {population['level']})"


def _overlap(
    kind: str,
    population: dict,
    used: tuple[str, ...],
    main: pd.Series,
    other: pd.Series,
    decided: str,
) -> Overlap:
    return Overlap(
        kind=kind,
        **population,
        used=used,
        other=str(other["source_file"]),
        used_known=int(main["known"]),
        used_suppressed=int(main["suppressed"]),
        other_known=int(other["known"]),
        other_suppressed=int(other["suppressed"]),
        decided_by=decided,
    )
