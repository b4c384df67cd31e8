"""Reading an analyst-edited YAML file: one loader for every config file, cached per file
content, whose syntax errors name the line where they start and, for the classic mistake,
say how to fix it.

A name with a leading apostrophe (``'s-Hertogenbosch``) opens a quoted string in YAML that
runs to the end of the file; PyYAML then reports "end of stream" on the last line. The
line that matters is where the quote opened, so that is the one reported.

Parsing uses libyaml (``yaml.CSafeLoader``) where PyYAML was built with it: the pure-Python
loader takes most of a second for the config files of one ``process`` run. The cache (path
and text) makes a report, which reads the same files many times, parse each once; callers
get their own copy, so one cannot change another's.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import ConfigError

# The same safe loader either way; the C one is many times faster on the larger files.
SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A plain scalar that starts with an apostrophe: "'s-Hertogenbosch", "'t Zandt".
_LEADING_APOSTROPHE = re.compile(r"(?:^|[\[,{]|[-:]\s)\s*('[a-z][- ][^,\]}'\n]*)(?:[,\]}]|$)")


def load_yaml(path: str | Path, what: str) -> Any:
    """The parsed file (parsed once per content; a copy of its own for each caller);
    ``ConfigError`` naming the file, ``what`` it is, and the line and a hint when it is not
    YAML."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(path, f"the {what} file does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read the {what} file: {exc}") from exc
    return copy.deepcopy(_parsed(path, source))


@lru_cache(maxsize=32)
def _parsed(path: Path, source: str) -> Any:
    """Keyed by the text itself, not the modification time: a file rewritten within the
    clock's resolution (tests, ``fetch --update``) is never served stale. Reading is cheap;
    parsing is what costs."""
    return parse_yaml(source, path)


def parse_yaml(source: str, path: Path) -> Any:
    """``source`` (the text of ``path``) parsed safely; a ConfigError with the line."""
    try:
        return yaml.load(source, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ConfigError(path, yaml_problem(exc, source)) from exc


def _unquoted_apostrophe(lines: list[str], last: int) -> tuple[int, str] | None:
    """(line index, name) of the first name up to line ``last`` that opens a quote it never
    closes on its line, such as [Oss, 's-Hertogenbosch]."""
    for i, line in enumerate(lines[: last + 1]):
        if line.count("'") % 2 == 1:
            hit = _LEADING_APOSTROPHE.search(line)
            if hit:
                return i, hit.group(1).strip()
    return None


def yaml_problem(exc: yaml.YAMLError, source: str) -> str:
    """'malformed YAML at line 3, column 30: ...; the line reads ...', with a hint."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    lines = source.splitlines()
    culprit = _unquoted_apostrophe(lines, mark.line if mark else len(lines))
    if culprit is not None:
        line, name = culprit
        return (
            f"malformed YAML at line {line + 1}: {name!r} starts with an apostrophe, which YAML "
            f"reads as the start of a quoted text that does not end there ({problem}"
            f"{' ' + context if context else ''} further down). Put the name in double quotes: "
            f'"{name}"; the line reads: {lines[line].strip()}'
        )
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    text = f"malformed YAML{where}: {problem}" + (f" ({context})" if context else "")
    if mark is not None and mark.line < len(lines):
        text += f"; the line reads: {lines[mark.line].strip()}"
        if "\t" in lines[mark.line]:
            text += " (it holds a tab: YAML indents with spaces only)"
    return text


def read_config_yaml(path: str | Path, what: str = "configuration") -> Any:
    """A config file's YAML content (``load_yaml``); a ConfigError naming the file (and, for
    a syntax error, the line, with a hint) when unreadable or invalid."""
    return load_yaml(path, what)
