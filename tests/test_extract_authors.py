"""Bylines: a role label glued to an internal code is not a person."""

from __future__ import annotations

import pytest

from ingest.extract.authors import clean_names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pewarta: prwir", []),
        ("Pewarta: Desca Lidya Natalia", ["Desca Lidya Natalia"]),
        ("Penulis : Kontributor Lhokseumawe, Masriadi", ["Masriadi"]),
    ],
)
def test_labels_are_dropped_and_codes_refused(raw: str, expected: list[str]) -> None:
    assert clean_names([raw]) == expected
