"""The command line: help on every option with its default, --version, exit statuses, -v/-q."""

from __future__ import annotations

import argparse
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from reports_standin import make_processed

from analysis import cli


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_option_has_help_and_says_its_default() -> None:
    """Flags (on/off, counts) say what they do; every option with a value names its default."""
    parser = cli._build_parser()
    for name, command in {"": parser, **_subcommands(parser)}.items():
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction) or action.dest == "help":
                continue
            assert action.help, f"{name} {action.option_strings}: no help"
            takes_value = action.nargs != 0 and not isinstance(
                action, argparse._CountAction | argparse._VersionAction
            )
            if takes_value:
                text = command.format_help()
                options = text[text.index("options:") :]
                flag = action.option_strings[-1]
                block = options[options.index(f"  {flag}") :].split("\n  -")[0]
                assert "default" in block, f"{name} {flag}: default not shown"


def test_help_lists_the_exit_statuses() -> None:
    text = cli._build_parser().format_help()
    for status in ("0", "1", "2", "3", "4", "130"):
        assert re.search(rf"^  {status} ", text, re.M), status


def test_version(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert re.fullmatch(r"techniekpact \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_fixed_values_are_checked_by_the_parser(capsys: pytest.CaptureFixture) -> None:
    for argv, message in (
        (["reports", "--format", "html,docx"], "expected a comma-separated subset of html, pdf"),
        (["reports", "--jobs", "0"], "expected at least 1"),
        (["reports", "--jobs", "two"], "expected a whole number"),
    ):
        with pytest.raises(SystemExit) as stop:
            cli.main(argv)
        assert stop.value.code == cli.EXIT_USAGE == 2
        assert message in capsys.readouterr().err


def test_a_data_error_has_its_own_exit_status(tmp_path: Path, capsys) -> None:
    """A processed folder whose manifest is not JSON: exit 3 (not argparse's 2), file named."""
    processed = make_processed(tmp_path / "processed")
    (processed / "manifest.json").write_text("{not json", encoding="utf-8")
    status = cli.main(
        ["reports", "--processed-dir", str(processed), "--reports-dir", str(tmp_path / "r")]
    )
    assert status == cli.EXIT_DATA == 3
    assert "manifest.json" in capsys.readouterr().err


def test_quiet_and_verbose_set_the_console_level(tmp_path: Path) -> None:
    """-q: warnings and errors only; -v: debug too (the batch's settings line)."""
    processed = make_processed(tmp_path / "processed")
    base = [sys.executable, "-m", "analysis.cli"]
    args = ["reports", "--level", "provincie", "--region", "Nergens"]
    args += ["--processed-dir", str(processed), "--reports-dir", str(tmp_path / "r")]
    quiet = subprocess.run([*base, "-q", *args], capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 3 and "unknown region 'Nergens'" in quiet.stderr  # errors stay
    built = ["reports", "--level", "nederland", "--format", "html", "--jobs", "1"]
    built += ["--processed-dir", str(processed), "--reports-dir", str(tmp_path / "r2")]
    notebook = tmp_path / "nb.ipynb"
    from reports_standin import make_notebook

    make_notebook(notebook)
    script = (
        "import sys; from pathlib import Path; from analysis import cli; "
        "from analysis.publish import batch; batch.DEFAULT_NOTEBOOK = Path(sys.argv[1]); "
        "sys.exit(cli.main(sys.argv[2:]))"
    )
    loud = subprocess.run(
        [sys.executable, "-c", script, str(notebook), "-v", *built],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert loud.returncode == 0, loud.stderr
    assert "fresh kernel False" in loud.stderr and "1 built" in loud.stderr
    hushed = subprocess.run(
        [sys.executable, "-c", script, str(notebook), *built, "--force", "-q"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert hushed.returncode == 0 and hushed.stderr == "", hushed.stderr
    log = (tmp_path / "r2" / "reports.log").read_text(encoding="utf-8")
    assert "DEBUG" in log and "1 built" in log  # the log file has everything, even with -q
    assert logging.getLogger("analysis").handlers == []  # main() leaves logging as it was
