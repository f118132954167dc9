"""Bytes to text: the HTTP header, then the page's own declaration, then detection.

BeautifulSoup's ``bs4.dammit`` does the charset work it is good at: the
byte-order mark and the in-page declaration (``EncodingDetector``: ``<meta
charset>``, ``http-equiv``, an XML declaration), Windows-1252 bytes pasted
into a UTF-8 page (``UnicodeDammit.detwingle``: curly quotes and dashes copied
from a word processor), and, for an undeclared page that is not UTF-8, the
candidate codecs to try strictly in turn (``EncodingDetector.encodings``).
The policy is ours, the way browsers read pages:

- a declared charset is used with bad bytes replaced, never swapped for a
  guess: a UTF-8 page with one broken byte stays UTF-8 (bs4 alone would
  fall through to a detector and could read the whole page as cp1252);
- the common lie is fixed (kapanlagi pages declare iso-8859-1 but are
  UTF-8): bytes that are UTF-8 and hold non-ASCII sequences are UTF-8,
  whatever a single-byte declaration says;
- the labels iso-8859-1 and us-ascii mean windows-1252 (WHATWG Encoding),
  which bs4 does not do.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Mapping

from bs4.dammit import EncodingDetector, UnicodeDammit
from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

#: How much of the page the declaration scan and the detector look at. bs4's own
#: default window (5% of the page, at least 2 KB) misses the meta tag of 12 of the
#: 949 real pages in ../shared, behind long inline scripts.
META_SCAN_BYTES = 16_384
DETECT_SAMPLE_BYTES = 65_536

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: A well-formed UTF-8 sequence: a page holding one is (at least partly) UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
#: Runs of non-ASCII bytes: UTF-8 sequences never hold an ASCII byte, so each run
#: can be repaired on its own.
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
#: Controls that no HTML parser wants (NUL and friends); tab, LF, CR stay.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def decode_html(content: bytes | str, headers: Mapping[str, str] | None = None) -> str:
    """Decode a fetched page to text; never raises on odd bytes."""
    if isinstance(content, str):
        return _CONTROL_CHARS.sub("", content)
    text, encoding = _decode(content, headers)
    log.debug("decoded as %s", encoding)
    return _CONTROL_CHARS.sub("", text)


def _decode(content: bytes, headers: Mapping[str, str] | None) -> tuple[str, str]:
    """The text and the codec that gave it."""
    data, bom = EncodingDetector.strip_byte_order_mark(content)
    if bom:
        return data.decode(bom, errors="replace"), bom
    declared = _header_charset(headers) or _meta_charset(data)
    if declared in (None, "utf-8") or _is_single_byte(declared):
        text = _as_utf8(data, declared)
        if text is not None:
            return text, "utf-8"
    if declared:
        return data.decode(declared, errors="replace"), declared
    return _guess(data)


def _header_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type":
            match = _HEADER_CHARSET.search(value)
            return _known(match.group(1)) if match else None
    return None


def _meta_charset(data: bytes) -> str | None:
    label = EncodingDetector.find_declared_encoding(data[:META_SCAN_BYTES], is_html=True, search_entire_document=True)
    name = _known(label) if label else None
    # A declaration readable as ASCII cannot be UTF-16/32 (the HTML standard reads such pages as UTF-8).
    return "utf-8" if name and name.startswith(("utf-16", "utf-32")) else name


#: Labels browsers read as windows-1252 (WHATWG Encoding): real pages so labelled hold its curly quotes.
_READ_AS_CP1252 = frozenset({"iso8859-1", "ascii"})


def _known(name: str) -> str | None:
    try:
        codec = codecs.lookup(name.strip()).name
    except (LookupError, ValueError):
        log.debug("unknown charset %r ignored", name)
        return None
    return "cp1252" if codec in _READ_AS_CP1252 else codec


def _is_single_byte(name: str) -> bool:
    return name in {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"} or name.startswith("iso8859")


def _as_utf8(data: bytes, declared: str | None) -> str | None:
    """The page as UTF-8, once any Windows-1252 bytes pasted into it are made UTF-8; None if it is not UTF-8.

    A page declared UTF-8 is always read so (bytes still broken are replaced); an
    undeclared or windows-1252 one is repaired only when it holds real UTF-8
    sequences (without any it is plain windows-1252, or another code page).
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared != "utf-8" and not (declared in (None, "cp1252") and _UTF8_SEQUENCE.search(data)):
        return None
    repaired = _detwingle(data)
    try:
        text = repaired.decode("utf-8")
    except UnicodeDecodeError:
        return repaired.decode("utf-8", errors="replace") if declared == "utf-8" else None
    log.debug("Windows-1252 characters inside UTF-8 repaired")
    return text


def _detwingle(data: bytes) -> bytes:
    """bs4's detwingle, run per non-ASCII run: it walks bytes in Python, and most of a page is ASCII."""
    return _NON_ASCII_RUN.sub(lambda match: UnicodeDammit.detwingle(match.group()), data)


def _guess(data: bytes) -> tuple[str, str]:
    """An undeclared page that is not UTF-8: the detector's guess on a sample, then bs4's candidates, each strictly.

    (Not ``UnicodeDammit`` itself: when nothing fits it logs a warning with no page
    named, which a crawl would print; here the guess is kept, bad bytes replaced.)
    """
    guess = _detect(data)
    for label in EncodingDetector(data, known_definite_encodings=[guess], is_html=True).encodings:
        name = _known(label)
        if name:
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                continue
    log.debug("no codec reads every byte; %s with replacements", guess)
    return data.decode(guess, errors="replace"), guess


def _detect(data: bytes) -> str:
    best = from_bytes(data[:DETECT_SAMPLE_BYTES]).best()
    return (_known(best.encoding) if best and best.encoding else None) or "cp1252"
