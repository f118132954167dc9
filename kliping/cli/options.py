"""Options several commands share, as named decorators (one definition each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

F = Callable[..., Any]


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


def source_option(func: F) -> F:
    return click.option(
        "--source", "sources", multiple=True, metavar="NAME",
        help="Only this source (repeat for several).",
    )(func)


def progress_bar(total: int | None, desc: str, *, disable: bool | None = None) -> Any:
    """A tqdm bar on stderr that hides itself when stderr is not a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="doc", disable=disable, leave=False, dynamic_ncols=True)
