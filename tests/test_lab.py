"""The analysts' JupyterLab: started exactly as ``make lab`` starts it, then used over HTTP.

The server runs from ``.venv-lab`` (built here with ``make lab-setup`` when missing: slow the
first time), on a free localhost port with a random token. Jupyter's config, runtime and
settings folders point into a temp dir so the test never touches the analyst's own set-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from analysis import lab, paths

REPO = paths.PROJECT_ROOT
LAB_PYTHON = REPO / ".venv-lab" / "bin" / "python"
STARTUP_TIMEOUT_S = 180
BUILD_TIMEOUT_S = 1800


@dataclass
class Server:
    url: str
    token: str
    log: Path

    def request(self, method: str, path: str, body: dict | None = None, token: bool = True):
        """(status, parsed JSON or None) of one REST call."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            req.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab_venv() -> Path:
    """``.venv-lab``, built by ``make lab-setup`` if it is not there yet."""
    result = subprocess.run(
        ["make", "--no-print-directory", "lab-setup"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    assert result.returncode == 0, f"make lab-setup failed:\n{result.stdout}\n{result.stderr}"
    assert LAB_PYTHON.is_file(), f"make lab-setup did not create {LAB_PYTHON}"
    return LAB_PYTHON.parent.parent


@pytest.fixture(scope="module")
def server(lab_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``make lab`` on a free port with a token; stopped (whole process group) afterwards."""
    home = tmp_path_factory.mktemp("jupyter")
    port, token = _free_port(), uuid.uuid4().hex
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    log = home / "lab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"LAB_PORT={port}", "LAB_ARGS=--no-browser"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    srv = Server(f"http://127.0.0.1:{port}", token, log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"make lab exited with {process.returncode}:\n{log.read_text()}")
            try:
                if srv.request("GET", "/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"JupyterLab did not answer within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}"
                )
            time.sleep(0.5)
        yield srv
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_kernel_spec_is_written_once_into_the_environment(tmp_path: Path) -> None:
    python = tmp_path / "bin" / "python"
    target = lab.install_kernel(tmp_path, python)
    assert target == tmp_path / "share/jupyter/kernels/techniekpact/kernel.json"
    spec = json.loads(target.read_text(encoding="utf-8"))
    assert spec["argv"][0] == str(python)
    assert spec["argv"][-2:] == ["-f", "{connection_file}"]
    assert spec["display_name"] == "Python (techniekpact-monitor)"
    before = target.stat().st_mtime_ns
    time.sleep(0.01)
    lab.install_kernel(tmp_path, python)
    assert target.stat().st_mtime_ns == before, "an unchanged kernel spec must not be rewritten"


def test_server_command_is_localhost_only_and_rooted_at_the_repository() -> None:
    command = lab.server_command(Path("/x/python"), port=9999, open_browser=False)
    assert command[:3] == ["/x/python", "-m", "jupyterlab"]
    assert "--ServerApp.ip=127.0.0.1" in command
    assert "--ServerApp.port=9999" in command
    assert f"--ServerApp.root_dir={REPO}" in command
    assert "--MappingKernelManager.default_kernel_name=techniekpact" in command


def test_server_answers_on_localhost_and_requires_the_token(server: Server) -> None:
    status, body = server.request("GET", "/api/status")
    assert status == 200 and "started" in body
    assert server.request("GET", "/api/status", token=False)[0] == 403


def test_project_kernel_is_listed_and_the_default(server: Server, lab_venv: Path) -> None:
    status, body = server.request("GET", "/api/kernelspecs")
    assert status == 200
    assert body["default"] == "techniekpact"
    spec = body["kernelspecs"]["techniekpact"]["spec"]
    assert spec["display_name"] == "Python (techniekpact-monitor)"
    assert Path(spec["argv"][0]) == lab_venv / "bin" / "python"


def test_dutch_is_offered_in_the_language_menu(server: Server) -> None:
    status, body = server.request("GET", "/lab/api/translations")
    assert status == 200
    assert body["data"]["nl_NL"]["nativeName"].startswith("Nederlands")


def test_settings_overrides_are_written_once(tmp_path: Path) -> None:
    target = lab.install_settings(tmp_path)
    assert target == tmp_path / "share/jupyter/lab/settings/overrides.json"
    settings = json.loads(target.read_text(encoding="utf-8"))
    assert settings["@jupyterlab/translation-extension:plugin"] == {"locale": "nl_NL"}
    before = target.stat().st_mtime_ns
    time.sleep(0.01)
    lab.install_settings(tmp_path)
    assert target.stat().st_mtime_ns == before, "unchanged settings must not be rewritten"


def test_lab_opens_in_dutch_without_the_news_pop_up(server: Server) -> None:
    """The defaults JupyterLab serves (what a new analyst gets) come from overrides.json."""
    status, body = server.request(
        "GET", "/lab/api/settings/@jupyterlab/translation-extension:plugin"
    )
    assert status == 200
    assert body["schema"]["properties"]["locale"]["default"] == "nl_NL"
    status, body = server.request(
        "GET", "/lab/api/settings/@jupyterlab/apputils-extension:notification"
    )
    assert status == 200
    props = body["schema"]["properties"]
    assert props["fetchNews"]["default"] == "false"
    assert props["checkForUpdates"]["default"] is False


def _smoke_notebook() -> nbformat.NotebookNode:
    """Cells that need the project package, its folders and the house number format."""
    cells = [
        "import os, sys\nfrom analysis import paths\nfrom analysis.present import text",
        "print(sys.prefix)",
        "print(os.getcwd())",
        "print(paths.PROJECT_ROOT, paths.PROCESSED_DIR, sep='\\n')",
        "text.pct(0.372)",
        "import pandas as pd\nprint(int(pd.DataFrame({'n': [2, 3, 5]})['n'].sum()))",
    ]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])


async def _run_cells(server: Server, kernel_id: str, sources: list[str]) -> list[str]:
    """Execute each source over the kernel websocket; the text each cell printed or returned."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = server.url.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
    request = HTTPRequest(
        url, headers={"Authorization": f"token {server.token}"}, connect_timeout=30
    )
    ws = await websocket_connect(request)
    session, results = uuid.uuid4().hex, []
    try:
        for number, source in enumerate(sources, start=1):
            msg_id = uuid.uuid4().hex
            header = {
                "msg_id": msg_id,
                "msg_type": "execute_request",
                "session": session,
                "username": "test",
                "version": "5.3",
            }
            content = {
                "code": source,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            }
            await ws.write_message(
                json.dumps(
                    {
                        "header": header,
                        "parent_header": {},
                        "metadata": {},
                        "content": content,
                        "channel": "shell",
                    }
                )
            )
            text, idle, replied = [], False, False
            while not (idle and replied):
                raw = await asyncio.wait_for(ws.read_message(), timeout=120)
                assert raw is not None, "the kernel websocket closed"
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, body = msg["msg_type"], msg["content"]
                if kind == "error":
                    pytest.fail(f"cell {number} failed: {body['ename']}: {body['evalue']}")
                if kind == "stream":
                    text.append(body["text"])
                elif kind == "execute_result":
                    text.append(body["data"]["text/plain"])
                elif kind == "execute_reply":
                    replied = True
                elif kind == "status" and body["execution_state"] == "idle":
                    idle = True
            results.append("".join(text).strip())
    finally:
        ws.close()
    return results


def test_a_notebook_runs_through_the_project_kernel(server: Server, lab_venv: Path) -> None:
    status, kernel = server.request("POST", "/api/kernels", {"name": "techniekpact"})
    assert status == 201, f"could not start the project kernel:\n{server.log.read_text()}"
    try:
        sources = [cell.source for cell in _smoke_notebook().cells]
        outputs = asyncio.run(_run_cells(server, kernel["id"], sources))
    finally:
        assert server.request("DELETE", f"/api/kernels/{kernel['id']}")[0] == 204
    assert Path(outputs[1]).resolve() == lab_venv.resolve()
    assert Path(outputs[2]).resolve() == REPO.resolve()
    assert outputs[3].splitlines() == [str(REPO), str(paths.PROCESSED_DIR)]
    assert outputs[4] == "'37,2%'"  # 0.372 in Dutch notation, one decimal
    assert outputs[5] == str(2 + 3 + 5)
