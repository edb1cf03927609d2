"""Text out of document files: plain text, HTML, PDF and Word.

Each reader takes the file's bytes and returns (text, meta), or raises UnreadableText with a
message a user can act on. Format libraries are imported only when a file of that format
turns up, so tagging plain text starts fast.
"""

from __future__ import annotations

import io
import re
import zipfile

from .text import UnreadableText, decode

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".rst", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv"}

# A .docx is a zip archive; one that expands far beyond any real document is refused unread.
DOCX_MAX_EXPANDED = 200 * 1024 * 1024
DOCX_MAX_RATIO = 200

_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")


def read_text(data: bytes) -> tuple[str, dict]:
    text, encoding = decode(data)
    return text, ({} if encoding == "utf-8" else {"encoding": encoding})


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
        parts, pages, offset = [], [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append([offset, offset + len(text)])
            parts.append(text)
            offset += len(text) + 2
    except UnreadableText:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
            OSError, RecursionError, NotImplementedError) as exc:
        raise UnreadableText(f"not a readable PDF ({type(exc).__name__}: {str(exc)[:120]})") from None
    text = "\n\n".join(parts)
    if pages and not text.strip():
        raise UnreadableText(f"PDF has no text layer ({len(pages)} pages, probably scanned images)")
    return text, {"format": "pdf", "pages": pages}


def read_docx(data: bytes) -> tuple[str, dict]:
    """Paragraphs and table cells of a Word document, in document order."""
    if not data:
        return "", {"format": "docx"}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableText("not a readable .docx (not a zip archive)") from None
    if expanded > DOCX_MAX_EXPANDED or expanded > DOCX_MAX_RATIO * max(len(data), 1):
        raise UnreadableText(f"refusing to open .docx: it expands to {expanded:,} bytes from {len(data):,} "
                             "(a zip bomb, or far larger than any document)")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableText(f"not a readable .docx ({type(exc).__name__})") from None
    except Exception as exc:  # lxml raises its own XML errors for a damaged document part
        raise UnreadableText(f"not a readable .docx ({type(exc).__name__}: {str(exc)[:120]})") from None
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(b for b in blocks if b.strip()), {"format": "docx"}


def reader_for(suffix: str):
    suffix = suffix.lower()
    if suffix in HTML_SUFFIXES:
        return read_html
    if suffix in PDF_SUFFIXES:
        return read_pdf
    if suffix in DOCX_SUFFIXES:
        return read_docx
    return read_text
