"""Name lookup with namesakes: a name plus a province hint -> one municipality, or why not.

Used for municipality names and for place names (woonplaatsen). A name that several
municipalities share is resolved by, in order: the province its suffix names ('HENGELO
OV'), the province the row gives, and then the one unambiguous rule that a place named
like a municipality lies in that municipality ('Laren' -> Laren (NH.), not Lochem).
Anything still ambiguous is reported, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from analysis.regions.names import name_key, split_suffix


@dataclass(frozen=True)
class Match:
    """The outcome of one lookup: a municipality code, or a problem, plus any ambiguity."""

    code: str | None
    problem: str | None = None  # why nothing was found (unknown / ambiguous)
    resolved_ambiguity: str | None = None  # how a namesake was decided, for the manifest


@dataclass
class NameIndex:
    """Names -> municipality codes; knows each municipality's province and name key."""

    what: str  # 'municipality' | 'place', for messages
    province_of: dict[str, str]  # municipality code -> province code
    municipality_base: dict[str, str]  # municipality code -> base key of its current name
    _full: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _base: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, name: str, code: str) -> None:
        """Register a spelling of ``name`` for municipality ``code``."""
        key = name_key(name)
        if not key:
            return
        self._full[key].add(code)
        self._base[split_suffix(key)[0]].add(code)

    def _qualified(self, key: str) -> set[str]:
        """'nes ameland' -> Ameland: a name followed by the municipality it lies in."""
        words = key.split(" ")
        for cut in range(1, len(words)):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            hits = {c for c in self._base.get(head, ()) if self.municipality_base.get(c) == tail}
            if len(hits) == 1:
                return hits
        return set()

    def shared_names(self) -> dict[str, list[str]]:
        """Base names that more than one municipality has (to report as ambiguities)."""
        return {k: sorted(v) for k, v in self._base.items() if len(v) > 1}

    def resolve(self, name: object, province_hint: str | None = None) -> Match:
        """The municipality for ``name``; ``province_hint`` is the row's own province code."""
        key = name_key(name)
        if not key:
            return Match(None, f"no {self.what}")
        base, suffix_province = split_suffix(key)
        candidates = self._full.get(key) or self._base.get(base) or self._qualified(key)
        if not candidates:
            return Match(None, f"{self.what} {name!r} unknown")
        if len(candidates) == 1:
            return Match(next(iter(candidates)))
        for hint in (suffix_province, province_hint):
            narrowed = {c for c in candidates if hint and self.province_of.get(c) == hint}
            if narrowed:
                candidates = narrowed
                break
        if len(candidates) == 1:
            return Match(next(iter(candidates)))
        named = {c for c in candidates if self.municipality_base.get(c) == base}
        listed = ", ".join(sorted(candidates))
        if len(named) == 1:
            code = next(iter(named))
            note = f"{self.what} {name!r} is in municipalities {listed}; took {code} (same name)"
            return Match(code, resolved_ambiguity=note)
        return Match(None, f"{self.what} {name!r} is ambiguous (municipalities {listed})")
