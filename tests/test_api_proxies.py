"""X-Forwarded-For names the client only when a configured proxy sent it, and only as an address:
otherwise a client could rotate the header for a fresh rate-limit bucket on every request."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from test_api_support import Dataset, uvicorn_server, write_config

from kliping.config import load_config
from kliping.errors import ConfigError

pytest_plugins = ["test_api_support"]

LIMIT = 5


def _config(root: Path, dataset: Dataset, trusted: list[str]) -> Path:
    return write_config(root, rate_limit=LIMIT, data_dir=dataset.config.data_dir, trusted_proxies=trusted)


def _statuses(base: str, forwarded: list[str]) -> list[int]:
    with httpx.Client(base_url=base, timeout=10.0) as client:
        return [client.get("/sources", headers={"X-Forwarded-For": value}).status_code for value in forwarded]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(tmp_path: Path, dataset: Dataset) -> None:
    with uvicorn_server(_config(tmp_path, dataset, [])) as base:
        statuses = _statuses(base, [f"203.0.113.{i}" for i in range(LIMIT + 3)])
    assert statuses.count(429) >= 3, statuses


def test_a_trusted_proxy_tells_clients_apart_but_not_by_garbage(tmp_path: Path, dataset: Dataset) -> None:
    with uvicorn_server(_config(tmp_path, dataset, ["127.0.0.1", "::1"])) as base:
        assert set(_statuses(base, [f"203.0.113.{i}" for i in range(LIMIT + 3)])) == {200}
        # the rightmost address the proxy did not add is the client: a client-chosen left part changes nothing
        chained = _statuses(base, [f"198.51.100.{i}, 192.0.2.7" for i in range(LIMIT + 3)])
        assert chained.count(429) >= 3, chained
        garbage = _statuses(base, [f"not-an-ip-{i}" for i in range(LIMIT + 3)])
        assert garbage.count(429) >= 3, garbage


def test_a_trusted_proxy_must_be_an_address(tmp_path: Path) -> None:
    path = write_config(tmp_path, trusted_proxies=["nginx.local"])
    with pytest.raises(ConfigError, match="trusted_proxies.*not an IP address"):
        load_config(path)
