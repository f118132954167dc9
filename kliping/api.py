"""The HTTP API's public entry point, for ASGI servers other than ``kliping serve``.

``kliping serve`` runs uvicorn itself. To run the API under another process
manager, point it at the factory here, which reads the config named by
``KLIPING_CONFIG`` (default ``config.yaml``)::

    KLIPING_CONFIG=/etc/kliping/config.yaml uvicorn --factory kliping.api:create_app_from_env

or build the application in code with ``create_app(load_config(path))``. The
API itself lives in :mod:`search.api`; importing it loads neither the command
line nor the crawler (``python -X importtime -c "import kliping.api"``; the
import-linter contracts in pyproject.toml keep it so).
"""

from __future__ import annotations

from search.api.app import create_app, create_app_from_env

__all__ = ["create_app", "create_app_from_env"]
