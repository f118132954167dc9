"""The read-only HTTP query API (``kliping serve``): search, articles, sources, health and a search page."""

from search.api.app import create_app, create_app_from_env

__all__ = ["create_app", "create_app_from_env"]
