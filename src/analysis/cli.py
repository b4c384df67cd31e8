"""The ``techniekpact`` command: fetch, process, reports.

Imports of the heavy parts happen inside each subcommand, so ``techniekpact --help``
and no-change re-runs stay fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import paths
from analysis.errors import TechniekpactError


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="techniekpact",
        description="Techniekpact monitor: raw DUO/CBS data -> store -> regional reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    fetch = sub.add_parser(
        "fetch", help="install the files the data lock pins (--update: take the newest releases)"
    )
    fetch.add_argument("--raw-dir", type=Path, default=paths.RAW_DIR)
    fetch.add_argument(
        "--lock", type=Path, default=None, help="the data lock (default: config/data-lock.yaml)"
    )
    fetch.add_argument("--mirror", help="a folder or http(s) URL serving the same files")
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

    process = sub.add_parser("process", help="raw files -> processed store, manifest, indicators")
    process.add_argument("--raw-dir", type=Path, default=paths.RAW_DIR)
    process.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR)
    process.add_argument(
        "--force", action="store_true", help="rebuild even if inputs are unchanged"
    )
    process.add_argument(
        "--demo",
        action="store_true",
        help="process the synthetic demo dataset (also used automatically when raw-dir is empty)",
    )

    reports = sub.add_parser("reports", help="build the regional progress reports")
    reports.add_argument(
        "--level",
        default="all",
        help="nederland, landsdeel, provincie, corop, a custom level, or all",
    )
    reports.add_argument("--region", action="append", default=[], help="a region name (repeatable)")
    reports.add_argument("--format", default="html,pdf", help="comma-separated: html,pdf")
    reports.add_argument("--jobs", type=int, default=None, help="parallel workers (default: cores)")
    reports.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR)
    reports.add_argument("--reports-dir", type=Path, default=paths.REPORTS_DIR)
    reports.add_argument(
        "--force", action="store_true", help="rebuild even if inputs are unchanged"
    )
    _add_config_options(sub)
    return parser


# --- configuration: check-config and --config-dir (the analyst's workbench) ---------------


def _add_config_options(sub: argparse._SubParsersAction) -> None:
    """``check-config``, and ``--config-dir`` on every subcommand."""
    check = sub.add_parser(
        "check-config",
        help="check config/indicators.yaml and config/regions.yaml in seconds, every problem "
        "at once (reads only the small reference files, and the processed store if there is one)",
    )
    check.add_argument("--raw-dir", type=Path, default=paths.RAW_DIR)
    check.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR)
    for command in sub.choices.values():
        command.add_argument(
            "--config-dir",
            type=Path,
            default=None,
            help="read regions.yaml and indicators.yaml from this folder instead of config/ "
            "(same as TECHNIEKPACT_CONFIG_DIR)",
        )


def _run_config_options(args: argparse.Namespace) -> int | None:
    """Apply ``--config-dir``; run ``check-config``; None when another command runs."""
    if args.config_dir is not None:
        if not args.config_dir.is_dir():
            raise ConfigDirError(f"--config-dir {args.config_dir}: not a folder")
        paths.use_config_dir(args.config_dir)
    if args.command == "check-config":
        from analysis.store.configcheck import run_check_config

        return run_check_config(args.raw_dir, args.processed_dir)
    return None


class ConfigDirError(TechniekpactError):
    """``--config-dir`` names no folder."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _build_parser().parse_args(argv)
    try:
        status = _run_config_options(args)
        if status is not None:
            return status
        if args.command == "fetch":
            return _fetch(args)
        if args.command == "process":
            from analysis.store.process import run_process

            return run_process(args.raw_dir, args.processed_dir, force=args.force, demo=args.demo)
        if args.command == "reports":
            from analysis.publish.batch import run_batch

            return run_batch(
                level=args.level,
                regions=args.region,
                formats=[f.strip() for f in args.format.split(",") if f.strip()],
                jobs=args.jobs,
                processed_dir=args.processed_dir,
                reports_dir=args.reports_dir,
                force=args.force,
            )
    except TechniekpactError as exc:
        print(f"techniekpact {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 1


def _fetch(args: argparse.Namespace) -> int:
    from analysis.fetch import run_fetch, run_update

    portals = {"duo": args.duo_portal} if args.duo_portal else {}
    if args.update and (args.mirror or args.allow_offline or args.allow_partial):
        raise TechniekpactError(
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
