"""Dates as Indonesian news pages print them, to ISO 8601.

Machine dates are repaired before parsing (``2015-11-05 T10:08:58Z``,
``+07:00Z``, ``+0700``, no zone at all); printed dates are read with
Indonesian and English month and day names, WIB/WITA/WIT zones, and relative
forms ("2 jam yang lalu", via dateparser). A time with no zone is WIB. A bare
day stays a bare day (``2021-12-31``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

log = logging.getLogger(__name__)

WIB = timezone(timedelta(hours=7))
ZONES = {
    "wib": WIB,
    "wita": timezone(timedelta(hours=8)),
    "wit": timezone(timedelta(hours=9)),
    "gmt": UTC,
    "utc": UTC,
    "z": UTC,
}
MONTHS = {
    **dict.fromkeys(["januari", "january", "jan"], 1),
    **dict.fromkeys(["februari", "pebruari", "february", "feb", "peb"], 2),
    **dict.fromkeys(["maret", "march", "mar"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "june", "jun"], 6),
    **dict.fromkeys(["juli", "july", "jul"], 7),
    **dict.fromkeys(["agustus", "august", "agu", "agt", "ags", "aug", "agst"], 8),
    **dict.fromkeys(["september", "sept", "sep"], 9),
    **dict.fromkeys(["oktober", "october", "okt", "oct"], 10),
    **dict.fromkeys(["november", "nopember", "nov", "nop"], 11),
    **dict.fromkeys(["desember", "december", "des", "dec"], 12),
}
DAYS = [
    "senin",
    "selasa",
    "rabu",
    "kamis",
    "jumat",
    "jum'at",
    "jum’at",
    "sabtu",
    "minggu",
    "ahad",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
]

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = "|".join(re.escape(d) for d in sorted(DAYS, key=len, reverse=True))
_TIME = (
    r"(?:\s*(?:[,|\-\u2013\u2022/]|\bat\b|\bpukul\b|\bjam\b|\bpkl\.?)\s*){0,3}"
    r"\s*(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?:[:.](?P<s>[0-5]\d))?"
    r"\s*(?P<tz>wita|wib|wit|gmt\s*[+-]\s*\d{1,2}(?::?\d\d)?|utc|gmt)?\b"
)
PRINTED_DATE = re.compile(
    rf"(?:\b(?:{_DAY})\b\.?,?\s*)?"
    rf"(?:(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH})\.?,?\s+(?P<y>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})[/-](?P<m2>\d{{1,2}})[/-](?P<y2>\d{{4}})"
    rf"|(?P<mon3>{_MONTH})\.?\s+(?P<d3>\d{{1,2}}),?\s+(?P<y3>\d{{4}}))"
    rf"(?:{_TIME})?",
    re.I,
)
RELATIVE = re.compile(r"\b\d+\s+(detik|menit|jam|hari|minggu|bulan)\s+(yang\s+)?lalu\b", re.I)


@dataclass(frozen=True)
class FoundDate:
    """A parsed date: ``value`` is a datetime with a zone, or a bare date."""

    value: datetime | date

    def iso(self) -> str:
        if isinstance(self.value, datetime):
            return self.value.isoformat(timespec="seconds")
        return self.value.isoformat()

    @property
    def has_time(self) -> bool:
        return isinstance(self.value, datetime)


def parse_machine_date(raw: str | None, *, default_tz: timezone = WIB) -> FoundDate | None:
    """An ISO-ish date from metadata, repaired; naive times get ``default_tz``."""
    if not raw:
        return None
    text = _repair_iso(raw)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return FoundDate(date.fromisoformat(text))
        value = datetime.fromisoformat(text)
    except ValueError:  # not ISO at all: read it as printed text (tags stripped, as in a broken attribute)
        return parse_printed_date(re.sub(r"<[^>]*>", " ", raw), default_tz=default_tz)
    if value.tzinfo is None:
        value = value.replace(tzinfo=default_tz)
    return FoundDate(value)


def _repair_iso(raw: str) -> str:
    text = raw.strip()
    text = re.sub(r"\s*T\s*", "T", text, count=1) if re.match(r"\d{4}-\d\d-\d\d\s*T", text) else text
    text = re.sub(r"^(\d{4}-\d\d-\d\d)\s+(\d)", r"\1T\2", text)
    text = re.sub(r"([+-]\d\d:?\d\d)Z$", r"\1", text)  # +07:00Z
    text = re.sub(r"([+-])(\d\d)(\d\d)$", r"\1\2:\3", text)  # +0700
    text = re.sub(r"(T\d\d)\.(\d\d)(\.\d\d)?(?![\d.])",  # 08.30(.15), as Indonesian sites print times
                  lambda m: f"{m[1]}:{m[2]}" + (":" + m[3][1:] if m[3] else ""), text)
    text = re.sub(r"\.\d+(?=[+\-Z]|$)", "", text)  # fractional seconds
    return text[:-1] + "+00:00" if text.endswith("Z") else text


def parse_printed_date(text: str, *, default_tz: timezone = WIB) -> FoundDate | None:
    """The first printed date in ``text`` ("Jumat, 31 Desember 2021 08:12 WIB", "31/12/2021")."""
    match = PRINTED_DATE.search(text)
    if not match:
        return None
    return _from_match(match, default_tz)


def iter_printed_dates(text: str, *, default_tz: timezone = WIB) -> Iterator[tuple[str, FoundDate]]:
    """Each printed date in ``text`` with the words between it and the one before.

    The words are its label ("Diperbarui", "Dipublikasikan"): a dateline often
    prints both the published and the updated time, and only the label tells
    them apart.
    """
    last_end = 0
    for match in PRINTED_DATE.finditer(text):
        found = _from_match(match, default_tz)
        if found is not None:
            yield text[last_end : match.start()], found
        last_end = match.end()


def _from_match(match: re.Match[str], default_tz: timezone) -> FoundDate | None:
    g = match.groupdict()
    try:
        if g["mon"]:
            day = date(int(g["y"]), MONTHS[g["mon"].lower()], int(g["d"]))
        elif g["mon3"]:
            day = date(int(g["y3"]), MONTHS[g["mon3"].lower()], int(g["d3"]))
        else:
            day = date(int(g["y2"]), int(g["m2"]), int(g["d2"]))
    except (ValueError, KeyError):
        return None
    if g["h"] is None:
        return FoundDate(day)
    tz = _zone(g["tz"]) or default_tz
    moment = datetime(day.year, day.month, day.day, int(g["h"]), int(g["mi"]), int(g["s"] or 0), tzinfo=tz)
    return FoundDate(moment)


def _zone(name: str | None) -> timezone | None:
    if not name:
        return None
    key = name.lower().replace(" ", "")
    if key in ZONES:
        return ZONES[key]
    match = re.fullmatch(r"gmt([+-])(\d{1,2})(?::?(\d\d))?", key)
    if not match:
        return None
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    return timezone(-delta if match.group(1) == "-" else delta)


def parse_relative_date(text: str, fetched_at: datetime | None) -> FoundDate | None:
    """ "2 jam yang lalu" against the fetch time (dateparser does the arithmetic)."""
    match = RELATIVE.search(text)
    if not match or fetched_at is None:
        return None
    import dateparser  # slow to import; only pages with relative dates need it

    base = fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=WIB)
    parsed = dateparser.parse(
        match.group(0),
        languages=["id", "en"],
        settings={"RELATIVE_BASE": base.replace(tzinfo=None), "RETURN_AS_TIMEZONE_AWARE": False},
    )
    if parsed is None:
        return None
    return FoundDate(parsed.replace(tzinfo=base.tzinfo, microsecond=0))


def to_local(found: FoundDate, local_tz: timezone = WIB) -> FoundDate:
    """UTC machine dates as the local (WIB) wall clock; other offsets stay."""
    value = found.value
    if isinstance(value, datetime) and value.utcoffset() == timedelta(0):
        return FoundDate(value.astimezone(local_tz))
    return found
