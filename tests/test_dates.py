"""Date bounds and publish times, in WIB as a Jakarta newsroom counts days."""

from __future__ import annotations

from datetime import datetime

import pytest

from index.dates import parse_bound, to_utc_iso, to_wib_naive


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2021", False, datetime(2021, 1, 1)),
        ("2021-12", False, datetime(2021, 12, 1)),
        ("2021-12", True, datetime(2021, 12, 31, 23, 59, 59, 999999)),
        ("2021-02", True, datetime(2021, 2, 28, 23, 59, 59, 999999)),
        ("2021-12-31", True, datetime(2021, 12, 31, 23, 59, 59, 999999)),
        ("2021", True, datetime(2021, 12, 31, 23, 59, 59, 999999)),
        ("2021-12-31T10:00:00+00:00", False, datetime(2021, 12, 31, 17, 0)),
    ],
)
def test_bounds(text: str, end: bool, expected: datetime) -> None:
    assert parse_bound(text, end=end) == expected


@pytest.mark.parametrize("text", ["2021-13-45", "kemarin", "", "2021-02-30"])
def test_bad_bounds_say_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_bound(text, end=False)


def test_an_early_morning_story_belongs_to_its_jakarta_day() -> None:
    assert to_wib_naive("2021-12-30T23:30:00+00:00") == datetime(2021, 12, 31, 6, 30)


def test_a_bare_date_is_midnight_wib() -> None:
    assert to_utc_iso("2021-12-31") == "2021-12-30T17:00:00+00:00"


def test_garbage_is_no_date() -> None:
    assert to_wib_naive("Kamis kemarin") is None
