"""Reading an analyst-edited YAML file: a syntax error names the line where it starts and,
for the classic mistake, says how to fix it.

A name with a leading apostrophe (``'s-Hertogenbosch``) opens a quoted string in YAML that
runs to the end of the file; PyYAML then reports "end of stream" on the last line. The
line that matters is where the quote opened, so that is the one reported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import ConfigError

# A plain scalar that starts with an apostrophe: "'s-Hertogenbosch", "'t Zandt".
_LEADING_APOSTROPHE = re.compile(r"(?:^|[\[,{]|[-:]\s)\s*('[a-z][- ][^,\]}'\n]*)(?:[,\]}]|$)")


def load_yaml(path: Path, what: str) -> Any:
    """The parsed file; ``ConfigError`` naming the file, line and a hint when it is not YAML."""
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(path, f"the {what} file does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read the {what} file: {exc}") from exc
    try:
        return yaml.safe_load(source)
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
    return text


def read_config_yaml(path: Path) -> Any:
    """A config file's YAML content; a ConfigError naming the file (and, for a syntax error,
    the line, with a hint) when unreadable or invalid."""
    return load_yaml(path, "configuration")
