"""Historic municipality codes and names mapped to today's, tiny and real."""

from __future__ import annotations

import re
from pathlib import Path

from region_fixtures import (
    counts,
    csv_records,
)

from analysis import regions
from analysis.regions import historic


def test_historic_tables_are_consistent() -> None:
    # A former code is never also a successor, and split/merged tables do not overlap.
    successors = {new for _, new, _ in historic.MERGED.values()}
    assert not successors & set(historic.MERGED)
    assert not set(historic.SPLIT) & set(historic.MERGED)
    assert all(re.fullmatch(r"\d{4}", c) for c in [*historic.MERGED, *successors])


def test_historic_codes_and_names_map_to_current(tiny: regions.Reference) -> None:
    frame = counts(
        municipality_code_raw=["0856", "1685", None, None],
        municipality_name_raw=[None, None, "UDEN", "LANDERD"],
    )
    out = regions.attribute(frame, tiny, "x")
    assert list(out["municipality_code"]) == ["1991"] * 4  # Uden, Landerd -> Maashorst (2022)
    assert list(out["attribution"]) == ["municipality_code"] * 2 + ["municipality_name"] * 2
    # The vo location file may hold a former code too: 02CD00 lies in Uden.
    assert tiny.locations["02CD00"] == "1991"


def test_real_historic_codes_match_names_in_duo_file(shared_data: Path) -> None:
    # DUO's vo location file (2020) still names merged municipalities with their codes.
    seen = {
        (r["GEMEENTENUMMER"].strip(), regions.name_key(r["GEMEENTENAAM"]))
        for r in csv_records(shared_data / "duo/vo/alle_vestigingen_vo.csv")
    }
    former = {(c, n) for c, n in seen if c in historic.MERGED}
    assert former, "expected former municipalities in the 2020 vo location file"
    for code, name in former:
        assert regions.name_key(historic.MERGED[code][0]) == name
