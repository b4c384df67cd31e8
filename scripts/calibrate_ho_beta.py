"""Independent check of the HO bèta-techniek classification against the official monitor.

Reads the raw DUO first-year files with the csv module and the classification YAML, and
prints per school year the national share of first-years in bèta-techniek (hbo, wo, hbo+wo;
all, women, men) beside the figure the Techniekpact monitor published. It deliberately does
not import the ``analysis`` package: it is the second route the engine's tests compare with.

    python scripts/calibrate_ho_beta.py [--raw-dir ../shared/data]
        [--config config/ho_beta_programmes.yaml]

Exit status 1 when a figure of the calibration table (hbo/wo, all/women, 2017/18-2019/20)
is more than 1 percentage point from the published one.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# Published by the monitor (techniekpactmonitor.nl / techniekpact.nl, page "Hoger onderwijs",
# updates of 2019, 2020, 2021 and 8 April 2022), whole percent, keyed by (level, gender) and
# start year. "ho" is hbo and wo first-years together.
CALIBRATION: dict[tuple[str, str], dict[int, int]] = {
    ("hbo", "totaal"): {2017: 25, 2018: 24, 2019: 24},
    ("wo", "totaal"): {2017: 36, 2018: 35, 2019: 35},
    ("hbo", "vrouw"): {2017: 12, 2018: 12, 2019: 12},
    ("wo", "vrouw"): {2017: 28, 2018: 27, 2019: 27},
}
FURTHER: dict[tuple[str, str], dict[int, int]] = {
    ("ho", "totaal"): {2017: 29, 2018: 29, 2019: 28},
    ("ho", "vrouw"): {2017: 18, 2018: 18, 2019: 18},
    ("ho", "man"): {2017: 41},
    ("hbo", "totaal"): {2020: 23, 2021: 23},
    ("hbo", "vrouw"): {2021: 12},
    ("hbo", "man"): {2021: 36},
}
OLD_PORTAL = {
    "hbo": "duo/ho/hbo_eerstejaars_domein_hbo_2015-2019.csv",
    "wo": "duo/ho/wo_eerstejaars_domein_wo_2015-2019.csv",
}
NEW_PORTAL_PROGRAMME = "duo/ho/hbo_eerstejaars_opleiding_2020-2024_nieuw-portaal.csv"
NEW_PORTAL_GENDER = "duo/ho/hbo_eerstejaars_geslacht_2020-2024_nieuw-portaal.csv"
TOLERANCE_PP = 1.0
# ho_beta_instroom adds hbo and wo bachelor and Ad first-years (entrants to higher education).
ENTRANT_DEGREES = ("bachelor", "associate degree")
IMPUTED = 2.5  # a suppressed cell (1..4) in point estimates, as config/indicators.yaml settings


def norm(text: str) -> str:
    """Compare DUO's spellings of one category: case and '_' versus ' ' do not matter."""
    return text.strip().lower().replace("_", " ")


@dataclass
class Classification:
    """The monitor's definition as read from the YAML."""

    sectors: set[str]
    programmes: set[tuple[str, str]]
    without_programme: set[tuple[str, str, str]]

    @classmethod
    def load(cls, path: Path) -> Classification:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            sectors={norm(s) for s in config["croho_onderdelen"]},
            programmes={(p["level"], str(p["code"])) for p in config["programmes"]},
            without_programme={
                (r["level"], norm(r["onderdeel"]), norm(r["subonderdeel"]))
                for r in config["without_programme"]
            },
        )

    def by_programme(self, level: str, sector: str, code: str) -> bool:
        return norm(sector) in self.sectors or (level, code) in self.programmes

    def by_subonderdeel(self, level: str, sector: str, subsector: str) -> bool:
        return (
            norm(sector) in self.sectors
            or (level, norm(sector), norm(subsector)) in self.without_programme
        )


@dataclass
class Tally:
    """Known counts and suppressed cells of bèta and other first-years."""

    beta: int = 0
    other: int = 0
    beta_suppressed: int = 0
    other_suppressed: int = 0
    croho: int = 0  # bèta by CROHO sector only (old portal, exact counts)
    approx: int = 0  # bèta by the subonderdeel rule (old portal, to measure the approximation)
    years: dict = field(default_factory=dict)

    def add(self, n: int | None, beta: bool) -> None:
        if n is None:
            if beta:
                self.beta_suppressed += 1
            else:
                self.other_suppressed += 1
        elif beta:
            self.beta += n
        else:
            self.other += n

    @property
    def total(self) -> int:
        return self.beta + self.other

    def share(self) -> float:
        b = self.beta + IMPUTED * self.beta_suppressed
        return 100 * b / (b + self.other + IMPUTED * self.other_suppressed)

    def bounds(self) -> tuple[float, float]:
        low = self.beta + self.beta_suppressed
        high = self.beta + 4 * self.beta_suppressed
        return (
            100 * low / (low + self.other + 4 * self.other_suppressed),
            100 * high / (high + self.other + self.other_suppressed),
        )


def old_portal(
    path: Path, level: str, cls: Classification, degrees: tuple[str, ...] | None = None
) -> dict[tuple[str, int], Tally]:
    """Old-portal wide file (exact counts) -> Tally per (gender, year), gender 'totaal' = sum.

    ``degrees`` keeps only those TYPE HOGER ONDERWIJS values (e.g. bachelor, associate degree).
    """
    out: dict[tuple[str, int], Tally] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        years = [(i, int(h)) for i, h in enumerate(header) if h.strip().isdigit()]
        col = {name: i for i, name in enumerate(header)}
        for line_no, row in enumerate(reader, start=2):
            if len(row) < len(header):  # the stray "" lines of the re-written files
                continue
            if degrees is not None and norm(row[col["TYPE HOGER ONDERWIJS"]]) not in degrees:
                continue
            sector = row[col["CROHO ONDERDEEL"]]
            subsector = row[col["CROHO SUBONDERDEEL"]]
            beta = cls.by_programme(level, sector, row[col["OPLEIDINGSCODE ACTUEEL"]].strip())
            croho = norm(sector) in cls.sectors
            approx = cls.by_subonderdeel(level, sector, subsector)
            gender = norm(row[col["GESLACHT"]])
            for i, year in years:
                cell = row[i].strip()
                if not cell.isdigit():
                    raise ValueError(
                        f"{path}: line {line_no}, column {header[i]}: "
                        f"expected a count, got {cell!r}"
                    )
                for g in (gender, "totaal"):
                    tally = out.setdefault((g, year), Tally())
                    tally.add(int(cell), beta)
                    tally.croho += int(cell) * croho
                    tally.approx += int(cell) * approx
    return out


def new_portal(
    path: Path, count_column: str, cls: Classification, by_programme: bool
) -> dict[tuple[str, int], Tally]:
    """New-portal long file (-1 = suppressed) -> Tally per (gender, year).

    The programme cut has no gender (all of it is 'totaal'); the gender cut no programme.
    """
    out: dict[tuple[str, int], Tally] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            if by_programme:
                beta = cls.by_programme(
                    "hbo", row["ONDERDEEL"], row["OPLEIDINGSCODE_ACTUEEL"].strip()
                )
                genders = ["totaal"]
            else:
                beta = cls.by_subonderdeel("hbo", row["ONDERDEEL"], row["SUBONDERDEEL"])
                genders = [norm(row["GESLACHT"]), "totaal"]
            cell = row[count_column].strip()
            if not cell.lstrip("-").isdigit() or int(cell) < -1:
                raise ValueError(
                    f"{path}: line {line_no}, column {count_column}: "
                    f"expected a count or -1, got {cell!r}"
                )
            n = None if cell == "-1" else int(cell)
            for g in genders:
                out.setdefault((g, int(row["STUDIEJAAR"])), Tally()).add(n, beta)
    return out


def combine(a: Tally, b: Tally) -> Tally:
    return Tally(
        beta=a.beta + b.beta,
        other=a.other + b.other,
        croho=a.croho + b.croho,
        approx=a.approx + b.approx,
    )


def sj(year: int) -> str:
    """'2019/20' for start year 2019."""
    return f"{year}/{(year + 1) % 100:02d}"


def row(label: str, year: int, official: int | None, ours: float, note: str) -> tuple[str, float]:
    gap = ours - official if official is not None else float("nan")
    published = f"{official}%" if official is not None else "-"
    gap_text = f"{gap:+.1f}" if official is not None else "-"
    print(f"| {label} | {sj(year)} | {published} | {ours:.1f}% | {gap_text} | {note} |")
    return label, gap


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--config", type=Path, default=Path("config/ho_beta_programmes.yaml"))
    args = parser.parse_args(argv)
    cls = Classification.load(args.config)
    old = {level: old_portal(args.raw_dir / rel, level, cls) for level, rel in OLD_PORTAL.items()}
    entrants = {
        level: old_portal(args.raw_dir / rel, level, cls, ENTRANT_DEGREES)
        for level, rel in OLD_PORTAL.items()
    }
    names = {"totaal": "all", "vrouw": "women", "man": "men"}

    print("Calibration: national first-years in bèta-techniek, old-portal files (exact counts)\n")
    print("| population | year | official | ours | gap (pp) | CROHO sectors only · bèta / all |")
    print("|---|---|---|---|---|---|")
    worst = 0.0
    for (level, gender), published in CALIBRATION.items():
        for year, official in published.items():
            t = old[level][(gender, year)]
            note = f"{100 * t.croho / t.total:.1f}% · {t.beta:,} / {t.total:,}"
            _, gap = row(f"{level} {names[gender]}", year, official, t.share(), note)
            worst = max(worst, abs(gap))

    print("\nFurther published figures\n")
    print("| population | year | official | ours | gap (pp) | how |")
    print("|---|---|---|---|---|---|")
    programme_cut = new_portal(
        args.raw_dir / NEW_PORTAL_PROGRAMME, "AANTAL_EERSTEJAARS_INGESCHREVENEN", cls, True
    )
    gender_cut = new_portal(
        args.raw_dir / NEW_PORTAL_GENDER, "AANTAL_EERSTEJAARS_INGESCHREVENEN", cls, False
    )
    for (level, gender), published in FURTHER.items():
        for year, official in published.items():
            if level == "ho":
                every = combine(old["hbo"][(gender, year)], old["wo"][(gender, year)])
                t = combine(entrants["hbo"][(gender, year)], entrants["wo"][(gender, year)])
                label = f"hbo+wo {names[gender]}"
                how = (
                    f"old portal, bachelor + Ad, {t.beta:,} / {t.total:,} "
                    f"(every degree type: {every.share():.1f}%)"
                )
            else:
                cut = programme_cut if gender == "totaal" else gender_cut
                t = cut[(gender, year)]
                low, high = t.bounds()
                label = f"hbo {names[gender]}"
                how = (
                    "new portal, programme cut (bachelor + Ad)"
                    if gender == "totaal"
                    else "new portal, gender cut, subonderdeel rule (approximation)"
                ) + f", bounds {low:.1f}-{high:.1f}%"
            row(label, year, official, t.share(), how)

    print(
        "\nThe subonderdeel rule (for cuts without programmes) against the programme list, "
        "where both apply\n"
    )
    print("| population | year | programme list | subonderdeel rule | difference (pp) |")
    print("|---|---|---|---|---|")

    def compare(label: str, year: int, exact: float, approx: float) -> None:
        print(f"| {label} | {sj(year)} | {exact:.1f}% | {approx:.1f}% | {approx - exact:+.1f} |")

    for year in range(2015, 2020):
        for gender in ("totaal", "vrouw", "man"):
            t = old["hbo"][(gender, year)]
            compare(f"hbo {names[gender]} (old portal)", year, t.share(), 100 * t.approx / t.total)
    for year in sorted({y for _, y in programme_cut}):
        exact, approx = programme_cut[("totaal", year)], gender_cut[("totaal", year)]
        compare(
            "hbo all (new portal: programme vs gender cut)", year, exact.share(), approx.share()
        )

    print(f"\nlargest calibration gap: {worst:.2f} pp (tolerance {TOLERANCE_PP} pp)")
    return 0 if worst <= TOLERANCE_PP else 1


if __name__ == "__main__":
    sys.exit(main())
