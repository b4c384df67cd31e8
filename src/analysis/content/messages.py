"""The key messages of a report, by rules (docs/methodology.md, "Kernboodschappen").

1. The target indicators first, in the order of config/indicators.yaml: one sentence per
   judged target (passed: the verdict on the target year; ahead: the trend), one sentence
   naming the targets not judged for this region and why.
2. The head indicator (the first target indicator, else the first indicator) against the
   national value, in its latest school year, and its place among its peers ("laatste"
   for the last place, a range where margins overlap).
3. The region's largest rise and largest fall: per indicator the change over the longest
   span available up to five years (named: "in vijf jaar", "in twee jaar").
4. Women's share of the head indicator. At most seven sentences, cut from the end.

Every sentence names one school year (the one its numbers belong to), and every number
comes from the scorecard frame (``analysis.content.scorecard.scorecard_frame``). Shares
that are too small or rest on no programme are never a rise, a fall or a place.
"""

from __future__ import annotations

import pandas as pd

from analysis.indicators import derived
from analysis.present import text
from analysis.present.text import lcfirst, level_plural, pct, pp_abs, schooljaar

MAX_MESSAGES = 7
SPAN_WORDS = {1: "één jaar", 2: "twee jaar", 3: "drie jaar", 4: "vier jaar", 5: "vijf jaar"}


def _ok(row: pd.Series) -> bool:
    """A share a message may use as a number (not too small, not 'no programme')."""
    return not (text.is_missing(row["share"]) or text.flag(row, "too_small")) and not text.flag(
        row, "no_programme"
    )


def _target_sentence(row: pd.Series, region: str) -> str | None:
    """One judged target, in one school year."""
    naam, status = lcfirst(row["naam"]), row["status"]
    goal = f"het doel van {text.goal_text(row['target'], row['target_year'])}"
    when = schooljaar(row["year"])
    if status in (derived.REACHED, derived.MISSED) and not text.is_missing(row["judged_year"]):
        jy = schooljaar(row["judged_year"])
        if int(row["judged_year"]) < int(row["target_year"]):
            jy += " (het laatste schooljaar met cijfers vóór het doeljaar)"
        if status == derived.REACHED:
            return (
                f"Voor het aandeel {naam} is {goal} in {region} gehaald: in {jy} was het "
                f"{pct(row['judged_share'])}."
            )
        return (
            f"Voor het aandeel {naam} is {goal} in {region} niet gehaald: in {jy} was het "
            f"{pct(row['judged_share'])}, {pp_abs(row['gap_pp'])} onder het doel."
        )
    now = f"Het aandeel {naam} is in {region} in {when} {pct(row['share'])}"
    if status == derived.REACHED:
        return f"{now}: {goal} is bereikt."
    slope = row.get("trend_pp_per_year")
    if status == derived.ON_TREND:
        return (
            f"{now}; bij de stijging van de laatste jaren ({text.pp(slope)} per jaar) "
            f"wordt {goal} in {int(row['projected_year'])} bereikt."
        )
    if status == derived.FALLING:
        return f"{now} en daalt ({text.pp(slope)} per jaar): {goal} komt niet dichterbij."
    if status == derived.NO_CLEAR_TREND:
        return f"{now}; er is geen duidelijke trend naar {goal}."
    if status == derived.NOT_ON_TREND:
        return f"{now}; bij de huidige stijging wordt {goal} niet binnen afzienbare tijd bereikt."
    if status == derived.TOO_FEW_YEARS:
        return f"{now}; voor een trend naar {goal} zijn te weinig jaren beschikbaar."
    if status == derived.TOO_SMALL:
        return f"Het aandeel {naam} rust in {region} op te weinig studenten voor een oordeel."
    if status == derived.NO_PROGRAMME:
        return f"In {region} is geen {row['level']}-opleiding in bèta-techniek met studenten."
    return None


def _not_judged(rows: pd.DataFrame, region: str, reasons: dict[str, str]) -> str | None:
    if rows.empty:
        return None
    names = text.join_and([lcfirst(n) for n in rows["naam"]])
    why = "; ".join(r for r in dict.fromkeys(reasons.get(str(lv), "") for lv in rows["level"]) if r)
    return f"Over het doel voor {names} geeft deze rapportage voor {region} geen oordeel" + (
        f": {why}." if why else "."
    )


def _position(row: pd.Series, region: str) -> str | None:
    if not _ok(row) or text.is_missing(row["national_share"]):
        return None
    diff = row["diff_national_pp"]
    naam, when = lcfirst(row["naam"]), schooljaar(row["year"])
    if text.num(abs(float(diff)), 1) == "0,0":
        relation = "gelijk aan het landelijke aandeel"
    else:
        relation = f"{pp_abs(diff)} {'boven' if diff > 0 else 'onder'} het landelijke aandeel"
    return (
        f"In {when} ligt het aandeel {naam} in {region} met {pct(row['share'])} "
        f"{relation} van {pct(row['national_share'])}."
    )


def _changes(frame: pd.DataFrame, region: str) -> list[str]:
    """Largest rise and largest fall, each over its indicator's longest span (<= 5 years)."""
    usable = frame[
        frame.apply(_ok, axis=1) & frame["change_span_pp"].notna() & frame["span_years"].notna()
    ]
    out = []
    for word, sign in (("steeg", 1), ("daalde", -1)):
        values = usable["change_span_pp"].astype("float64") * sign
        values = values[values.round(1) > 0]
        if values.empty:
            continue
        row = usable.loc[values.idxmax()]
        span = SPAN_WORDS.get(int(row["span_years"]), f"{int(row['span_years'])} jaar")
        kind = "sterkste stijging" if sign > 0 else "sterkste daling"
        out.append(
            f"De {kind} in {region}: het aandeel {lcfirst(row['naam'])} {word} in {span} "
            f"met {pp_abs(row['change_span_pp'])}, tot {pct(row['share'])} in "
            f"{schooljaar(row['year'])}."
        )
    return out


def _gender(row: pd.Series, region: str, national: bool) -> str | None:
    if text.is_missing(row["women_share"]) or not _ok(row):
        return None
    out = (
        f"In {schooljaar(row['year'])} is van wie in {region} meetelt bij het aandeel "
        f"{lcfirst(row['naam'])} {pct(row['women_share'])} vrouw"
    )
    if not national and not text.is_missing(row["women_share_national"]):
        out += f" (landelijk {pct(row['women_share_national'])})"
    return out + "."


def _rank(row: pd.Series, region: str, landsdeel: str | None, level: str | None) -> str | None:
    """The place among the peers ('op de laatste plaats van de 5 landsdelen', '1–2 van 5')."""
    if not _ok(row):
        return None
    naam, when = lcfirst(row["naam"]), schooljaar(row["year"])
    for scope, among in (
        ("landsdeel", f"{level_plural(level)} in landsdeel {landsdeel}" if level else ""),
        ("level", level_plural(level) if level else "regio's van hetzelfde niveau"),
    ):
        if scope == "landsdeel" and not landsdeel:
            continue
        parts = text.place_parts(
            row.get(f"rank_{scope}"), row.get(f"rank_{scope}_worst"), row.get(f"regions_in_{scope}")
        )
        if parts is None:
            continue
        best, worst, n = parts
        if best == n:
            spot = f"op de laatste plaats van de {n} {among}"
        elif worst == best:
            spot = f"op plaats {best} van de {n} {among}"
        else:
            spot = f"op plaats {best} tot {worst} van de {n} {among} (de marges overlappen)"
        return f"Bij het aandeel {naam} staat {region} in {when} {spot}."
    return None


def key_messages(
    scorecard: pd.DataFrame,
    *,
    region: str,
    national: bool,
    landsdeel: str | None = None,
    level: str | None = None,
    not_judged_reasons: dict[str, str] | None = None,
    without_data: list[str] | None = None,
) -> list[str]:
    """At most seven Dutch key messages by the rules above. ``region`` is the region as a
    sentence names it ('de Achterhoek'); ``not_judged_reasons`` maps a school level to why
    its targets are not judged here; ``without_data`` are sentences on target indicators the
    region has no figures for (said with the targets)."""
    frame = scorecard[scorecard["share"].notna()] if len(scorecard) else scorecard
    if frame.empty:
        return [f"Voor {region} zijn geen indicatorwaarden beschikbaar."]
    targets = frame[frame["target"].notna()]
    judged = targets[targets["status"] != derived.NOT_JUDGED]
    messages = [_target_sentence(row, region) for _, row in judged.iterrows()]
    messages.extend(without_data or [])
    messages.append(
        _not_judged(
            targets[targets["status"] == derived.NOT_JUDGED], region, not_judged_reasons or {}
        )
    )
    usable = frame[frame.apply(_ok, axis=1)]
    head_pool = usable[usable["target"].notna()]
    head = (head_pool if len(head_pool) else usable).iloc[0] if len(usable) else None
    if head is not None and not national:
        messages.append(_position(head, region))
        messages.append(_rank(head, region, landsdeel, level))
    messages.extend(_changes(frame, region))
    if head is not None:
        messages.append(_gender(head, region, national))
    return [m for m in messages if m][:MAX_MESSAGES]
