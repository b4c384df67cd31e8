"""No test of the fetch package reaches the internet: every name lookup other than the
loopback is refused and recorded, and the module whose tests tried one fails."""

from __future__ import annotations

import socket

import pytest

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(scope="module", autouse=True)
def no_internet():
    """Module-scoped and autouse, so that it also covers module-scoped fixtures."""
    tried: list[str] = []
    real = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if str(host) not in LOOPBACK:
            tried.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, "refused by the test: not the loopback")
        return real(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", loopback_only)
        yield
    assert not tried, f"a test tried to reach {sorted(set(tried))}"
