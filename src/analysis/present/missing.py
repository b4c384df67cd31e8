"""The sources a store was built without, in Dutch, for the cover, the index and the console.

``techniekpact process`` lists them in the manifest (``missing_sources``) when the last fetch
could not install every locked file. Light on imports: the report batch prints it even on a
no-change run, which imports nothing heavy.
"""

from __future__ import annotations


def missing_sources_note(manifest: dict) -> str:
    """One Dutch sentence naming the missing sources ('' when none): every figure resting on
    them is absent, so the reader must be told on the page, not only in the manifest."""
    missing = manifest.get("missing_sources") or []
    titles = list(dict.fromkeys(m.get("title") or m.get("path", "?") for m in missing))
    if not titles:
        return ""
    return (
        "Let op: niet alle bronnen waren beschikbaar. Deze cijfers zijn gemaakt zonder "
        + "; ".join(titles)
        + ". Indicatoren die op deze bronnen rusten, ontbreken of beslaan minder jaren."
    )
