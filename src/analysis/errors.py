"""Errors that tell the user which file, which row or column, and what was expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class TechniekpactError(Exception):
    """Base class: every error the pipeline raises on purpose."""


class DataError(TechniekpactError):
    """A raw file that cannot be read as what it claims or is expected to be."""

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.column = column
        self.expected = expected
        where = [str(self.path)]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        message = f"{', '.join(where)}: {problem}"
        if expected:
            message += f" (expected {expected})"
        super().__init__(message)

    def naming_column(self, column: str) -> DataError:
        """The same error, naming the column as the file itself calls it."""
        return DataError(
            self.path, self.problem, line=self.line, column=column, expected=self.expected
        )


class ConfigError(TechniekpactError):
    """A configuration file (regions, indicators) that is malformed or refers to unknowns."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        super().__init__(f"{self.path}: {problem}")


def read_config_yaml(path: Path) -> Any:
    """A config file's YAML content; a ConfigError naming the file when unreadable or invalid."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(path, f"cannot be read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(path, f"is not valid YAML: {exc}") from exc
