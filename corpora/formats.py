"""Text out of document files: plain text, HTML, PDF, Word, RTF, PowerPoint, Excel and e-mail.

Each reader takes the file's bytes and returns (text, meta), or raises UnreadableText with a
message a user can act on. Format libraries are imported only when a file of that format
turns up, so tagging plain text starts fast. Files of formats no reader handles (legacy Office,
archives, images, ...) are named by their first bytes, so their error says what they are.
"""

from __future__ import annotations

import io
import re
import zipfile

from .text import UnreadableText, decode, looks_binary

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".rst", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
PPTX_SUFFIXES = {".pptx"}
XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
EMAIL_SUFFIXES = {".eml"}
RTF_SUFFIXES = {".rtf"}
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


def read_text(data: bytes) -> tuple[str, dict]:
    try:
        text, encoding = decode(data)
    except UnreadableText:
        for signature, what in _SIGNATURES:
            if data.startswith(signature):
                raise UnreadableText(f"not a text file: {_zip_kind(data) or what}") from None
        raise
    return text, ({} if encoding == "utf-8" else {"encoding": encoding})


def _zip_kind(data: bytes) -> str | None:
    """What a zip archive is when it is an OpenDocument file (its first member names the type)."""
    if not data.startswith(b"PK\x03\x04") or b"application/vnd.oasis.opendocument" not in data[:200]:
        return None
    return "an OpenDocument file (.odt, .ods or .odp): save it as .docx, .xlsx, .pptx or PDF to tag it"


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


def _message_text(message, attachments: list, depth: int = 0) -> str:
    """Subject and body of a message, then those of the messages forwarded inside it (attached
    as message/rfc822); the names of other attachments go to ``attachments``."""
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
        if part.get_content_type() == "message/rfc822" and depth < 10:
            inner = part.get_payload(0) if part.is_multipart() else None
            if inner is not None:
                texts.append(_message_text(inner, attachments, depth + 1))
                continue
        attachments.append(part.get_filename() or part.get_content_type())
    return "\n\n".join(t for t in texts if t)


def read_email(data: bytes) -> tuple[str, dict]:
    """An e-mail message (.eml): its subject, then its body (plain text, or the HTML part's
    visible text when there is no plain one), then any message forwarded as an attachment.
    Other attachments are not read; their names are kept in ``meta["attachments"]`` so a record
    says what was left out."""
    if not data.strip():
        return "", {"format": "email"}
    if looks_binary(data):
        raise UnreadableText("binary content, not an e-mail message")
    from email import policy
    from email.parser import BytesParser

    attachments: list = []
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
        text = _message_text(message, attachments)
    except Exception as exc:  # a damaged MIME structure
        raise _library_error("e-mail", exc) from None
    meta = {"format": "email"}
    if attachments:
        meta["attachments"] = attachments
    return text, meta


# Zip archives that are Office documents, by a part only that format has.
_OFFICE_PARTS = (("word/document.xml", ".docx"), ("ppt/presentation.xml", ".pptx"), ("xl/workbook.xml", ".xlsx"),
                 ("xl/workbook.bin", ".xlsb"))


def read_xlsb(data: bytes) -> tuple[str, dict]:
    raise UnreadableText("an Excel binary workbook (.xlsb) is not read: save it as .xlsx")


def sniffed_suffix(data: bytes) -> str | None:
    """The suffix a file's content says it has, for PDF, RTF and Office files saved without theirs
    (or with a plain-text one, or RTF saved as .doc): archives and mail exports often lose the
    extension."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"{\\rtf"):  # Word also saves RTF under .doc
        return ".rtf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        for part, suffix in _OFFICE_PARTS:
            if part in names:
                return suffix
    return None


def reader_for(suffix: str, data: bytes = b""):
    """The reader for a file's suffix; a file whose suffix names no other format (plain text, or
    none) is looked at first, and a PDF or Office file is read as one."""
    suffix = suffix.lower()
    if suffix in _READERS:
        return _READERS[suffix]
    sniffed = sniffed_suffix(data) if data else None
    return read_text if sniffed is None else _or_text(_READERS[sniffed])


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
            **dict.fromkeys(RTF_SUFFIXES, read_rtf), ".xlsb": read_xlsb}
