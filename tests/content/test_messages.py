"""The key-message rules (analysis.content.messages) on scorecard frames written by hand."""

from __future__ import annotations

import pandas as pd
from text_checks import NUMBER, allowed_numbers

from analysis.content.messages import key_messages
from analysis.indicators import derived

MBO, HBO, HAVO = "Mbo-studenten in sector techniek", "Instroom hbo in techniek", "Havo N"


def frame(**overrides: object) -> pd.DataFrame:
    """Three indicators: mbo (target, judged, passed), hbo (target, not judged), havo."""
    base = {
        "indicator": ["mbo_techniek", "hbo_techniek_instroom", "vo_havo_n"],
        "naam": [MBO, HBO, HAVO],
        "level": ["mbo", "hbo", "havo"],
        "year": [2019, 2024, 2023],
        "share": [0.203, 0.30, 0.352],
        "share_low": [0.203, 0.30, 0.346],
        "share_high": [0.203, 0.30, 0.357],
        "too_small": [False, False, False],
        "no_programme": [False, False, False],
        "national_share": [0.267, 0.208, 0.365],
        "diff_national_pp": [-6.4, 9.2, -1.3],
        "span_years": [5, 5, 4],
        "change_span_pp": [-4.9, -6.6, 0.6],
        "change_1y_pp": [1.6, 0.2, 1.6],
        "target": [0.4, 0.4, pd.NA],
        "target_year": [2020, 2020, pd.NA],
        "judged": [True, False, pd.NA],
        "judged_year": [2019, pd.NA, pd.NA],
        "judged_share": [0.203, pd.NA, pd.NA],
        "gap_pp": [19.7, 10.0, pd.NA],
        "status": [derived.MISSED, derived.NOT_JUDGED, derived.NO_TARGET],
        "projected_year": [pd.NA, pd.NA, pd.NA],
        "trend_pp_per_year": [-0.5, 0.3, 0.1],
        "rank_level": [24, pd.NA, 21],
        "rank_level_worst": [24, pd.NA, 35],
        "regions_in_level": [26, pd.NA, 40],
        "rank_landsdeel": [6, pd.NA, 4],
        "rank_landsdeel_worst": [6, pd.NA, 7],
        "regions_in_landsdeel": [6, pd.NA, 7],
        "women_share": [0.064, 0.2, 0.5],
        "women_share_national": [0.195, 0.25, 0.5],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def messages(f: pd.DataFrame | None = None, **kw: object) -> list[str]:
    args = dict(region="de Achterhoek", national=False, landsdeel="Oost", level="corop")
    args.update(kw)
    return key_messages(
        frame() if f is None else f,
        not_judged_reasons={"hbo": "hoger onderwijs wordt geteld waar de opleiding staat"},
        **args,
    )


def test_targets_first_then_position_changes_gender() -> None:
    assert messages() == [
        # 1. the judged target, on the last school year before the passed target year
        "Voor het aandeel mbo-studenten in sector techniek is het doel van 40% in 2020 in de "
        "Achterhoek niet gehaald: in 2019/20 (het laatste schooljaar met cijfers vóór het "
        "doeljaar) was het 20,3%, 19,7 procentpunt onder het doel.",
        # 1b. the target not judged here, with the reason
        "Over het doel voor instroom hbo in techniek geeft deze rapportage voor de Achterhoek "
        "geen oordeel: hoger onderwijs wordt geteld waar de opleiding staat.",
        # 2. the head indicator (first with a target) against the country, one school year
        "In 2019/20 ligt het aandeel mbo-studenten in sector techniek in de Achterhoek met "
        "20,3% 6,4 procentpunt onder het landelijke aandeel van 26,7%.",
        # 2b. its place: the last of the landsdeel ("laatste", not "6 van 6")
        "Bij het aandeel mbo-studenten in sector techniek staat de Achterhoek in 2019/20 op "
        "de laatste plaats van de 6 COROP-gebieden in landsdeel Oost.",
        # 3. largest rise and fall over the longest span, named (not the one-year +1,6)
        "De sterkste stijging in de Achterhoek: het aandeel havo N steeg in vier jaar met "
        "0,6 procentpunt, tot 35,2% in 2023/24.",
        "De sterkste daling in de Achterhoek: het aandeel instroom hbo in techniek daalde in "
        "vijf jaar met 6,6 procentpunt, tot 30,0% in 2024/25.",
        "In 2019/20 is van wie in de Achterhoek meetelt bij het aandeel mbo-studenten in "
        "sector techniek 6,4% vrouw (landelijk 19,5%).",
    ]


def test_rank_ranges_where_margins_overlap() -> None:
    f = frame().iloc[[2]].reset_index(drop=True)
    assert messages(f)[1] == (
        "Bij het aandeel havo N staat de Achterhoek in 2023/24 op plaats 4 tot 7 van de 7 "
        "COROP-gebieden in landsdeel Oost (de marges overlappen)."
    )


def test_small_shares_are_never_a_rise_fall_or_rank() -> None:
    f = frame(too_small=[False, True, True])
    out = messages(f)
    assert not any("havo N" in m or ("instroom hbo" in m and "daalde" in m) for m in out)
    assert not any("sterkste stijging" in m for m in out)  # the only rise was too small


def test_passed_target_reached_and_ahead_with_trend() -> None:
    f = frame(
        status=[derived.REACHED, derived.NOT_JUDGED, derived.NO_TARGET],
        judged_year=[2020, pd.NA, pd.NA],
        judged_share=[0.41, pd.NA, pd.NA],
    )
    assert messages(f)[0] == (
        "Voor het aandeel mbo-studenten in sector techniek is het doel van 40% in 2020 in de "
        "Achterhoek gehaald: in 2020/21 was het 41,0%."
    )
    ahead = frame(
        status=[derived.ON_TREND, derived.NOT_JUDGED, derived.NO_TARGET],
        target_year=[2030, 2030, pd.NA],
        judged_year=[pd.NA] * 3,
        projected_year=[2028, pd.NA, pd.NA],
        trend_pp_per_year=[2.5, 0.3, 0.1],
    )
    assert messages(ahead)[0] == (
        "Het aandeel mbo-studenten in sector techniek is in de Achterhoek in 2019/20 20,3%; "
        "bij de stijging van de laatste jaren (+2,5 procentpunt per jaar) wordt het doel van "
        "40% in 2030 in 2028 bereikt."
    )
    falling = frame(status=[derived.FALLING, derived.NOT_JUDGED, derived.NO_TARGET])
    assert "daalt (\u22120,5 procentpunt per jaar)" in messages(falling)[0]
    unclear = frame(status=[derived.NO_CLEAR_TREND, derived.NOT_JUDGED, derived.NO_TARGET])
    assert "geen duidelijke trend" in messages(unclear)[0]


def test_national_has_no_position_or_rank() -> None:
    out = messages(region="Nederland", national=True, landsdeel=None, level="nederland")
    assert not any("landelijk" in m or "plaats" in m for m in out)
    assert out[0].startswith("Voor het aandeel mbo-studenten")


def test_every_number_comes_from_the_frame() -> None:
    f = frame()
    allowed = allowed_numbers(f)
    assert "31,4%" not in allowed  # the check can fail
    for m in messages(f) + messages(f.iloc[[2]].reset_index(drop=True)):
        for token in NUMBER.findall(m):
            assert token in allowed, (token, m)
