"""The cluster connection: one opensearch-py client per config, and its failures as kliping errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as ClusterUnreachable
from opensearchpy.exceptions import ConnectionTimeout, TransportError

from kliping.config import IndexConfig
from kliping.errors import IndexBusy

log = logging.getLogger(__name__)


def connect(config: IndexConfig) -> OpenSearch:
    """A client that spreads requests over ``hosts`` and retries another node when one is down."""
    return OpenSearch(hosts=list(config.hosts), timeout=config.timeout, max_retries=3 * len(config.hosts),
                      retry_on_timeout=True)


@contextmanager
def answering(config: IndexConfig) -> Iterator[None]:
    """Turns a cluster that does not answer into :class:`IndexBusy` (exit 4) naming the hosts."""
    try:
        yield
    except (ClusterUnreachable, ConnectionTimeout) as exc:
        hosts = ", ".join(config.hosts)
        raise IndexBusy(f"the OpenSearch cluster at {hosts} does not answer ({exc.__class__.__name__});"
                        " start it (deploy/dev-opensearch.sh start) or fix index.hosts in the config") from None
    except TransportError as exc:
        if isinstance(exc.status_code, int) and exc.status_code in (429, 503):
            raise IndexBusy(f"the OpenSearch cluster is busy or not ready ({exc.status_code}: {exc.error}); "
                            "try again shortly") from None
        raise
