"""Text out of document files: plain text, HTML, PDF, Word, RTF, PowerPoint, Excel, OpenDocument
(text, spreadsheet, presentation) and e-mail with its attachments.

Each reader takes the file's bytes and returns (text, meta), or raises UnreadableText with a
message a user can act on. Format libraries are imported only when a file of that format
turns up, so tagging plain text starts fast. Files of formats no reader handles (legacy Office,
archives, images, ...) are named by their first bytes, so their error says what they are.
"""

from __future__ import annotations

import io
import os
import re
import signal
import threading
import time
import zipfile
import zlib
from contextlib import contextmanager

from .text import UnreadableText, decode, looks_binary, without_surrogates

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".rst", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
PPTX_SUFFIXES = {".pptx"}
XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
EMAIL_SUFFIXES = {".eml"}
RTF_SUFFIXES = {".rtf"}
ODF_SUFFIXES = {".odt", ".ods", ".odp"}
RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv"}

# Office files are zip archives; one that expands far beyond any real document is refused unread.
DOCX_MAX_EXPANDED = 200 * 1024 * 1024
DOCX_MAX_RATIO = 200

# First bytes of formats without a reader, for an error that names them. Legacy Office files
# (.doc, .xls, .ppt) and Outlook .msg share the OLE container signature.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES = (
    (_OLE, "a legacy Office file (.doc, .xls, .ppt or Outlook .msg): "
                                             "save it as .docx, .xlsx, .pptx, PDF or text to tag it"),
    (b"PK\x03\x04", "a zip archive: unpack it and tag the folder"),  # unless OpenDocument: _zip_kind
    (b"\x1f\x8b", "a gzip archive: unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: unpack it first"),
    (b"Rar!\x1a\x07", "a RAR archive: unpack it first"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image: it has no text to read (run OCR first)"),
    (b"\xff\xd8\xff", "a JPEG image: it has no text to read (run OCR first)"),
    (b"GIF8", "a GIF image: it has no text to read"),
    (b"II*\x00", "a TIFF image: it has no text to read (run OCR first)"),
    (b"MM\x00*", "a TIFF image: it has no text to read (run OCR first)"),
)

_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")


def _signature_kind(data: bytes) -> str | None:
    """What a file no reader handles is, by its first bytes (an OpenDocument zip by its kind)."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return _zip_kind(data) or what
    return None


def read_text(data: bytes) -> tuple[str, dict]:
    try:
        text, encoding = decode(data)
    except UnreadableText:
        kind = _signature_kind(data)
        if kind is not None:
            raise UnreadableText(f"not a text file: {kind}") from None
        raise
    return text, ({} if encoding == "utf-8" else {"encoding": encoding})


def _zip_kind(data: bytes) -> str | None:
    """What a zip archive is when it is an OpenDocument file (its `mimetype` member names the kind)."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    mimetype = _odf_mimetype(data) or ""
    if mimetype in _ODF_TYPES:  # read as one under its own suffix, or none
        return f"an OpenDocument file saved under another suffix: name it {_ODF_TYPES[mimetype]} to tag it"
    if mimetype.startswith(_ODF_PREFIX):
        return _odf_not_read(mimetype)
    if b"application/vnd.oasis.opendocument" in data[:200]:
        return "a damaged OpenDocument file (its zip archive cannot be opened)"
    return None


_OBJECT_REPR = re.compile(r"'?<[\w.]+ object at 0x[0-9a-f]+>'?\s*")


def _library_error(kind: str, exc: Exception, fix: str = "") -> UnreadableText:
    """A converter library's exception as a message for the record: its type and text, without
    the in-memory object names some of them print."""
    detail = _OBJECT_REPR.sub("", str(exc))[:160]
    return UnreadableText(f"not a readable {kind} ({type(exc).__name__}: {detail}){fix}")


def read_rtf(data: bytes) -> tuple[str, dict]:
    """The text of a Rich Text Format file, control words and font tables left out. RTF is
    7-bit; its own escapes carry other characters (read as Windows-1252, RTF's usual code page)."""
    if not data.strip():
        return "", {"format": "rtf"}
    if not data.lstrip().startswith(b"{\\rtf"):  # named .rtf but something else: read it as such
        return read_text(data)
    from striprtf.striprtf import rtf_to_text

    try:
        text = rtf_to_text(data.decode("latin-1"), errors="replace")
    except Exception as exc:  # a malformed group or escape
        raise _library_error("RTF file", exc) from None
    return text.strip(), {"format": "rtf"}


def read_html(data: bytes) -> tuple[str, dict]:
    """Visible text only: scripts, styles, templates and other non-rendered parts are dropped."""
    from bs4 import BeautifulSoup

    if not data.strip():
        return "", {"format": "html"}
    markup, encoding = decode(data)
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "svg", "head", "iframe", "object"]):
        tag.decompose()
    text = soup.get_text("\n")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    meta = {"format": "html"}
    if encoding != "utf-8":
        meta["encoding"] = encoding
    return text, meta


def read_pdf(data: bytes) -> tuple[str, dict]:
    """The text layer, page by page; ``meta["pages"]`` holds each page's character range."""
    if not data:
        return "", {"format": "pdf"}
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:
                opened = 0
            if not opened:
                raise UnreadableText("encrypted PDF: a password is needed to read it")
        parts = [page.extract_text() or "" for page in reader.pages]
    except UnreadableText:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
            OSError, RecursionError, NotImplementedError) as exc:
        raise _library_error("PDF", exc) from None
    text, pages = _joined(parts)
    if pages and not text.strip():
        raise UnreadableText(f"PDF has no text layer ({len(pages)} pages, probably scanned images)")
    return text, {"format": "pdf", "pages": pages}


def _open_zip_checked(data: bytes, kind: str) -> None:
    """Refuse an Office file that is not a zip archive, or one that expands far beyond any real
    document (a zip bomb), before its library parses it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        if data.startswith(_OLE):  # what Office writes when a password encrypts the file
            raise UnreadableText(f"not a readable {kind}: a password-protected Office file, or a legacy one "
                                 "saved under this suffix (remove the password or save it again)") from None
        raise UnreadableText(f"not a readable {kind} (not a zip archive)") from None
    if expanded > DOCX_MAX_EXPANDED or expanded > DOCX_MAX_RATIO * max(len(data), 1):
        raise UnreadableText(f"refusing to open {kind}: it expands to {expanded:,} bytes from {len(data):,} "
                             "(a zip bomb, or far larger than any document)")


def _joined(parts: list[str]) -> tuple[str, list[list[int]]]:
    """Parts (pages, slides, sheets) joined by a blank line, with each part's character range."""
    ranges, offset = [], 0
    for part in parts:
        ranges.append([offset, offset + len(part)])
        offset += len(part) + 2
    return "\n\n".join(parts), ranges


def read_docx(data: bytes) -> tuple[str, dict]:
    """Paragraphs and table cells of a Word document, in document order."""
    if not data:
        return "", {"format": "docx"}
    _open_zip_checked(data, ".docx")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds for a damaged or macro-enabled file
        fix = "; macro-enabled and template files (.docm, .dotx) are not read: save it as .docx" \
            if "content type" in str(exc) else ""
        raise _library_error(".docx", exc, fix) from None
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(b for b in blocks if b.strip()), {"format": "docx"}


def _shape_texts(shapes) -> list[str]:
    """Text of a slide's shapes in their order: text frames, table rows (cells joined by tabs)
    and the shapes inside groups."""
    out = []
    for shape in shapes:
        if getattr(shape, "shapes", None) is not None:  # a group
            out += _shape_texts(shape.shapes)
        elif getattr(shape, "has_table", False) and shape.has_table:
            out += ["\t".join(cell.text for cell in row.cells) for row in shape.table.rows]
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            out.append(shape.text_frame.text)
    return [t for t in out if t.strip()]


def read_pptx(data: bytes) -> tuple[str, dict]:
    """Each slide's text (its shapes, tables and speaker notes) as one part; ``meta["pages"]``
    holds each slide's character range, so mentions carry their slide number as ``page``."""
    if not data:
        return "", {"format": "pptx"}
    _open_zip_checked(data, ".pptx")
    from pptx import Presentation

    try:
        deck = Presentation(io.BytesIO(data))
        slides = []
        for slide in deck.slides:
            texts = _shape_texts(slide.shapes)
            if slide.has_notes_slide:
                notes = slide.notes_slide.notes_text_frame
                if notes is not None and notes.text.strip():
                    texts.append(notes.text)
            slides.append("\n".join(texts))
    except Exception as exc:  # python-pptx and lxml raise many kinds for a damaged deck
        fix = "; slide shows and macro-enabled files (.ppsx, .pptm) are not read: save it as .pptx" \
            if "content type" in str(exc) else ""
        raise _library_error(".pptx", exc, fix) from None
    text, ranges = _joined(slides)
    return text, {"format": "pptx", "pages": ranges}


def _sheet_texts(book) -> tuple[list[str], int]:
    """Each sheet's name and rows as text, and how many cells hold a value."""
    sheets, filled = [], 0
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # the size a sheet states can be far larger than its cells
            rows = [sheet.title]
            for row in sheet.iter_rows(values_only=True):
                cells = ["" if v is None else str(v) for v in row]
                if any(c.strip() for c in cells):
                    filled += sum(bool(c.strip()) for c in cells)
                    rows.append("\t".join(cells).rstrip("\t"))
            sheets.append("\n".join(rows))
    finally:
        book.close()
    return sheets, filled


def read_xlsx(data: bytes) -> tuple[str, dict]:
    """Each worksheet's cell values, a row per line (cells joined by tabs, empty rows left out),
    under a line with the sheet's name; ``meta["pages"]`` holds each sheet's character range,
    so mentions carry their sheet number as ``page``. Formula cells give their last saved value."""
    if not data:
        return "", {"format": "xlsx"}
    _open_zip_checked(data, ".xlsx")
    from openpyxl import load_workbook

    try:
        sheets, cells = _sheet_texts(load_workbook(io.BytesIO(data), read_only=True, data_only=True))
        # A workbook written by a script has formulas but no saved values: say so, not "empty".
        if not cells and _sheet_texts(load_workbook(io.BytesIO(data), read_only=True))[1]:
            raise UnreadableText("the workbook's cells are formulas without saved values: open and save it in "
                                 "a spreadsheet program to store them")
    except UnreadableText:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _library_error(".xlsx", exc) from None
    text, ranges = _joined(sheets)
    return text, {"format": "xlsx", "pages": ranges}


# OpenDocument: the media type a package names in its `mimetype` member says which kind it is.
_ODF_PREFIX = "application/vnd.oasis.opendocument."
_ODF_KINDS = {".odt": "text", ".ods": "spreadsheet", ".odp": "presentation"}
_ODF_TYPES = {_ODF_PREFIX + kind: suffix for suffix, kind in _ODF_KINDS.items()}
# odfpy holds every XML element of content.xml as a Python object (some 600 bytes each): a
# document with more is refused rather than filling memory (a real one has far fewer).
ODF_MAX_ELEMENTS = 1_000_000
# Repeat counts a sheet states are not trusted: empty repeated cells and rows are counted, not
# built, a row is at most as wide as a spreadsheet program allows, and copies of repeated
# content add at most this many characters to a file's text (the rest is counted in meta).
ODS_MAX_COLUMNS = 16_384
ODF_MAX_REPEATED = 10_000_000
ODF_MAX_SPACES = 100  # a run of spaces <text:s c="..."/> is kept up to this length

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_PRESENTATION_NS = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
_ODF_PARAGRAPHS = {(_TEXT_NS, "p"), (_TEXT_NS, "h")}
_ODF_ROW_GROUPS = {(_TABLE_NS, "table-header-rows"), (_TABLE_NS, "table-rows"), (_TABLE_NS, "table-row-group")}
_ODF_CELLS = {(_TABLE_NS, "table-cell"), (_TABLE_NS, "covered-table-cell")}
# Not read: comments, deleted text kept for change tracking, and generated indexes (a table of
# contents repeats the headings); a slide's speaker notes are read after its frames.
_ODF_SKIPPED = {(_OFFICE_NS, "annotation"), (_OFFICE_NS, "annotation-end"), (_TEXT_NS, "tracked-changes"),
                (_PRESENTATION_NS, "notes"),
                *((_TEXT_NS, index) for index in ("table-of-content", "illustration-index", "table-index",
                                                  "object-index", "user-index", "alphabetical-index",
                                                  "bibliography"))}


def _zip_mimetype(archive: zipfile.ZipFile) -> str | None:
    """The media type in a zip archive's `mimetype` member (how OpenDocument names its kind)."""
    try:
        if archive.getinfo("mimetype").file_size > 256:
            return None
        return archive.read("mimetype").decode("ascii").strip()
    except (zipfile.BadZipFile, KeyError, UnicodeError, ValueError, OSError, EOFError, zlib.error):
        return None


def _odf_mimetype(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _zip_mimetype(archive)
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _odf_not_read(mimetype: str) -> str:
    kind = mimetype[len(_ODF_PREFIX):].replace("-", " ")
    return (f"an OpenDocument {kind} file, which is not read (only text documents, spreadsheets and "
            "presentations are: .odt, .ods, .odp); save it as one of those or as PDF to tag it")


class _OdfText:
    """Text out of an OpenDocument body held by odfpy: paragraphs and headings (with the spaces,
    tabs and line breaks they mark up), lists, frames and tables, in document order. Repeated
    table cells and rows draw on one budget of ``ODF_MAX_REPEATED`` characters per file;
    ``left_out`` counts the copies past it."""

    def __init__(self) -> None:
        self.budget, self.left_out = ODF_MAX_REPEATED, 0

    def copies(self, wanted: int, size: int) -> int:
        """How many of ``wanted`` extra copies of ``size`` characters the budget still allows."""
        granted = min(wanted, self.budget // max(size, 1))
        self.budget -= granted * size
        self.left_out += wanted - granted
        return granted

    def blocks(self, element) -> list[str]:
        """The paragraphs (and table rows) inside ``element``, each as one string."""
        out: list[str] = []
        for child in element.childNodes:
            if child.nodeType != child.ELEMENT_NODE or child.qname in _ODF_SKIPPED:
                continue
            if child.qname in _ODF_PARAGRAPHS:
                after: list[str] = []
                out.append(self.inline(child, after))
                out += after
            elif child.qname == (_TABLE_NS, "table"):
                out += self.table_lines(child)
            else:  # lists, sections, frames, text boxes, shapes, groups: read what they hold
                out += self.blocks(child)
        return out

    def inline(self, element, after: list) -> str:
        """A paragraph's text as odfpy's teletype.extractText gives it, except that footnotes
        and frames anchored in it go to ``after`` (their text would split the sentence),
        comments are left out and a run of spaces is capped at ``ODF_MAX_SPACES``."""
        out = []
        for node in element.childNodes:
            if node.nodeType == node.TEXT_NODE:
                out.append(node.data)
            elif node.nodeType != node.ELEMENT_NODE or node.qname in _ODF_SKIPPED:
                continue
            elif node.qname == (_TEXT_NS, "s"):
                out.append(" " * _odf_count(node, (_TEXT_NS, "c"), ODF_MAX_SPACES))
            elif node.qname == (_TEXT_NS, "tab"):
                out.append("\t")
            elif node.qname == (_TEXT_NS, "line-break"):
                out.append("\n")
            elif node.qname == (_TEXT_NS, "note"):  # its citation mark is dropped, its body kept
                body = [n for n in node.childNodes if getattr(n, "qname", None) == (_TEXT_NS, "note-body")]
                for part in body:
                    after += self.blocks(part)
            elif node.qname[0] == _DRAW_NS:
                after += self.blocks(node)
            else:
                out.append(self.inline(node, after))
        return "".join(out)

    def table_lines(self, table) -> list[str]:
        """A table's rows with text, each a line of cells joined by tabs."""
        lines: list[str] = []
        for row in _odf_rows(table):
            cells = self.row_cells(row)
            if not any(c.strip() for c in cells):
                continue
            line = "\t".join(cells)
            repeat = _odf_count(row, (_TABLE_NS, "number-rows-repeated"))
            lines += [line] * (1 + self.copies(repeat - 1, len(line) + 1))
        return lines

    def row_cells(self, row) -> list[str]:
        """A row's cell texts up to its last cell with text (empty ones after it are never built)."""
        cells: list[str] = []
        gap = gap_elements = 0  # empty cells waiting for a cell with text after them
        for cell in row.childNodes:
            if getattr(cell, "qname", None) not in _ODF_CELLS:
                continue
            repeat = _odf_count(cell, (_TABLE_NS, "number-columns-repeated"))
            text = "\n".join(b for b in self.blocks(cell) if b)
            if not text:
                gap, gap_elements = gap + repeat, gap_elements + 1
                continue
            room = ODS_MAX_COLUMNS - len(cells)
            gap = min(gap, room)
            free = min(gap, gap_elements)
            cells += [""] * (free + self.copies(gap - free, 1))
            room = ODS_MAX_COLUMNS - len(cells)
            if room <= 0:
                break
            cells += [text] * (1 + self.copies(min(repeat, room) - 1, len(text) + 1))
            gap = gap_elements = 0
        return cells


def _odf_count(element, attribute: tuple, cap: int | None = None) -> int:
    """A count attribute (a repeat or a number of spaces): 1 when absent or not a number."""
    try:
        count = max(int(element.attributes.get(attribute) or 1), 1)
    except ValueError:
        count = 1
    return count if cap is None else min(count, cap)


def _odf_rows(table):
    """A table's rows, also those inside header-row and row-group elements."""
    for child in table.childNodes:
        qname = getattr(child, "qname", None)
        if qname == (_TABLE_NS, "table-row"):
            yield child
        elif qname in _ODF_ROW_GROUPS:
            yield from _odf_rows(child)


def _odf_document(data: bytes, suffix: str):
    """The kind (".odt", ".ods" or ".odp") and the office:body element of an OpenDocument file.

    Only content.xml is parsed, with odfpy's own SAX handler: odfpy's ``load`` also reads every
    picture into memory and prints a part it cannot parse to standard output (where the records
    go) instead of raising."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        mimetype = _zip_mimetype(archive)
        if mimetype is not None and mimetype.startswith(_ODF_PREFIX) and mimetype not in _ODF_TYPES:
            raise UnreadableText(_odf_not_read(mimetype))
        if mimetype is not None and mimetype not in _ODF_TYPES:
            raise UnreadableText(f"not a readable {suffix}: not an OpenDocument file (its mimetype is "
                                 f"{mimetype[:60]!r})")
        if "META-INF/manifest.xml" in names and re.search(rb"<([\w-]+:)?encryption-data\b",
                                                          archive.read("META-INF/manifest.xml")):
            raise UnreadableText(f"not a readable {suffix}: a password-protected OpenDocument file (save it "
                                 "again without the password to tag it)")
        content = archive.read("content.xml")
    from xml.sax import handler

    # odfpy's own dependency (what its load() uses): no external entities, no entity expansion
    from defusedxml.sax import make_parser
    from odf.load import LoadParser
    from odf.opendocument import OpenDocument

    class BoundedLoadParser(LoadParser):
        elements = 0

        def startElementNS(self, tag, qname, attrs):
            self.elements += 1
            if self.elements > ODF_MAX_ELEMENTS:
                raise UnreadableText(f"refusing to read {suffix}: its content has more than "
                                     f"{ODF_MAX_ELEMENTS:,} XML elements (save it as .docx, .xlsx or PDF)")
            super().startElementNS(tag, qname, attrs)

    kind = _ODF_TYPES.get(mimetype, suffix)
    document = OpenDocument(_ODF_PREFIX + _ODF_KINDS[kind], add_generator=False)
    document._parsing = "content.xml"  # LoadParser reads this to tell content from styles
    parser = make_parser()
    parser.setFeature(handler.feature_namespaces, True)
    parser.setFeature(handler.feature_external_ges, False)
    parser.setContentHandler(BoundedLoadParser(document))
    parser.parse(io.BytesIO(content))
    return kind, document.body


def _odf_reader(suffix: str):
    """``read_opendocument`` for files named with ``suffix`` (the kind when the file names none)."""
    def read(data: bytes) -> tuple[str, dict]:
        return read_opendocument(data, suffix)
    return read


def read_opendocument(data: bytes, suffix: str = ".odt") -> tuple[str, dict]:
    """An OpenDocument text (.odt), spreadsheet (.ods) or presentation (.odp), read as the kind
    its `mimetype` member names (``suffix`` when it names none).

    A text document gives its headings, paragraphs, list items and table rows (cells joined by
    tabs) in document order; a spreadsheet each sheet's name and its rows with text (cells
    joined by tabs, empty cells after the last filled one left out); a presentation each
    slide's text, then its speaker notes. Sheets and slides are parts: ``meta["pages"]``
    holds each one's character range, so mentions carry its number as ``page``. Comments,
    headers and footers are not read."""
    if not data:
        return "", {"format": suffix[1:]}
    _open_zip_checked(data, suffix)
    try:
        kind, body = _odf_document(data, suffix)
        walker = _OdfText()
        office = next((c for c in body.childNodes if c.nodeType == c.ELEMENT_NODE), None)
        if office is None:
            raise UnreadableText(f"not a readable {suffix} (its content has no body)")
        parts = None
        if kind == ".odt":
            text = "\n".join(b for b in walker.blocks(office) if b.strip())
        elif kind == ".ods":
            sheets = [c for c in office.childNodes if getattr(c, "qname", None) == (_TABLE_NS, "table")]
            parts = ["\n".join([s.attributes.get((_TABLE_NS, "name")) or ""] + walker.table_lines(s))
                     for s in sheets]
        else:
            parts = []
            for page in (c for c in office.childNodes if getattr(c, "qname", None) == (_DRAW_NS, "page")):
                texts = walker.blocks(page)  # presentation:notes is skipped here, and read after
                for notes in page.childNodes:
                    if getattr(notes, "qname", None) == (_PRESENTATION_NS, "notes"):
                        texts += walker.blocks(notes)
                parts.append("\n".join(t for t in texts if t.strip()))
    except UnreadableText:
        raise
    except Exception as exc:  # zipfile, expat, defusedxml and odfpy raise many kinds for a damaged file
        raise _library_error(suffix, exc) from None
    meta = {"format": kind[1:]}
    if parts is not None:
        text, meta["pages"] = _joined(parts)
    if walker.left_out:
        meta["repeats_left_out"] = walker.left_out
    return text, meta


def _part_text(part) -> str:
    """A text part's content as text: its declared charset, else what the bytes read as (a
    label Python does not know, "unknown-8bit", must not lose the message)."""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError, KeyError):
        payload = part.get_payload(decode=True) or b""
        try:
            content = decode(payload)[0]
        except UnreadableText:
            content = payload.decode("latin-1")
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        return read_html(content.encode("utf-8"))[0]
    return content


# Messages inside messages (forwarded, or attached as .eml files) are read this deep at most.
EMAIL_MAX_DEPTH = 10
# An attachment larger than this (decoded) is listed as not read rather than converted.
EMAIL_ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024
# Under a conversion time limit, one attachment may use at most this share of the time left, so
# that a converter stuck on one attachment costs only that attachment, not the whole e-mail.
EMAIL_ATTACHMENT_TIME_SHARE = 0.5


def _message_text(message, attachments: list, depth: int = 0) -> str:
    """Subject and body of a message, then those of the messages forwarded inside it (attached
    as message/rfc822); its other attachments go to ``attachments`` as (name, part, depth), to
    be read after it."""
    subject = str(message.get("subject", "") or "").strip()
    body_part = message.get_body(preferencelist=("plain", "html"))
    if body_part is None and not message.is_multipart() and message.get_content_maintype() == "text":
        body_part = message  # a single-part text message get_body passed over
    if body_part is None and message.is_multipart():  # no body by the rules: the first text part
        body_part = next((p for p in message.walk() if p.get_content_maintype() == "text"
                          and not p.is_attachment()), None)
    if body_part is not None:
        body = _part_text(body_part)
    elif not message.is_multipart():  # declared multipart, but its boundary is missing: one raw body
        payload = message.get_payload(decode=True) or b""
        try:
            body = decode(payload)[0]
        except UnreadableText:
            body = ""
    else:
        body = ""
    texts = [subject, body.strip()]
    for part in message.iter_attachments() if message.is_multipart() else ():
        if part.get_content_type() == "message/rfc822" and depth < EMAIL_MAX_DEPTH:
            inner = part.get_payload(0) if part.is_multipart() else None
            if inner is not None:
                texts.append(_message_text(inner, attachments, depth + 1))
                continue
        attachments.append((part.get_filename() or part.get_content_type(), part, depth))
    return "\n\n".join(t for t in texts if t)


class _AttachmentTimeout(BaseException):
    """An attachment's conversion ran past its share of the time left. Not an ``Exception``, so
    that a converter's catch-all does not take it for a damaged file."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@contextmanager
def _share_of_time_left(share: float):
    """Raise ``_AttachmentTimeout`` in this block after ``share`` of the time left on the
    conversion's timer (the one ``readers.time_limit`` sets), then give that timer back what
    is left of it. Nothing when no timer runs (no limit, or not the main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    left = signal.getitimer(signal.ITIMER_REAL)[0]
    if not left:
        yield
        return
    seconds = left * share

    def expired(signum, frame):
        raise _AttachmentTimeout(seconds)

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        while True:  # the one-shot timer may fire while it is being cancelled: too late to count
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                signal.setitimer(signal.ITIMER_REAL, max(left - (time.monotonic() - started), 1e-3))
                break
            except _AttachmentTimeout:
                continue


def _no_reader(content_type: str, data: bytes) -> str:
    """Why an attachment no reader handles is not read: what its first bytes say it is, or its type."""
    kind = _signature_kind(data)
    if kind is not None:
        return kind
    if content_type.startswith("image/"):
        return f"an image ({content_type}): it has no text to read"
    return f"no reader for this type ({content_type})"


def _attachment_text(part, depth: int) -> tuple[str, list]:
    """One attachment's text, read by the reader for its file name's suffix, else for its content
    (a PDF, Office or OpenDocument file), else for its declared type (text or HTML); and, for an
    attached e-mail, what it could not read of its own attachments. Raises UnreadableText
    saying why it is not read."""
    content_type = part.get_content_type()
    if part.get_content_maintype() in ("message", "multipart"):
        if content_type == "message/rfc822":
            raise UnreadableText(f"a message nested more than {EMAIL_MAX_DEPTH} deep: not read")
        raise UnreadableText(f"no reader for this type ({content_type})")
    data = part.get_payload(decode=True) or b""
    if len(data) > EMAIL_ATTACHMENT_MAX_BYTES:
        raise UnreadableText(f"too large ({len(data):,} bytes; attachments over "
                             f"{EMAIL_ATTACHMENT_MAX_BYTES:,} bytes are not read)")
    if not data.strip():
        raise UnreadableText("empty attachment")
    suffix = os.path.splitext(part.get_filename() or "")[1].lower()
    if suffix in EMAIL_SUFFIXES:
        if depth >= EMAIL_MAX_DEPTH:
            raise UnreadableText(f"a message nested more than {EMAIL_MAX_DEPTH} deep: not read")
        text, meta = _read_email(data, depth + 1)
        return text, meta.get("attachments_unread", [])
    reader = _READERS.get(suffix) or _sniffed_reader(data)
    if reader is None:
        if content_type == "text/html":
            reader = read_html
        elif part.get_content_maintype() == "text" or (suffix and suffix in TEXT_SUFFIXES):
            if part.get_content_maintype() == "text" and part.get_param("charset") and not looks_binary(data):
                return _part_text(part), []  # its declared charset, not a guess
            reader = read_text
        else:
            raise UnreadableText(_no_reader(content_type, data))
    return reader(data)[0], []


def read_email(data: bytes) -> tuple[str, dict]:
    """An e-mail message (.eml): its subject, then its body (plain text, or the HTML part's
    visible text when there is no plain one), then any message forwarded as an attachment.

    Then each other attachment a reader handles (by its file name's suffix, else by its content
    or declared type: PDF, Word, PowerPoint, Excel, OpenDocument, RTF, HTML, text, an attached
    .eml), one part each. ``meta["attachments"]`` names every attachment; when one was read,
    ``meta["pages"]`` holds the parts' ranges: page 1 is the message, page i+1 the i-th name in
    ``meta["attachments_read"]``. ``meta["attachments_unread"]`` says why each other one was
    not read. An attachment that cannot be read never fails the message."""
    return _read_email(data, 0)


def _read_email(data: bytes, depth: int) -> tuple[str, dict]:
    if not data.strip():
        return "", {"format": "email"}
    if looks_binary(data):
        raise UnreadableText("binary content, not an e-mail message")
    from email import policy
    from email.parser import BytesParser

    attached: list = []
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
        text = _message_text(message, attached, depth)
    except Exception as exc:  # a damaged MIME structure
        raise _library_error("e-mail", exc) from None
    meta = {"format": "email"}
    if not attached:
        return text, meta
    parts, read, unread = [without_surrogates(text)], [], []
    for name, part, level in attached:
        try:
            with _share_of_time_left(EMAIL_ATTACHMENT_TIME_SHARE):
                content, inner_unread = _attachment_text(part, level)
        except _AttachmentTimeout as exc:
            reason = f"its conversion took longer than {exc.seconds:.1f} s (its share of the e-mail's time limit): not read"
        except UnreadableText as exc:
            reason = str(exc)
        except Exception as exc:  # a converter's own bug must not fail the message
            reason = str(_library_error("attachment", exc))
        else:
            content = without_surrogates(content).strip()
            reason = None if content else "no text in it"
            unread += [{"name": f"{name}/{u['name']}", "reason": u["reason"]} for u in inner_unread]
        if reason is None:
            parts.append(content)
            read.append(name)
        else:
            unread.append({"name": name, "reason": reason})
    meta.update(attachments=[name for name, _, _ in attached], attachments_read=read, attachments_unread=unread)
    if read:
        text, meta["pages"] = _joined(parts)
    return text, meta


# Zip archives that are Office documents, by a part only that format has.
_OFFICE_PARTS = (("word/document.xml", ".docx"), ("ppt/presentation.xml", ".pptx"), ("xl/workbook.xml", ".xlsx"),
                 ("xl/workbook.bin", ".xlsb"))


def read_xlsb(data: bytes) -> tuple[str, dict]:
    raise UnreadableText("an Excel binary workbook (.xlsb) is not read: save it as .xlsx")


def sniffed_suffix(data: bytes) -> str | None:
    """The suffix a file's content says it has, for PDF, RTF, Office and OpenDocument files saved
    without theirs (or with a plain-text one, or RTF saved as .doc): archives and mail exports
    often lose the extension."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"{\\rtf"):  # Word also saves RTF under .doc
        return ".rtf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                mimetype = _zip_mimetype(archive) if "mimetype" in names else None
        except zipfile.BadZipFile:
            return None
        if mimetype in _ODF_TYPES:
            return _ODF_TYPES[mimetype]
        for part, suffix in _OFFICE_PARTS:
            if part in names:
                return suffix
    return None


def reader_for(suffix: str, data: bytes = b""):
    """The reader for a file's suffix; a file whose suffix names no other format (plain text, or
    none) is looked at first, and a PDF, Office or OpenDocument file is read as one."""
    suffix = suffix.lower()
    if suffix in _READERS:
        return _READERS[suffix]
    return (_sniffed_reader(data) if data else None) or read_text


def _sniffed_reader(data: bytes):
    """The reader a file's first bytes call for (a PDF, RTF, Office or OpenDocument file that lost
    its suffix), falling back to plain text; None when they call for none."""
    sniffed = sniffed_suffix(data)
    return None if sniffed is None else _or_text(_READERS[sniffed])


def _or_text(reader):
    """``reader``, chosen by a file's first bytes, or the plain-text reader when it fails and
    the bytes read as text (a note that begins "%PDF-" is a note)."""
    def read(data: bytes) -> tuple[str, dict]:
        try:
            return reader(data)
        except UnreadableText as exc:
            try:
                return read_text(data)
            except UnreadableText:
                raise exc from None
    return read


_READERS = {**dict.fromkeys(HTML_SUFFIXES, read_html), **dict.fromkeys(PDF_SUFFIXES, read_pdf),
            **dict.fromkeys(DOCX_SUFFIXES, read_docx), **dict.fromkeys(PPTX_SUFFIXES, read_pptx),
            **dict.fromkeys(XLSX_SUFFIXES, read_xlsx), **dict.fromkeys(EMAIL_SUFFIXES, read_email),
            **dict.fromkeys(RTF_SUFFIXES, read_rtf), ".xlsb": read_xlsb,
            **{suffix: _odf_reader(suffix) for suffix in ODF_SUFFIXES}}
