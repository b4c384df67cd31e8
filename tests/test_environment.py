"""environment.yml (conda users) and pyproject.toml (pip/uv, the lock) must name the same set."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from analysis import paths

_NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _normalise(requirement: str) -> tuple[str, str]:
    match = _NAME.match(requirement)
    assert match, requirement
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    spec = match.group(2).replace(" ", "").replace("==", "=")
    return name, spec


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return dict(_normalise(r) for r in requirements)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text())
    found: dict[str, str] = {}
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            if entry.startswith("-e") or entry.split("=")[0].strip() in {"python", "pip"}:
                continue
            name, spec = _normalise(entry)
            found[name] = spec
    return found


def test_environment_yml_names_the_same_dependencies_as_pyproject() -> None:
    declared, conda = _pyproject(), _environment()
    assert sorted(set(declared) - set(conda)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(conda) - set(declared)) == [], "in environment.yml but not pyproject.toml"
    differing = {n: (declared[n], conda[n]) for n in declared if declared[n] != conda[n]}
    assert differing == {}, f"version specifiers differ (pyproject, environment.yml): {differing}"


def test_lock_pins_every_declared_dependency() -> None:
    lock = (paths.PROJECT_ROOT / "locks" / "requirements.lock").read_text()
    pinned = {_normalise(line.split("==")[0])[0] for line in lock.splitlines() if "==" in line}
    core_and_dev = _pyproject()
    lab_only = {"jupyterlab", "jupyterlab-language-pack-nl-nl", "jupytext"}
    missing = sorted(set(core_and_dev) - pinned - lab_only)
    assert missing == [], f"declared but not pinned in locks/requirements.lock: {missing}"


def test_every_module_src_imports_is_declared() -> None:
    """deptry on src/: no import of an undeclared or merely transitive dependency, and no
    declared dependency left unused (configured in pyproject.toml [tool.deptry])."""
    deptry = Path(sys.executable).with_name("deptry")
    result = subprocess.run(
        [str(deptry), "src", "--no-ansi"],
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
