"""Recompute indicator shares straight from raw DUO files, by a route independent of the package.

For the held-out check: run ``techniekpact process`` on a raw folder, then
``python scripts/check_against_raw.py RAW_DIR PROCESSED_DIR``. This script uses only the
``csv``/``json`` modules and plain sums (no ``analysis`` code), imputes each ``<5`` cell
at 2.5 as the methodology states, and compares with ``indicators.parquet``: national values
must agree within 0.05 percentage points, provincial ones within 0.5. Exit 1 if not.

Which indicator a file feeds is taken from DUO's own file names (``eerstejaars``,
``ingeschreven``, ``gediplomeerd``, ``hbo``/``wo``) and headers; override with
``--map FILE=INDICATOR`` for files with other names.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from pathlib import Path

import pandas as pd

IMPUTED = 2.5  # each suppressed cell (1..4), as in docs/methodology.md
NATIONAL_TOLERANCE_PP = 0.05
PROVINCE_TOLERANCE_PP = 0.5
PROVINCE_SPELLING = {
    "friesland": "Fryslân",
    "fryslân": "Fryslân",
    "noord holland": "Noord-Holland",
    "zuid holland": "Zuid-Holland",
    "noord brabant": "Noord-Brabant",
}

# sums[(indicator, year, province or "NL")] = [numerator, denominator]
Sums = dict[tuple[str, int, str], list[float]]


def _text(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _rows(path: Path) -> list[dict[str, str]]:
    text = _text(path)
    if text.lstrip().startswith("["):
        return [{k: "" if v is None else str(v) for k, v in r.items()} for r in json.loads(text)]
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    return [dict(zip(header, r, strict=True)) for r in reader if len(r) == len(header)]


def _value(cell: str) -> float:
    cell = cell.strip()
    if cell in ("", "-1") or cell is None:
        return 0.0 if cell == "" else IMPUTED
    if cell == "<5":
        return IMPUTED
    return float(int(cell))


def _province(name: str) -> str:
    clean = name.strip()
    return PROVINCE_SPELLING.get(clean.lower(), clean)


def _add(sums: Sums, indicator: str, year: int, province: str | None, num: float, den: float):
    for key in ("NL", province) if province else ("NL",):
        pair = sums.setdefault((indicator, year, key), [0.0, 0.0])
        pair[0] += num
        pair[1] += den


def ho_indicator(name: str) -> str | None:
    """The indicator a DUO ho file feeds, from DUO's file naming."""
    name = name.lower()
    level = "wo" if re.search(r"(^|[^h])wo[_\-. ]", name) else "hbo" if "hbo" in name else None
    kind = next(
        (k for key, k in (("eerstejaars", "instroom"), ("ingeschrev", "ingeschreven"),
                          ("gediplom", "gediplomeerd")) if key in name),
        None,
    )  # fmt: skip
    if not level or not kind:
        return None
    # The CROHO-sector definition, kept as the ``_croho`` variants; the monitor's programme
    # list is checked by scripts/calibrate_ho_beta.py.
    return f"hbo_techniek_{kind}_croho" if level == "hbo" else f"wo_beta_{kind}_croho"


def add_ho(path: Path, indicator: str, sums: Sums) -> None:
    fields = {"natuur", "techniek"} if indicator.startswith("wo_") else {"techniek"}
    for row in _rows(path):
        sector = (row.get("CROHO ONDERDEEL") or row.get("ONDERDEEL") or "").strip().lower()
        for column, cell in row.items():
            if re.fullmatch(r"\d{4}", column):
                value = _value(cell)
                tech = value if sector in fields else 0.0
                _add(sums, indicator, int(column), _province(row["PROVINCIE"]), tech, value)


def add_mbo(path: Path, sums: Sums) -> None:
    for row in _rows(path):
        techniek = row["MBO SECTOR"].strip().lower() == "techniek"
        for column, cell in row.items():
            match = re.fullmatch(r"TOTAAL(\d{4})", column)
            if match:
                value = _value(cell)
                _add(sums, "mbo_techniek", int(match[1]), None, value if techniek else 0.0, value)


def add_vo_exam(
    path: Path, locations: dict[str, str], municipalities: dict[str, str], sums: Sums
) -> None:
    for row in _rows(path):
        code = row.get("VESTIGINGSCODE") or (
            row["BRIN NUMMER"].strip() + row["VESTIGINGSNUMMER"].strip().zfill(2)
        )
        # a location newer than the locations list: by its municipality's current name
        province = locations.get(code.strip()) or municipalities.get(
            row["GEMEENTENAAM"].strip().lower()
        )
        kind = row["ONDERWIJSTYPE VO"].strip().upper()
        label = row["OPLEIDINGSNAAM"]
        for column, cell in row.items():
            match = re.fullmatch(r"EXAMENKANDIDATEN SCHOOLJAAR (\d{4})-\d{4} - TOTAAL", column)
            if not match:
                continue
            year, value = int(match[1]), _value(cell)
            if kind in ("HAVO", "VWO"):
                prefix = f"vo_{kind.lower()}"
                n = value if ("N&T" in label or "N&G" in label) else 0.0
                _add(sums, f"{prefix}_n", year, province, n, value)
                _add(sums, f"{prefix}_nt", year, province, value if "N&T" in label else 0.0, value)
            elif kind == "VMBO" and label.strip() != "VMBO T":
                tech = value if label.strip().lower().endswith("- techniek") else 0.0
                _add(sums, "vo_vmbo_techniek", year, province, tech, value)


def collect(raw_dir: Path, mapping: dict[str, str]) -> Sums:
    files = [p for p in sorted(raw_dir.rglob("*")) if p.is_file() and p.suffix in (".csv", ".json")]
    locations: dict[str, str] = {}
    municipalities: dict[str, str] = {}
    for path in files:
        head = _text(path)[:2000]
        if "ONDERWIJSSTRUCTUUR" in head and "VESTIGINGSNUMMER" in head:
            for row in _rows(path):
                locations[row["VESTIGINGSNUMMER"].strip()] = _province(row["PROVINCIE"])
        elif "gemeentCode" in head and "Provincie" in head:
            for row in _rows(path):
                municipalities[row["gemeenteNaam"].strip().lower()] = _province(row["Provincie"])
    sums: Sums = {}
    for path in files:
        head = _text(path)[:3000]
        indicator = mapping.get(path.name) or (
            ho_indicator(path.name) if "ONDERDEEL" in head else None
        )
        if "MBO SECTOR" in head and "TOTAAL" in head:
            add_mbo(path, sums)
        elif "EXAMENKANDIDATEN SCHOOLJAAR" in head:
            add_vo_exam(path, locations, municipalities, sums)
        elif indicator:
            add_ho(path, indicator, sums)
    return sums


def compare(sums: Sums, processed_dir: Path) -> pd.DataFrame:
    table = pd.read_parquet(processed_dir / "indicators.parquet")
    table = table[
        (table["gender"] == "totaal") & table["region_level"].isin(["nederland", "provincie"])
    ]
    lookup = {
        (r.indicator, int(r.year), "NL" if r.region_level == "nederland" else r.region): r.share
        for r in table.itertuples()
    }
    rows = []
    for (indicator, year, region), (num, den) in sorted(sums.items()):
        if den == 0:
            continue
        expected = num / den
        actual = lookup.get((indicator, year, region))
        diff = None if actual is None or pd.isna(actual) else (float(actual) - expected) * 100
        tolerance = NATIONAL_TOLERANCE_PP if region == "NL" else PROVINCE_TOLERANCE_PP
        rows.append(
            {"indicator": indicator, "year": year, "region": region, "raw": expected,
             "processed": actual, "diff_pp": diff,
             "ok": diff is not None and abs(diff) <= tolerance}
        )  # fmt: skip
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path)
    parser.add_argument("processed_dir", type=Path)
    parser.add_argument("--map", action="append", default=[], help="FILE_NAME=INDICATOR")
    args = parser.parse_args(argv)
    mapping = dict(item.split("=", 1) for item in args.map)
    result = compare(collect(args.raw_dir, mapping), args.processed_dir)
    national = result[result["region"] == "NL"]
    provincial = result[result["region"] != "NL"]
    print(f"compared {len(national)} national and {len(provincial)} provincial values")
    for label, part in (("national", national), ("provincial", provincial)):
        worst = part["diff_pp"].abs().max() if len(part) else float("nan")
        print(f"  {label}: max |difference| {worst:.4f} pp; failing {int((~part['ok']).sum())}")
    failing = result[~result["ok"]]
    if len(failing):
        print(failing.to_string(index=False))
    return 1 if len(failing) else 0


if __name__ == "__main__":
    sys.exit(main())
