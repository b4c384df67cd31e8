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

_LEADING_APOSTROPHE = re.compile(r"(?:^|[\[,\s-])'([A-Za-z]-[^,\]'\n]*)")


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


def yaml_problem(exc: yaml.YAMLError, source: str) -> str:
    """'malformed YAML at line 3, column 30 (while scanning a quoted scalar): ...; hint'."""
    context_mark = getattr(exc, "context_mark", None)
    problem_mark = getattr(exc, "problem_mark", None)
    quoted = "quoted scalar" in str(getattr(exc, "context", "") or "")
    mark = context_mark if quoted and context_mark is not None else problem_mark or context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"malformed YAML{where}: {problem}" + (f" ({context})" if context else "")
    if mark is not None:
        lines = source.splitlines()
        if mark.line < len(lines):
            line = lines[mark.line].strip()
            text += f"; the line reads: {line}"
            hit = _LEADING_APOSTROPHE.search(lines[mark.line])
            if quoted and hit:
                name = "'" + hit.group(1).strip()
                text += (
                    f" — a name that starts with an apostrophe must be put in double quotes: "
                    f'"{name}"'
                )
    return text
