"""The indicator engine: store + regions + config/indicators.yaml -> one row per share.

For every indicator, region (every level), year and gender the engine sums the known
counts and counts the suppressed cells of the numerator and of the rest of the
denominator, then hands them to ``analysis.indicators.suppression`` for the point estimate and
bounds. It is vectorised: store rows that belong to exactly the same set of regions are
summed first, so the work grows with the number of distinct region combinations, not
with rows x regions.

Gender views per indicator (see docs/methodology.md):
- gender ``totaal``: published TOTAAL cells where the file has them (per source file and
  year), else man + vrouw + onbekend;
- gender ``man`` / ``vrouw``: the indicator among men / women only;
- indicator ``<id>__aandeel_vrouwen`` (gender ``totaal``): women's share of the numerator,
  vrouw / (man + vrouw).

An indicator whose rule applies the HO programme classification (``{classification: ...}``)
says per row how it could be applied (column ``ho_definition``): ``programmes`` where every
row counted carries a programme code, ``subonderdelen`` where none does (a cut without
programmes: the classification's subonderdeel rule), ``mixed`` in between. An indicator over
several school levels (``ho_beta_instroom``) has a year only where every level has data.

One count per population (see ``analysis.store.releases``): rows of an older release
(``superseded_by`` set) never count, and where a year has several cuts of one release the
view counts one of them, chosen per year by ``Indicator.cut_preference``. The cut used is
in the output column ``cut`` and, with the files, in ``attrs["cuts"]``.

It writes nothing; ``techniekpact process`` stores the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.indicators import suppression
from analysis.indicators.classification import Classification, norm
from analysis.indicators.rules import (
    NUMERIC_COLUMNS,
    WOMEN_SHARE_SUFFIX,
    Combination,
    Condition,
    Indicator,
    IndicatorConfig,
    Rule,
    load_indicator_config,
)
from analysis.store import schema

__all__ = [
    "WOMEN_SHARE_SUFFIX",
    "ColumnCache",
    "compute_indicators",
    "indicator_ids",
    "indicator_meta",
    "latest_year",
    "load_indicator_config",
    "rule_mask",
]

# (indicator id suffix, gender label) of the four views, in the order they are built.
_VIEWS = (("", "totaal"), ("", "man"), ("", "vrouw"), (WOMEN_SHARE_SUFFIX, "totaal"))
_SUMS = ("known_num", "known_other", "suppressed_num", "suppressed_other")
# Rows counted with and without a programme code, for classified indicators (ho_definition).
_CODED = ("rows_coded", "rows_uncoded")
# Sums of the cells' intervals from the row totals (suppression.cell_intervals).
_INTERVAL_SUMS = ("point_num", "low_num", "high_num", "point_other", "low_other", "high_other")


class ColumnCache:
    """Factorised store columns, so that each rule is evaluated on the few distinct values;
    and each rule's mask, since indicators share their populations' conditions."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._cache: dict[str, tuple[npt.NDArray[np.intp], pd.Index]] = {}
        self.masks: dict[Rule, npt.NDArray[np.bool_]] = {}

    def factorized(self, column: str) -> tuple[npt.NDArray[np.intp], pd.Index]:
        """(codes, distinct values) of ``column``; code -1 marks an empty cell."""
        if column not in self._cache:
            codes, uniques = pd.factorize(self.frame[column], use_na_sentinel=True)
            self._cache[column] = (codes, pd.Index(uniques))
        return self._cache[column]


def rule_mask(rule: Rule, cache: ColumnCache) -> npt.NDArray[np.bool_]:
    """Which rows of the cached frame a configured rule selects (a read-only boolean array)."""
    mask = cache.masks.get(rule)
    if mask is None:
        mask = cache.masks[rule] = _rule_mask(rule, cache)
        mask.flags.writeable = False
    return mask


def _rule_mask(rule: Rule, cache: ColumnCache) -> npt.NDArray[np.bool_]:
    if isinstance(rule, Classification):
        return _classification_mask(rule, cache)
    if isinstance(rule, Combination):
        if rule.op == "not":
            return ~rule_mask(rule.rules[0], cache)
        if rule.op == "all":
            out = np.ones(len(cache.frame), dtype=bool)
            for part in rule.rules:
                out &= rule_mask(part, cache)
            return out
        out = np.zeros(len(cache.frame), dtype=bool)
        for part in rule.rules:
            out |= rule_mask(part, cache)
        return out
    codes, uniques = cache.factorized(rule.column)
    if rule.op == "regex":
        assert rule.pattern is not None
        hits = np.array([bool(rule.pattern.search(str(u))) for u in uniques], dtype=bool)
    elif rule.column in NUMERIC_COLUMNS:
        hits = np.array([int(u) in rule.values for u in uniques], dtype=bool)
    else:
        hits = np.array([str(u).casefold() in rule.values for u in uniques], dtype=bool)
    matched = np.append(hits, False)[codes]  # code -1 (empty) picks the appended False
    return ~matched if rule.op == "not_in" else matched


def _classification_mask(rule: Classification, cache: ColumnCache) -> npt.NDArray[np.bool_]:
    """Bèta-techniek by sector, else by listed programme, else (no code) by subonderdeel.

    Every test runs on the distinct values of a column, not on every row. A row without a
    programme code (a cut without programmes) falls back to ``rule.without_programme``.
    """
    field_codes, fields = cache.factorized("field")
    level_codes, levels = cache.factorized("level")
    code_codes, codes = cache.factorized("programme_code")
    field_norm = [norm(f) for f in fields]
    level_norm = [norm(v) for v in levels]
    code_text = [str(c).strip() for c in codes]

    def on(codes_of_row: npt.NDArray[np.intp], hits: list[bool]) -> npt.NDArray[np.bool_]:
        return np.append(np.array(hits, dtype=bool), False)[codes_of_row]

    out = on(field_codes, [f in rule.sectors for f in field_norm])
    for i, level in enumerate(level_norm):
        listed = [(level, c) in rule.programmes for c in code_text]
        if any(listed):
            out |= (level_codes == i) & on(code_codes, listed)
    no_code = np.append(np.array([c == "" for c in code_text], dtype=bool), True)[code_codes]
    if rule.without_programme and no_code.any():
        sub_codes, subs = cache.factorized("subfield")
        sub_norm = [norm(s) for s in subs]
        for level, onderdeel, subonderdeel in rule.without_programme:
            out |= (
                no_code
                & on(level_codes, [v == level for v in level_norm])
                & on(field_codes, [f == onderdeel for f in field_norm])
                & on(sub_codes, [s == subonderdeel for s in sub_norm])
            )
    return out


def compute_indicators(
    store: pd.DataFrame,
    region_table: pd.DataFrame,
    config: IndicatorConfig | None = None,
    *,
    membership: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every indicator x region x year x gender view, with ``schema.INDICATOR_COLUMNS``.

    ``membership`` is ``analysis.regions.region_rows(store, region_table)`` (columns
    ``row`` = position in ``store``, ``region_level``, ``region_code``); it is computed when
    not given. The years of an indicator are those in which its denominator has any row
    nationally; a region without rows in such a year gets denominator 0 and share <NA>.
    """
    config = config or load_indicator_config()
    store = store.reset_index(drop=True)
    regions_index = pd.MultiIndex.from_frame(
        region_table[["region_level", "region_code"]].astype("string")
    )
    if regions_index.has_duplicates:
        duplicated = list(regions_index[regions_index.duplicated()])[:5]
        raise ValueError(f"region table: duplicate (region_level, region_code) pairs {duplicated}")
    if membership is None:  # rows grouped by where they count, without expanding to rows
        from analysis import regions

        group, members = regions.region_groups(store, region_table)
        n_groups = int(group.max()) + 1 if len(group) else 0
        _check_national_cover(members.rename(columns={"group": "row"}), n_groups, "row groups")
        sig_of_row, sig_regions = group, _group_regions(members, regions_index)
    else:
        _check_national_cover(membership, len(store))
        sig_of_row, sig_regions = _signatures(membership, regions_index, len(store))
    indicators = list(config.indicators.values())
    by_sig, cuts = _group_sums(store, indicators, config.settings.imputed_value, sig_of_row)
    if by_sig.empty:
        return schema.empty_frame(schema.INDICATOR_COLUMNS)
    sums_columns = [*_SUMS, *_CODED, *_INTERVAL_SUMS]
    by_region = (
        by_sig.merge(sig_regions, on="sig")
        .groupby(["region", "combo", "year"], sort=False)[sums_columns]
        .sum()
    )
    grid = _grid(by_sig, len(regions_index))
    sums = by_region.reindex(pd.MultiIndex.from_frame(grid), fill_value=0).reset_index()
    out = _assemble(sums, indicators, region_table, config.settings.imputed_value, cuts)
    out.attrs["cuts"] = _cut_records(cuts, indicators)
    return out


def _check_national_cover(membership: pd.DataFrame, n_rows: int, what: str = "store rows") -> None:
    """Every store row counts for Nederland; a gap would drop counts silently."""
    national = membership.loc[membership["region_level"] == "nederland", "row"]
    if len(national) and national.nunique() != n_rows:
        raise ValueError(
            f"region membership: {n_rows - national.nunique()} of {n_rows} {what} are not "
            "attributed to Nederland (every row must count for the whole country)"
        )


def _group_sums(
    store: pd.DataFrame,
    indicators: list[Indicator],
    imputed: float | None,
    group_of_row: npt.NDArray[np.intp],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per (row group, indicator view, year) with any row: the sums of the rows' known counts
    and suppressed cells (cell by cell) and of the cells' intervals from row totals, split
    into numerator and rest; and the cut each view counts per year (combo, year, cut, files).

    Each view's rows are summed with ``np.bincount`` into (group, year) bins: the work grows
    with the rows selected, with no table of (row, view) pairs in between."""
    cache = ColumnCache(store)
    is_gender = {g: rule_mask(Condition("gender", "in", (g,)), cache) for g in schema.GENDERS}
    suppressed = store["suppressed"].to_numpy(dtype=bool, na_value=False)
    known = np.where(suppressed, 0.0, store["count"].to_numpy(dtype="float64", na_value=0.0))
    point, low, high, _ = suppression.cell_intervals(
        _published_rows(store),
        is_gender["totaal"],
        known,
        suppressed,
        imputed=suppression.IMPUTED_VALUE if imputed is None else imputed,
    )
    years = store["year"].to_numpy(dtype="int64")
    first_year = int(years.min()) if len(years) else 0
    at = _Positions(
        years - first_year, int(years.max()) - first_year + 1 if len(years) else 0, first_year
    )
    source = store["source_file"] if "source_file" in store else store["dataset"]
    source_of_row, sources = pd.factorize(source.fillna(store["dataset"]).fillna(""))
    has_total = _publishes_total(at, source_of_row, len(sources), is_gender["totaal"])
    total_cells = np.where(has_total, is_gender["totaal"], ~is_gender["totaal"])
    counted = _counted(store)
    cut_of_row = _cut_codes(store, cache)
    levels = _per_row(cache, "level", lambda v: str(v).casefold(), "", object)
    has_code = _per_row(cache, "programme_code", lambda v: str(v).strip() != "", False, bool)
    n_bins = (int(group_of_row.max()) + 1 if len(group_of_row) else 0) * at.n_years
    bin_of_row = group_of_row * at.n_years + at.year
    values = {"known": known, "point": point, "low": low, "high": high}
    parts: list[dict[str, npt.NDArray[Any]]] = []
    cuts: list[tuple[int, npt.NDArray[np.int64], list[str], dict[int, list[str]]]] = []
    for i, ind in enumerate(indicators):
        den = rule_mask(ind.population(), cache) & counted
        if len(ind.levels) > 1:
            den &= _years_of_every_level(den, levels, years, ind.levels)
        if not den.any():
            continue
        num = den & rule_mask(ind.numerator, cache)
        totaal = total_cells if ind.gender_total == "auto" else ~is_gender["totaal"]
        in_cut = {
            gender_view: _one_cut(den, at, cut_of_row, ind.cut_preference(gender_view=gender_view))
            for gender_view in (False, True)
        }
        views = (
            (den & totaal & in_cut[False][0], num, in_cut[False][1]),
            (den & is_gender["man"] & in_cut[True][0], num, in_cut[True][1]),
            (den & is_gender["vrouw"] & in_cut[True][0], num, in_cut[True][1]),
            (
                num & (is_gender["man"] | is_gender["vrouw"]) & in_cut[True][0],
                is_gender["vrouw"],
                in_cut[True][1],
            ),
        )
        for v, (selected, in_numerator, (cut_years, cut_names)) in enumerate(views):
            idx = np.flatnonzero(selected)
            combo = i * len(_VIEWS) + v
            cuts.append(
                (
                    combo,
                    cut_years,
                    cut_names,
                    _files_by_year(idx, at, source_of_row, sources),
                )
            )
            if len(idx):
                part = _bin_sums(
                    bin_of_row[idx],
                    n_bins,
                    in_numerator[idx],
                    suppressed[idx],
                    {name: column[idx] for name, column in values.items()},
                    has_code[idx] if ind.classified else None,
                )
                parts.append(part | {"combo": np.full(len(part["bin"]), combo, dtype="int64")})
    cut_table = pd.DataFrame(
        {
            "combo": np.concatenate([np.full(len(y), c, dtype="int64") for c, y, _, _ in cuts])
            if cuts
            else np.zeros(0, dtype="int64"),
            "year": np.concatenate([y for _, y, _, _ in cuts]) if cuts else np.zeros(0, "int64"),
            "cut": [name for _, _, names, _ in cuts for name in names],
            "files": [files.get(int(y)) for _, ys, _, files in cuts for y in ys],
        }
    )
    columns = ["sig", "combo", "year", *_SUMS, *_CODED, *_INTERVAL_SUMS]
    if not parts:
        return pd.DataFrame(columns=columns), cut_table
    sums = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    bins = sums.pop("bin")
    sig, year = np.divmod(bins, max(at.n_years, 1))
    return pd.DataFrame({"sig": sig, "year": year + first_year, **sums})[columns], cut_table


def _bin_sums(
    bins: npt.NDArray[np.intp],
    n_bins: int,
    in_numerator: npt.NDArray[np.bool_],
    suppressed: npt.NDArray[np.bool_],
    values: dict[str, npt.NDArray[np.float64]],
    has_code: npt.NDArray[np.bool_] | None,
) -> dict[str, npt.NDArray[Any]]:
    """One view's rows summed per bin (row group x year), for the bins with any row."""
    rows = np.bincount(bins, minlength=n_bins)
    present = np.flatnonzero(rows)

    def total(weights: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        return np.bincount(bins, weights=weights, minlength=n_bins)[present]

    other = ~in_numerator
    out: dict[str, npt.NDArray[Any]] = {"bin": present}
    for name, column in values.items():
        out[f"{name}_num"] = total(np.where(in_numerator, column, 0.0))
        out[f"{name}_other"] = total(np.where(other, column, 0.0))
    out["suppressed_num"] = total(suppressed & in_numerator).astype("int64")
    out["suppressed_other"] = total(suppressed & other).astype("int64")
    if has_code is None:
        out["rows_coded"] = out["rows_uncoded"] = np.zeros(len(present), dtype="int64")
    else:
        coded = total(has_code).astype("int64")
        out["rows_coded"], out["rows_uncoded"] = coded, rows[present] - coded
    return out


def _years_of_every_level(
    den: npt.NDArray[np.bool_],
    levels: npt.NDArray[np.object_],
    years: npt.NDArray[np.int64],
    wanted: tuple[str, ...],
) -> npt.NDArray[np.bool_]:
    """Rows in the years where every wanted level has rows: hbo alone is no hbo + wo figure."""
    common: set[int] | None = None
    for level in wanted:
        present = set(np.unique(years[den & (levels == level.casefold())]).tolist())
        common = present if common is None else common & present
    return np.isin(years, sorted(common or ()))


def _published_rows(store: pd.DataFrame) -> npt.NDArray[np.int64]:
    """A number per published row (file, line, year, measure) whose cells add up to its
    TOTAAL; -1 for rows without a line number."""
    file = pd.factorize(store["source_file"].fillna(store["dataset"]).fillna(""))[0]
    measure = pd.factorize(store["measure"])[0] + 1
    line = store["source_row"].to_numpy("float64", na_value=np.nan)
    year = store["year"].to_numpy("int64")
    if len(line) and np.nanmax(line, initial=0) >= 10_000_000:
        raise ValueError("store: source_row beyond 10,000,000 (the published-row key assumes less)")
    # One integer per (file, line, year, measure): lines and years are small numbers.
    key = (file * 10_000_000 + np.nan_to_num(line, nan=0).astype("int64")) * 200 + year % 200
    group = pd.factorize(key * 64 + measure)[0].astype("int64")
    return np.where(np.isnan(line), -1, group)


@dataclass(frozen=True)
class _Positions:
    """Each store row's year as a small index (year - first year), for ``np.bincount``."""

    year: npt.NDArray[np.int64]
    n_years: int
    first: int  # the year of index 0


def _files_by_year(
    idx: npt.NDArray[np.intp],
    at: _Positions,
    source_of_row: npt.NDArray[np.intp],
    sources: pd.Index,
) -> dict[int, list[str]]:
    """The source files of the selected rows, per year."""
    n = len(sources)
    present = np.bincount(at.year[idx] * n + source_of_row[idx], minlength=at.n_years * n)
    year, code = np.nonzero(present.reshape(at.n_years, n))
    out: dict[int, list[str]] = {}
    for y, c in zip(year, code, strict=True):
        out.setdefault(at.first + int(y), []).append(str(sources[c]))
    return out


def _cut_records(cuts: pd.DataFrame, indicators: list[Indicator]) -> list[dict[str, Any]]:
    """Per indicator view and year: the cut counted and its files (for the manifest)."""
    records = []
    for row in cuts.itertuples(index=False):
        suffix, gender = _VIEWS[row.combo % len(_VIEWS)]
        records.append(
            {
                "indicator": indicators[row.combo // len(_VIEWS)].id + suffix,
                "gender": gender,
                "year": int(row.year),
                "cut": row.cut,
                "files": row.files if isinstance(row.files, list) else [],
            }
        )
    return records


def _counted(store: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows no newer release supersedes (all rows of a store built before releases existed)."""
    if "superseded_by" not in store:
        return np.ones(len(store), dtype=bool)
    return store["superseded_by"].isna().to_numpy(bool)


def _per_row(
    cache: ColumnCache, column: str, value: Callable[[Any], Any], empty: Any, dtype: type
) -> npt.NDArray[Any]:
    """``value`` of each row's cell in ``column``, worked out once per distinct value."""
    codes, uniques = cache.factorized(column)
    return np.array([*(value(u) for u in uniques), empty], dtype=dtype)[codes]


def _cut_codes(store: pd.DataFrame, cache: ColumnCache) -> npt.NDArray[np.intp]:
    """Each row's cut as its position in ``schema.CUTS`` ('full' where the column is absent)."""
    if "cut" not in store:
        return np.zeros(len(store), dtype=np.intp)
    unknown = len(schema.CUTS)
    position = {cut: i for i, cut in enumerate(schema.CUTS)}
    codes = _per_row(
        cache, "cut", lambda cut: position.get(cut, unknown), schema.CUTS.index("full"), np.intp
    )
    if (codes == unknown).any():
        raise ValueError(f"store: unknown cut(s) {sorted(set(store['cut'][codes == unknown]))}")
    return codes


def _one_cut(
    den: npt.NDArray[np.bool_],
    at: _Positions,
    cut_of_row: npt.NDArray[np.intp],
    preference: list[str],
) -> tuple[npt.NDArray[np.bool_], tuple[npt.NDArray[np.int64], list[str]]]:
    """Rows of the first preferred cut present in each year; and (years, their cuts).

    A year whose rows come only in cuts outside ``preference`` counts nothing in this view.
    Worked out on the denominator's rows only, since they are a small part of the store.
    """
    k = len(schema.CUTS)
    rows = np.flatnonzero(den)
    year_cut = at.year[rows] * k + cut_of_row[rows]
    present = np.bincount(year_cut, minlength=at.n_years * k).reshape(at.n_years, k)
    chosen = np.full(at.n_years, -1, dtype=np.intp)
    for cut in reversed(preference):  # the first preferred cut present wins
        code = schema.CUTS.index(cut)
        chosen = np.where(present[:, code] > 0, code, chosen)
    with_cut = np.flatnonzero(chosen >= 0)
    counted = np.zeros(at.n_years * k, dtype=bool)
    counted[with_cut * k + chosen[with_cut]] = True
    out = np.zeros(len(den), dtype=bool)
    out[rows[counted[year_cut]]] = True
    return out, (at.first + with_cut, [schema.CUTS[c] for c in chosen[with_cut]])


def _publishes_total(
    at: _Positions,
    source_of_row: npt.NDArray[np.intp],
    n_sources: int,
    is_total: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """Per row: does its source file publish TOTAAL cells for that year?"""
    group = source_of_row * at.n_years + at.year
    return (np.bincount(group, weights=is_total, minlength=n_sources * at.n_years) > 0)[group]


def _signatures(
    membership: pd.DataFrame, regions_index: pd.MultiIndex, n_rows: int
) -> tuple[npt.NDArray[np.intp], pd.DataFrame]:
    """Group store rows by their exact set of regions: (signature per row, sig -> region)."""
    keys = pd.MultiIndex.from_frame(membership[["region_level", "region_code"]].astype("string"))
    region = regions_index.get_indexer(keys)
    row = membership["row"].to_numpy(dtype="int64")
    keep = region >= 0
    row, region = row[keep], region[keep]
    order = np.lexsort((region, row))
    row, region = row[order], region[order]
    first_rows, first_pos = np.unique(row, return_index=True)
    start = np.zeros(n_rows, dtype="int64")
    start[first_rows] = first_pos
    slot = np.arange(len(row)) - start[row]
    width = int(slot.max()) + 1 if len(slot) else 1
    table = np.full((n_rows, width), -1, dtype="int64")
    table[row, slot] = region
    sig_of_row = (
        pd.DataFrame(table).groupby(list(range(width)), sort=False).ngroup().to_numpy("int64")
    )
    _, rep = np.unique(sig_of_row, return_index=True)
    members = table[rep]
    sig, pos = np.nonzero(members >= 0)
    sig_regions = pd.DataFrame({"sig": sig_of_row[rep][sig], "region": members[sig, pos]})
    return sig_of_row, sig_regions


def _group_regions(members: pd.DataFrame, regions_index: pd.MultiIndex) -> pd.DataFrame:
    """(sig, region position) from ``regions.region_groups``'s members; a group is a sig."""
    keys = pd.MultiIndex.from_frame(members[["region_level", "region_code"]].astype("string"))
    region = regions_index.get_indexer(keys)
    keep = region >= 0
    return pd.DataFrame({"sig": members["group"].to_numpy()[keep], "region": region[keep]})


def _grid(cells: pd.DataFrame, n_regions: int) -> pd.DataFrame:
    """Every region x view x year in which the indicator has national data."""
    indicator_years = (
        pd.DataFrame({"ind": cells["combo"] // len(_VIEWS), "year": cells["year"]})
        .drop_duplicates()
        .to_numpy()
    )
    views = np.arange(len(_VIEWS))
    combo = (indicator_years[:, 0, None] * len(_VIEWS) + views).ravel()
    year = np.repeat(indicator_years[:, 1], len(views))
    return pd.DataFrame(
        {
            "region": np.repeat(np.arange(n_regions), len(combo)),
            "combo": np.tile(combo, n_regions),
            "year": np.tile(year, n_regions),
        }
    )


def _assemble(
    sums: pd.DataFrame,
    indicators: list[Indicator],
    region_table: pd.DataFrame,
    imputed: float,
    cuts: pd.DataFrame,
) -> pd.DataFrame:
    """Shares, bounds and masking; the output columns in schema order, the rows sorted by
    indicator, region level, region code, year and gender."""
    sums = sums.take(_output_order(sums, indicators, region_table))
    result = suppression.interval_share(*(sums[c].to_numpy() for c in _INTERVAL_SUMS))
    k_num = sums["suppressed_num"].to_numpy()
    k_all = k_num + sums["suppressed_other"].to_numpy()
    # Where the totals pin a small numerator or rest (< 5) that the source suppressed, the
    # share would give that count away: such shares keep the cell-by-cell bounds.
    cellwise = suppression.share_bounds(*(sums[c].to_numpy() for c in _SUMS), imputed=imputed)
    k_other = sums["suppressed_other"].to_numpy()
    reveals = suppression.disclosive(result["numerator"], k_num) | suppression.disclosive(
        result["denominator"] - result["numerator"], k_other
    )
    for key in ("numerator", "denominator", "share", "share_low", "share_high"):
        result[key] = np.where(reveals, cellwise[key], result[key])
    numerator = np.where(
        suppression.disclosive(result["numerator"], k_num), np.nan, result["numerator"]
    )
    denominator = np.where(
        suppression.disclosive(result["denominator"], k_all), np.nan, result["denominator"]
    )
    combo = sums["combo"].to_numpy()
    ind_pos, view = combo // len(_VIEWS), combo % len(_VIEWS)
    coded, uncoded = sums["rows_coded"].to_numpy(), sums["rows_uncoded"].to_numpy()
    definition = np.select(
        [(coded > 0) & (uncoded == 0), (coded == 0) & (uncoded > 0), (coded > 0) & (uncoded > 0)],
        ["programmes", "subonderdelen", "mixed"],
        default="",
    )
    ids = np.array([ind.id for ind in indicators], dtype=object)[ind_pos]
    suffix = np.array([s for s, _ in _VIEWS], dtype=object)[view]
    gender = np.array([g for _, g in _VIEWS], dtype=object)[view]
    regions = region_table.reset_index(drop=True).iloc[sums["region"].to_numpy()]
    year = sums["year"].to_numpy()
    out = pd.DataFrame(
        {
            "indicator": ids + suffix,
            "region_level": regions["region_level"].to_numpy(),
            "region": regions["region"].to_numpy(),
            "region_code": regions["region_code"].to_numpy(),
            "year": year,
            "schooljaar": schema.schooljaar_column(pd.Series(year)).to_numpy(),
            "gender": gender,
            "numerator": pd.array(numerator, dtype="Float64"),
            "denominator": pd.array(denominator, dtype="Float64"),
            "share": pd.array(result["share"], dtype="Float64"),
            "share_low": pd.array(result["share_low"], dtype="Float64"),
            "share_high": pd.array(result["share_high"], dtype="Float64"),
            "suppressed_cells": k_all,
            "ho_definition": pd.array(np.where(definition == "", None, definition), "string"),
        }
    )
    cut_of = pd.Series(
        cuts["cut"].to_numpy(), index=pd.MultiIndex.from_arrays([cuts["combo"], cuts["year"]])
    )
    out["cut"] = cut_of.reindex(pd.MultiIndex.from_arrays([combo, year])).to_numpy()
    return schema.conform(out, schema.INDICATOR_COLUMNS).reset_index(drop=True)


def _output_order(
    sums: pd.DataFrame, indicators: list[Indicator], region_table: pd.DataFrame
) -> npt.NDArray[np.intp]:
    """The row order of (indicator, region_level, region_code, year, gender) as text, from
    the ranks of the few distinct values instead of sorting every row's strings."""

    def rank(values: list[Any] | pd.Series) -> npt.NDArray[np.intp]:
        return pd.factorize(pd.Series(values, dtype=object), sort=True)[0]

    names = [ind.id + suffix for ind in indicators for suffix, _ in _VIEWS]
    genders = [gender for _ in indicators for _, gender in _VIEWS]
    table = region_table.reset_index(drop=True)
    combo, region = sums["combo"].to_numpy(), sums["region"].to_numpy()
    return np.lexsort(
        (
            rank(genders)[combo],
            sums["year"].to_numpy(),
            rank(table["region_code"])[region],
            rank(table["region_level"])[region],
            rank(names)[combo],
        )
    )


def indicator_ids(config: IndicatorConfig | None = None, *, views: bool = False) -> list[str]:
    """The configured ids in file order; with ``views`` also each ``<id>__aandeel_vrouwen``."""
    config = config or load_indicator_config()
    ids = list(config.indicators)
    return ids + [i + WOMEN_SHARE_SUFFIX for i in ids] if views else ids


def indicator_meta(indicator_id: str, config: IndicatorConfig | None = None) -> dict[str, Any]:
    """What a report prints about an indicator: Dutch name, description, source, target."""
    config = config or load_indicator_config()
    base = indicator_id.removesuffix(WOMEN_SHARE_SUFFIX)
    if base not in config.indicators:
        raise KeyError(f"unknown indicator {indicator_id!r} (see {config.path})")
    ind = config.indicators[base]
    women = indicator_id != base
    spec = config.targets.get(indicator_id)
    target = spec.default if spec is not None else None
    in_sentence = ind.naam[:1].lower() + ind.naam[1:]  # keep 'N-profiel', 'NT-profiel'
    return {
        "id": indicator_id,
        "base": base,
        "naam": f"Aandeel vrouwen: {in_sentence}" if women else ind.naam,
        "omschrijving": (
            f"Aandeel vrouwen onder wie meetelt in de teller van: {in_sentence}."
            if women
            else ind.omschrijving
        ),
        "level": ind.level,
        "dataset": ind.dataset,
        "bron": ind.bron,
        "parent": ind.parent,
        "variant_of": ind.variant_of,
        "classified": ind.classified,
        "target": target.value if target else None,
        "target_year": target.year if target else None,
    }


def latest_year(
    table: pd.DataFrame,
    indicator_id: str | None = None,
    region_code: str | None = None,
    gender: str | None = "totaal",
) -> int | None:
    """The last year with a share in an indicator table; each of indicator, region and
    gender narrows it when given (None: any)."""
    rows = table[table["share"].notna()]
    for column, value in (
        ("indicator", indicator_id),
        ("region_code", region_code),
        ("gender", gender),
    ):
        if value is not None:
            rows = rows[rows[column] == value]
    return int(rows["year"].max()) if len(rows) else None
