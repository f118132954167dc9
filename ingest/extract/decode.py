"""Bytes to text: the HTTP header, then the page's meta tag, then detection.

Declared charsets lie. The rule that fixes the common lie (kapanlagi pages
declare iso-8859-1 but are UTF-8): bytes that are valid UTF-8 *and* hold
non-ASCII sequences are UTF-8, whatever a single-byte declaration says.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Mapping

from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

#: How much of the page the meta-tag scan and the detector look at.
META_SCAN_BYTES = 16_384
DETECT_SAMPLE_BYTES = 65_536

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: Controls that no HTML parser wants (NUL and friends); tab, LF, CR stay.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def decode_html(content: bytes | str, headers: Mapping[str, str] | None = None) -> str:
    """Decode a fetched page to text; never raises on odd bytes."""
    if isinstance(content, str):
        return _CONTROL_CHARS.sub("", content)
    encoding = _choose_encoding(content, headers)
    log.debug("decoding as %s", encoding)
    return _CONTROL_CHARS.sub("", content.decode(encoding, errors="replace"))


def _choose_encoding(content: bytes, headers: Mapping[str, str] | None) -> str:
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    declared = _header_charset(headers) or _meta_charset(content)
    if declared and _is_single_byte(declared) and _is_utf8_with_non_ascii(content):  # the cheap test first
        return "utf-8"
    if declared:
        return declared
    if _is_utf8(content):
        return "utf-8"
    return _detect(content)


def _header_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type":
            match = _HEADER_CHARSET.search(value)
            return _known(match.group(1)) if match else None
    return None


def _meta_charset(content: bytes) -> str | None:
    match = _META_CHARSET.search(content[:META_SCAN_BYTES])
    name = _known(match.group(1).decode("ascii", "ignore")) if match else None
    # A meta tag readable as ASCII cannot be UTF-16/32 (the HTML standard reads such pages as UTF-8).
    return "utf-8" if name and name.startswith(("utf-16", "utf-32")) else name


#: Labels browsers read as windows-1252 (WHATWG Encoding): real pages so labelled hold its curly quotes.
_READ_AS_CP1252 = frozenset({"iso8859-1", "ascii"})


def _known(name: str) -> str | None:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        log.debug("unknown charset %r ignored", name)
        return None
    return "cp1252" if codec in _READ_AS_CP1252 else codec


def _is_single_byte(name: str) -> bool:
    return name in {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"} or name.startswith("iso8859")


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_with_non_ascii(content: bytes) -> bool:
    return not content.isascii() and _is_utf8(content)


def _detect(content: bytes) -> str:
    best = from_bytes(content[:DETECT_SAMPLE_BYTES]).best()
    return _known(best.encoding) if best and best.encoding else "cp1252"
