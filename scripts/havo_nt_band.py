"""How narrow can the bounds on the women's share among havo N&T candidates be? Asserts nothing.

Issue 15 expected a band "well under 1 point" once each row's ``<5`` cells are bounded by its
published TOTAAL. The exam file does not allow it: in 2023/24, 247 of the 1,007 havo N&T
rows have a TOTAAL that is itself ``<5``. This script works out, with the csv module and
nothing of the project, the tightest band that what DUO publishes allows:

- ``totals``: per row, men + women = TOTAAL, each 0 when published as 0 and 1..4 when ``<5``
  (what the engine uses);
- ``+ pass rates``: also the published passes and pass rates per gender and in total
  (a rate of 66.7 pins 3 candidates, 75 pins 4, ...).

The national share is then minimised and maximised over every combination the rows allow
(Dinkelbach's method: a ratio of sums, each row chosen independently for a given ratio).

    .venv/bin/python scripts/havo_nt_band.py [EXAM_CSV] [--year 2023-2024]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "duo" / "vo"
DEFAULT_FILE = DEFAULT / "examenkandidaten_geslaagden_2019-2024.csv"


def cell(value: str) -> range:
    """The counts a published cell allows: '<5' is 1..4 (DUO prints 0 as 0)."""
    value = value.strip()
    return range(1, 5) if value == "<5" else range(int(value), int(value) + 1)


def rate_fits(rate: str, passed: int, candidates: int) -> bool:
    rate = rate.strip().replace(",", ".")
    if rate in ("", "<5"):
        return True
    if candidates == 0:
        return float(rate) == 0
    return abs(round(100 * passed / candidates, 1) - float(rate)) < 0.051


def feasible(row: dict[str, str], year: str, use_rates: bool) -> set[tuple[int, int]]:
    """Every (men, women) the row's published cells allow."""

    def get(what: str, gender: str) -> str:
        return row[f"{what} SCHOOLJAAR {year} - {gender}"]

    out = set()
    for men in cell(get("EXAMENKANDIDATEN", "MAN")):
        for women in cell(get("EXAMENKANDIDATEN", "VROUW")):
            if men + women not in cell(get("EXAMENKANDIDATEN", "TOTAAL")):
                continue
            if not use_rates:
                out.add((men, women))
                continue
            for p_men in cell(get("GESLAAGDEN", "MAN")):
                if p_men > men or not rate_fits(get("SLAAGPERC", "MAN"), p_men, men):
                    continue
                for p_women in cell(get("GESLAAGDEN", "VROUW")):
                    if p_women > women or not rate_fits(get("SLAAGPERC", "VROUW"), p_women, women):
                        continue
                    p_all = p_men + p_women
                    if p_all in cell(get("GESLAAGDEN", "TOTAAL")) and rate_fits(
                        get("SLAAGPERC", "TOTAAL"), p_all, men + women
                    ):
                        out.add((men, women))
    return out


def extreme(rows: list[set[tuple[int, int]]], sign: int) -> float:
    """Min (sign -1) or max (sign +1) of sum(women) / sum(men + women) over the choices."""
    ratio = 0.5
    for _ in range(100):
        women = total = 0
        for options in rows:
            m, w = max(options, key=lambda o: sign * (o[1] - ratio * (o[0] + o[1])))
            women, total = women + w, total + m + w
        if abs(women / total - ratio) < 1e-12:
            break
        ratio = women / total
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exam_csv", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--year", default="2023-2024", help="the file's school year label")
    args = parser.parse_args()
    with args.exam_csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle, delimiter=";")
            if r["ONDERWIJSTYPE VO"].startswith("HAVO") and "N&T" in r["OPLEIDINGSNAAM"]
        ]
    total = f"EXAMENKANDIDATEN SCHOOLJAAR {args.year} - TOTAAL"
    suppressed = sum(r[total].strip() == "<5" for r in rows)
    print(f"{args.exam_csv.name}, {args.year}: {len(rows)} havo N&T rows, {suppressed} TOTAAL <5")
    for label, use_rates in (("totals", False), ("+ pass rates", True)):
        options = [feasible(r, args.year, use_rates) for r in rows if r[total].strip()]
        low, high = extreme(options, -1), extreme(options, +1)
        band = f"{100 * low:5.2f}% – {100 * high:5.2f}%  (band {100 * (high - low):.2f} pp)"
        print(f"  {label:13s} {band}")


if __name__ == "__main__":
    main()
