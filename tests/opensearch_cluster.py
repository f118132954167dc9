"""A real 2-node OpenSearch cluster for the backend's tests, started once per session by the project's script.

``deploy/dev-opensearch.sh`` assembles OpenSearch from Maven Central and starts it on free ports of
127.0.0.1. Without Java or Maven the tests that need it are skipped, except under ``CI=true``, where a
cluster that cannot start fails the run. ``KLIPING_OPENSEARCH_URLS`` (space-separated node URLs, the
first two as node-1 and node-2) points the tests at a cluster already running instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "dev-opensearch.sh"


@dataclass
class Cluster:
    urls: list[str]
    directory: Path | None  # None: a cluster the tests did not start (and must not stop)

    def stop_node(self, number: int) -> None:
        if self.directory is None:
            pytest.skip("KLIPING_OPENSEARCH_URLS names a cluster these tests did not start; not stopping its nodes")
        subprocess.run([str(SCRIPT), "stop-node", str(number), str(self.directory)], check=True, timeout=120)


@pytest.fixture(scope="session")
def opensearch_cluster() -> Iterator[Cluster]:
    given = os.environ.get("KLIPING_OPENSEARCH_URLS", "").split()
    if given:
        yield Cluster(given, None)
        return
    in_ci = os.environ.get("CI") == "true"
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        if in_ci:
            pytest.fail(f"CI=true but missing: {' and '.join(missing)}; the OpenSearch tests cannot run")
        pytest.skip(f"{' and '.join(missing)} not installed: the OpenSearch backend tests need a real cluster")
    # not pytest's 0700 tmp: as root the nodes run as nobody, who must reach their folders
    directory = Path(tempfile.mkdtemp(prefix="kliping-opensearch-test-", dir="/var/tmp"))
    directory.chmod(0o755)
    started = subprocess.run([str(SCRIPT), "start", str(directory)], capture_output=True, text=True, timeout=400)
    if started.returncode != 0:
        message = f"the OpenSearch cluster did not start:\n{started.stderr[-3000:]}"
        subprocess.run([str(SCRIPT), "stop", str(directory)], timeout=120)
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield Cluster(started.stdout.split(), directory)
    finally:
        subprocess.run([str(SCRIPT), "stop", str(directory)], timeout=180)
        shutil.rmtree(directory, ignore_errors=True)
