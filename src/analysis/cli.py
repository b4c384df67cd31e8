"""The ``techniekpact`` command: fetch, process, reports.

Imports of the heavy parts happen inside each subcommand, so ``techniekpact --help``
and no-change re-runs stay fast.

Exit status (also in README.md):
  0    done; every file or report asked for was made
  1    done, but some files or reports failed (each is named on stderr and in the log)
  2    the command line is wrong (argparse)
  3    a data or configuration error: an input file, a config/ file or a publisher is not
       what it should be (the message names the file, and the row or column where known)
  4    another run holds the processed or reports folder; try again when it is done
  130  interrupted (Ctrl-C); what was finished is kept, the next run carries on
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from analysis import paths
from analysis.errors import TechniekpactError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_BUSY = 4
EXIT_INTERRUPTED = 130
DISTRIBUTION = "techniekpact-monitor"
log = logging.getLogger("analysis")


class UsageError(TechniekpactError):
    """Options that cannot go together (found after parsing)."""

    exit_status = EXIT_USAGE


# Every option's help ends with its default ("(default: %(default)s)"), except on/off flags.
DEFAULT = " (default: %(default)s)"


def _version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _jobs(value: str) -> int:
    """--jobs: a whole number of at least 1."""
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {jobs}")
    return jobs


def _formats(value: str) -> list[str]:
    """--format: a comma-separated subset of the report formats."""
    from analysis.publish.plan import FORMATS

    chosen = [f.strip() for f in value.split(",") if f.strip()]
    unknown = sorted(set(chosen) - set(FORMATS))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"{value!r}: expected a comma-separated subset of {', '.join(FORMATS)}"
        )
    return chosen


def _path_option(
    parser: argparse.ArgumentParser,
    flag: str,
    help: str,
    default: Path | None = None,
    metavar: str | None = None,
) -> None:
    """A folder or file option; with a default, its help ends with it (``DEFAULT``)."""
    suffix = DEFAULT if default is not None else ""
    parser.add_argument(flag, type=Path, default=default, metavar=metavar, help=help + suffix)


def _force_option(parser: argparse.ArgumentParser) -> None:
    """``--force`` of the incremental commands (process, reports)."""
    parser.add_argument("--force", action="store_true", help="rebuild even if inputs are unchanged")


def _logging_options(*, top: bool) -> argparse.ArgumentParser:
    """-v/-q, accepted before and after the subcommand."""
    options = argparse.ArgumentParser(add_help=False)
    # In a subcommand, SUPPRESS keeps an unset flag from overwriting the one given before it.
    unset = 0 if top else argparse.SUPPRESS
    options.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=unset,
        help="more messages (-v: debug details)",
    )
    options.add_argument(
        "-q",
        "--quiet",
        action="count",
        default=unset,
        help="only warnings and errors (no progress bar)",
    )
    return options


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="techniekpact",
        description="Techniekpact monitor: raw DUO/CBS data -> store -> regional reports.",
        epilog=__doc__[__doc__.index("Exit status") :],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_logging_options(top=True)],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = {"parents": [_logging_options(top=False)]}

    fetch = sub.add_parser(
        "fetch",
        help="install the files the data lock pins (--update: take the newest releases)",
        **common,
    )
    _path_option(fetch, "--raw-dir", "where the raw files are kept", paths.RAW_DIR)
    _path_option(fetch, "--lock", "the data lock (default: config/data-lock.yaml)")
    fetch.add_argument(
        "--mirror",
        help="a folder or http(s) URL serving the same files (default: the official sources)",
    )
    fetch.add_argument(
        "--duo-portal",
        help="base URL of DUO's CKAN portal (default: https://onderwijsdata.duo.nl)",
    )
    fetch.add_argument(
        "--update",
        action="store_true",
        help="ask the catalogues for the newest releases, verify them, print what changed "
        "and write the new lock",
    )
    fetch.add_argument(
        "--allow-offline",
        action="store_true",
        help="when nothing can be downloaded, warn and exit 0 (processing then uses demo data)",
    )
    fetch.add_argument(
        "--allow-partial",
        action="store_true",
        help="when some files cannot be had, warn and exit 0 (reports name the missing sources)",
    )

    process = sub.add_parser(
        "process", help="raw files -> processed store, manifest, indicators", **common
    )
    _path_option(process, "--raw-dir", "the raw files to read (in place)", paths.RAW_DIR)
    _path_option(
        process,
        "--processed-dir",
        "where the store, manifest and indicator tables are written",
        paths.PROCESSED_DIR,
    )
    _force_option(process)
    process.add_argument(
        "--demo",
        action="store_true",
        help="process the synthetic demo dataset (also used automatically when raw-dir is empty)",
    )
    process.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        help="processes reading the raw files in parallel (default: one per core, here "
        f"{os.cpu_count() or 1})",
    )

    reports = sub.add_parser("reports", help="build the regional progress reports", **common)
    reports.add_argument(
        "--level",
        default="all",
        help="nederland, landsdeel, provincie, corop, gemeente, a level of config/regions.yaml, "
        "or all (all leaves out gemeente unless config/gemeenten.yaml says in_all_reports: true)"
        + DEFAULT,
    )
    reports.add_argument(
        "--region",
        action="append",
        default=[],
        help="a region name; repeat for more (default: every region of --level)",
    )
    reports.add_argument(
        "--format",
        type=_formats,
        default="html,pdf",
        help="comma-separated subset of html, pdf" + DEFAULT,
    )
    reports.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        help=f"parallel workers (default: one per core, here {os.cpu_count() or 1})",
    )
    _path_option(
        reports, "--processed-dir", "the processed store to report on", paths.PROCESSED_DIR
    )
    _path_option(
        reports,
        "--reports-dir",
        "where the reports, index.html and the batch log (reports.log) are written",
        paths.REPORTS_DIR,
    )
    _force_option(reports)
    _path_option(
        reports,
        "--previous-edition",
        "an earlier reports folder: each report says what changed since that edition "
        "(default: none, no such section)",
        metavar="DIR",
    )
    _path_option(
        reports,
        "--texts-dir",
        "the regions' own texts, <level>/<slug>.md (default: config/teksten)",
        metavar="DIR",
    )
    reports.add_argument(
        "--fresh-kernel",
        action="store_true",
        help="debugging: run each report the plain way, in a new Jupyter kernel (slower)",
    )
    _add_config_options(sub)
    return parser


def configure_logging(verbose: int, quiet: int) -> logging.Handler:
    """Messages of the ``analysis`` loggers to stderr: INFO by default, DEBUG with -v,
    WARNING with -q."""
    level = logging.INFO
    if verbose > quiet:
        level = logging.DEBUG
    elif quiet > verbose:
        level = logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.setLevel(level)
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG)  # the handler filters; a batch's log file gets everything
    log.propagate = False
    return handler


# --- configuration: check-config and --config-dir (the analyst's workbench) ---------------


def _add_config_options(sub: argparse._SubParsersAction) -> None:
    """``check-config``, and ``--config-dir`` on every subcommand."""
    check = sub.add_parser(
        "check-config",
        help="check config/indicators.yaml, regions.yaml and publication.yaml in seconds, "
        "every problem at once (reads only the small reference files, and the processed "
        "store if there is one)",
    )
    _path_option(check, "--raw-dir", "the reference files", paths.RAW_DIR)
    _path_option(
        check,
        "--processed-dir",
        "a store whose values the rules are checked against, if present",
        paths.PROCESSED_DIR,
    )
    for command in sub.choices.values():
        _path_option(
            command,
            "--config-dir",
            "read regions.yaml and indicators.yaml from this folder instead of config/ "
            "(same as TECHNIEKPACT_CONFIG_DIR; default: config/)",
        )


def _run_config_options(args: argparse.Namespace) -> int | None:
    """Apply ``--config-dir``; run ``check-config``; None when another command runs."""
    if args.config_dir is not None:
        if not args.config_dir.is_dir():
            raise ConfigDirError(f"--config-dir {args.config_dir}: not a folder")
        paths.use_config_dir(args.config_dir)
    if args.command == "check-config":
        from analysis.store.configcheck import run_check_config
        from analysis.store.process import input_files

        files = input_files(args.raw_dir) if args.raw_dir.is_dir() else []
        return run_check_config(args.raw_dir, args.processed_dir, files)
    return None


class ConfigDirError(TechniekpactError):
    """``--config-dir`` names no folder."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _build_parser().parse_args(argv)
    console = configure_logging(args.verbose, args.quiet)
    try:
        status = _run_config_options(args)
        if status is not None:
            return status
        if args.command == "fetch":
            return _fetch(args)
        if args.command == "process":
            from analysis.store.process import run_process

            return run_process(
                args.raw_dir, args.processed_dir, force=args.force, demo=args.demo, jobs=args.jobs
            )
        if args.command == "reports":
            from analysis.publish.batch import run_batch

            formats = args.format if isinstance(args.format, list) else _formats(args.format)
            return run_batch(
                level=args.level,
                regions=args.region,
                formats=formats,
                jobs=args.jobs,
                processed_dir=args.processed_dir,
                reports_dir=args.reports_dir,
                force=args.force,
                previous_edition=args.previous_edition,
                texts_dir=args.texts_dir,
                fresh_kernel=args.fresh_kernel,
                progress=args.quiet <= args.verbose,
            )
    except KeyboardInterrupt:
        log.error("techniekpact %s: interrupted; finished files are kept.", args.command)
        return EXIT_INTERRUPTED
    except TechniekpactError as exc:
        log.error("techniekpact %s: error: %s", args.command, exc)
        return getattr(exc, "exit_status", EXIT_DATA)
    finally:  # main() may be called again in one process (tests): leave logging as it was
        log.removeHandler(console)
        log.propagate = True
        log.setLevel(logging.NOTSET)
    return EXIT_FAILED


def _fetch(args: argparse.Namespace) -> int:
    from analysis.fetch import run_fetch, run_update

    portals = {"duo": args.duo_portal} if args.duo_portal else {}
    if args.update and (args.mirror or args.allow_offline or args.allow_partial):
        raise UsageError(
            "--update asks the publishers' catalogues; --mirror, --allow-offline and "
            "--allow-partial are for `techniekpact fetch` from the lock"
        )
    if args.update:
        return run_update(args.raw_dir, lock_path=args.lock, portals=portals)
    return run_fetch(
        args.raw_dir,
        mirror=args.mirror,
        allow_offline=args.allow_offline,
        allow_partial=args.allow_partial,
        lock_path=args.lock,
        portals=portals,
    )


if __name__ == "__main__":
    sys.exit(main())
