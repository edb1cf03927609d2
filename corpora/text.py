"""Turning raw bytes into text: binary detection, UTF-8 first, then a detected encoding; and
lines of JSON objects into dicts."""

from __future__ import annotations

import json
import re
from typing import Iterable, Iterator

_WESTERN = {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4",
            "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "mac_roman",
            "mac_latin2", "cp850", "cp437"}
_CONTROL_BYTES = bytes(sorted(set(range(0, 9)) | {11} | set(range(14, 32)) | {127}))


_SURROGATES = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with UTF-16 surrogate pairs made the one character they stand for and a lone
    surrogate made U+FFFD. Converters pass them on (RTF writes an emoji as two ``\\u``
    escapes, UTF-7 e-mail and JSON escapes do the same) and no tokenizer takes them."""
    if not _SURROGATES.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class UnreadableText(ValueError):
    """Bytes that are not text in any encoding we can trust."""


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or many control characters in the first 8 KiB, mean this is not text."""
    head = data[:8192]
    if b"\x00" in head and not _is_utf16(head):
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > 0.05


def _is_utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff"))


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raise UnreadableText for binary or undecodable bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if _is_utf16(data):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableText("invalid UTF-16 text") from None
        # Two bytes FF FE open many binary files too: a real UTF-16 text reads without chaos.
        from charset_normalizer import from_bytes

        best = from_bytes(data[:1_000_000]).best()
        if best is None or best.chaos > 0.1:
            raise UnreadableText("starts like UTF-16 text but does not read as text")
        return text, "utf-16"
    if looks_binary(data):
        raise UnreadableText("binary content, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    # A guess that leaves more than a trace of chaos is not text we should tag.
    if best is None or best.chaos > 0.1 or best.encoding in ("utf_8", "ascii"):
        raise UnreadableText(f"not valid UTF-8 (first bad byte at offset {first_bad}) "
                             "and no other encoding fits")
    encoding = best.encoding
    # Short Western texts are often guessed as a sibling code page; Windows-1252 is by far the
    # most common legacy encoding of the documents this tool reads, so it wins when it fits.
    if encoding in _WESTERN and _decodes(data, "cp1252"):
        encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        raise UnreadableText(f"not valid UTF-8 (first bad byte at offset {first_bad})") from None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def json_objects(lines: Iterable[str], origin: str, error: type[Exception]) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; ``error`` names the first line that is
    not a JSON object. For files that must be right as a whole (corpora, term lists); tagging
    inputs keep going past a bad line instead (``readers.jsonl_rows``)."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError) as exc:  # also numbers too long to convert, nesting too deep
            raise error(f"{origin}:{n}: not valid JSON ({getattr(exc, 'msg', exc)})") from None
        if not isinstance(row, dict):
            raise error(f"{origin}:{n}: expected a JSON object")
        yield n, row


# ---------------------------------------------------------------- the text of a record

FIELD_SEPARATOR = "\n\n"


class FieldError(ValueError):
    """A record whose text fields are missing or are not text."""


class _MissingCell:
    """The value of a CSV column that a short row has no cell for (``csv.DictReader``'s
    ``restval``), told apart from an empty cell."""

    def __repr__(self) -> str:
        return "<no cell>"


MISSING_CELL = _MissingCell()


def text_fields(value) -> tuple[str, ...]:
    """``--text-field`` as a tuple of field names: one name, or several (given in order)."""
    fields = (value,) if isinstance(value, str) else tuple(value)
    if not fields or not all(isinstance(f, str) and f for f in fields):
        raise FieldError("--text-field needs a field name")
    return fields


def record_text(row: dict, fields) -> str:
    """The text of one record: its one text field, or several fields (a title and a body)
    joined in the order given, with a blank line between them; character offsets in the
    output then count in that joined text. With several fields an empty or null one is left
    out; a field the record does not have, or one holding something other than text, raises
    ``FieldError``."""
    fields = text_fields(fields)
    parts = []
    for name in fields:
        if name not in row:
            raise FieldError(f"no field {name!r} (fields: {', '.join(map(str, row))}); use --text-field")
        value = row[name]
        if value is MISSING_CELL:
            raise FieldError(f"no value for {name!r} (the row has fewer cells than the header)")
        if value is None and len(fields) > 1:
            continue
        if not isinstance(value, str):
            raise FieldError(f"field {name!r} is not text")
        parts.append(value)
    if len(parts) == 1:
        return parts[0]
    return FIELD_SEPARATOR.join(p for p in parts if p.strip())
