"""Errors that tell the user which file, which row or column, and what was expected."""

from __future__ import annotations

from pathlib import Path


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
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ConfigErrors(ConfigError):
    """Several configuration problems found in one pass: an analyst fixes them all at once
    instead of paying a run per mistake."""

    def __init__(self, path: str | Path, problems: list[str]) -> None:
        self.problems = list(problems)
        listed = "".join(f"\n  - {p}" for p in self.problems)
        text = (
            self.problems[0]
            if len(self.problems) == 1
            else f"{len(self.problems)} problems:{listed}"
        )
        super().__init__(path, text)

    @classmethod
    def collect(cls, path: str | Path, errors: list[ConfigError]) -> None:
        """Raise one error for ``errors`` (their problems flattened); nothing when empty."""
        problems = [p for e in errors for p in getattr(e, "problems", [e.problem])]
        if problems:
            raise cls(path, problems)
