"""The analysts' JupyterLab: the project kernel and the server command behind ``make lab``.

Standard library only, so the lean ``.venv`` (tests) and ``.venv-lab`` (JupyterLab) build
exactly the same command line: the test starts the server the way ``make lab`` does.
The kernel spec is written into the lab venv itself (``<prefix>/share/jupyter/kernels``),
never into the analyst's home, so removing ``.venv-lab`` removes every trace of it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis import atomic, paths

KERNEL_NAME = "techniekpact"
KERNEL_DISPLAY_NAME = "Python (techniekpact-monitor)"
DEFAULT_PORT = 8888
# Dutch must be offered in JupyterLab's Settings > Language menu, and is chosen by default.
LANGUAGE_PACK_LOCALE = "nl_NL"
# JupyterLab defaults for the analysts, shipped in the lab venv (``overrides.json`` sets the
# defaults; what an analyst picks in Settings still wins): the interface in Dutch, and no
# "fetch news?" pop-up nor update check (no calls to jupyter.org from the workbench).
SETTINGS_OVERRIDES = {
    "@jupyterlab/translation-extension:plugin": {"locale": LANGUAGE_PACK_LOCALE},
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def kernel_spec(python: Path) -> dict:
    """The kernel.json of the project kernel running ``python``.

    No ``TECHNIEKPACT_*`` values are frozen in here: ``analysis.paths`` finds the repository
    folders from the editable install, and variables set when starting ``make lab`` reach
    the kernel through the server's environment.
    """
    return {
        "argv": [
            str(python),
            "-Xfrozen_modules=off",  # lets the debugger set breakpoints without warnings
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
        ],
        "display_name": KERNEL_DISPLAY_NAME,
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"debugger": True},
    }


def kernel_dir(prefix: Path) -> Path:
    """Where Jupyter looks for kernels installed into the environment at ``prefix``."""
    return Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME


def install_kernel(prefix: Path, python: Path) -> Path:
    """Write (or refresh) the project kernel spec into ``prefix``; returns its kernel.json."""
    target = kernel_dir(prefix) / "kernel.json"
    text = json.dumps(kernel_spec(python), indent=2) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        atomic.write_text(target, text)
    return target


def settings_file(prefix: Path) -> Path:
    """Where JupyterLab in the environment at ``prefix`` reads its default overrides."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def install_settings(prefix: Path) -> Path:
    """Write (or refresh) ``SETTINGS_OVERRIDES`` into ``prefix``; returns the file."""
    target = settings_file(prefix)
    text = json.dumps(SETTINGS_OVERRIDES, indent=2) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        atomic.write_text(target, text)
    return target


def server_command(
    python: Path, *, port: int, open_browser: bool = True, extra: Sequence[str] = ()
) -> list[str]:
    """``jupyter lab`` on localhost only, rooted at the repository, the project kernel first."""
    return [
        str(python),
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={paths.PROJECT_ROOT}",
        f"--ServerApp.open_browser={open_browser}",
        f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
        # Containers and CI run as root; the server still listens on localhost only.
        *(["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []),
        *extra,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis.lab kernel|serve``: run with the lab venv's python."""
    parser = argparse.ArgumentParser(prog="python -m analysis.lab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("kernel", help=f"install the {KERNEL_NAME!r} kernel into this environment")
    serve = sub.add_parser("serve", help="install the kernel, then start JupyterLab")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--no-browser", action="store_true")
    # Anything else (e.g. --ServerApp.token=...) is passed on to ``jupyter lab`` unchanged.
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "serve":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    python = Path(sys.executable)
    spec = install_kernel(Path(sys.prefix), python)
    print(f"Kernel {KERNEL_DISPLAY_NAME!r} ({KERNEL_NAME}): {spec}")
    print(f"JupyterLab defaults (Dutch, no news pop-up): {install_settings(Path(sys.prefix))}")
    if args.command == "kernel":
        return 0
    command = server_command(python, port=args.port, open_browser=not args.no_browser, extra=extra)
    print("Starting JupyterLab:", " ".join(command), flush=True)
    os.chdir(paths.PROJECT_ROOT)
    os.execv(command[0], command)  # replace this process: Ctrl-C and signals reach Jupyter
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
