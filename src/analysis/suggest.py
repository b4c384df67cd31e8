"""'Did you mean' hints for names a user typed: one helper, one cut-off, everywhere.

Stdlib only: the report batch uses it before it may import pandas.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

# difflib's similarity ratio a candidate needs (0..1). 0.6 is difflib's own default: it
# catches a dropped or swapped letter ('Utrech', 'provinsie') without offering names that
# merely share a few letters. A second pass ignores case ('utrecht' -> 'Utrecht').
CUTOFF = 0.6
MAX_SUGGESTIONS = 5


def did_you_mean(word: object, candidates: Iterable[object], *, quoted: bool = False) -> str:
    """'; did you mean: a, b?' with the closest candidates, or '' when none is close.

    ``quoted`` writes each as a Python literal ('a'), for messages that quote names so.
    """
    options = sorted({str(c) for c in candidates})
    word = str(word)
    matches = difflib.get_close_matches(word, options, n=MAX_SUGGESTIONS, cutoff=CUTOFF)
    if not matches:
        folded = {o.casefold(): o for o in options}
        close = difflib.get_close_matches(
            word.casefold(), list(folded), n=MAX_SUGGESTIONS, cutoff=CUTOFF
        )
        matches = [folded[m] for m in close]
    shown = [repr(m) if quoted else m for m in matches]
    return f"; did you mean: {', '.join(shown)}?" if matches else ""


def fold(value: object) -> str:
    """A name as people type it: no case, no accents, any run of punctuation a space
    ('Fryslân' = 'fryslan', 'Noord Holland' = 'noord-holland')."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def match(word: object, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` means: itself, else the one that equals it after ``fold``.

    None when there is no such candidate or several (then the caller lists them).
    """
    options = list(dict.fromkeys(candidates))
    if word in options:
        return str(word)
    key = fold(word)
    folded = [o for o in options if fold(o) == key]
    return folded[0] if len(folded) == 1 else None
