"""Readers: paths, folders, globs, record files and stdin in; a stream of Documents out.

Every input yields exactly one Document per document it holds, in a deterministic order; one
that cannot be read yields a Document with ``error`` set instead of being skipped. Nothing is
loaded whole: folders are walked lazily, record files and stdin are read row by row.

The stream is built in two steps so that work can be spread over processes: ``iter_units``
lists the units of input order cheaply (a file to read, or a document already read from a
record file or stdin), and ``load_unit`` turns a unit into a Document (reading and converting
the file), which a worker process can do.
"""

from __future__ import annotations

import csv
import fnmatch
import glob
import io
import json
import os
import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Union

from .documents import Document
from .formats import RECORD_SUFFIXES, read_text, reader_for
from .text import MISSING_CELL, FieldError, UnreadableText, decode, record_text, text_fields, without_surrogates

STDIN = "-"
MAX_FILE_BYTES = 200 * 1024 * 1024
# With --jobs, JSON Lines go to the workers unparsed: in blocks of at most BLOCK_BYTES, and a
# line over RAW_LINE_BYTES (a record with large fields besides its text) is parsed where it is
# read, so that the lines waiting for a worker hold a bounded amount of memory.
BLOCK_BYTES = 1024 * 1024
RAW_LINE_BYTES = 64 * 1024
CONVERSION_SECONDS = 300.0
NOT_REGULAR = "not a regular file (a named pipe, socket or device found in a folder or by a pattern): not read"
_GLOB_CHARS = set("*?[")


@dataclass
class ReadOptions:
    # One field, or several joined with a blank line (a title and a body): ``record_text``.
    text_field: str | tuple = "text"
    id_field: str = "id"
    stdin_mode: str = "whole"  # whole | lines | jsonl
    include: tuple = ()
    exclude: tuple = ()
    max_bytes: int = MAX_FILE_BYTES
    # A PDF, Word or HTML file whose conversion takes longer gets an error record (a damaged or
    # hostile file can keep a converter busy for ever); 0 or None: no limit.
    timeout: float | None = CONVERSION_SECONDS


@dataclass(frozen=True)
class FileUnit:
    """A single-document file, read when the unit is loaded."""

    id: str
    path: str


@dataclass(frozen=True)
class LinesUnit:
    """Consecutive lines of a JSON Lines file, as read, parsed when the unit is loaded: with
    ``--jobs`` a worker parses them instead of the process that reads the file (which then
    only reads and hands on bytes)."""

    path: str
    lines: tuple  # the raw lines (bytes), newline included
    first_line: int  # the number of the first one in the file

    @property
    def weight(self) -> int:
        """How many documents the unit holds, at most (blank lines hold none)."""
        return len(self.lines)


Unit = Union[FileUnit, LinesUnit, Document]
JSONL_SUFFIXES = {".jsonl", ".ndjson"}


# ---------------------------------------------------------------- expanding inputs

def _selected(path: str, options: ReadOptions, relative: str | None = None) -> bool:
    """A pattern may match the file name, its path inside the folder given, or the whole path."""
    names = {path, os.path.basename(path), relative or path}

    def hit(patterns):
        return any(fnmatch.fnmatch(n, p) for p in patterns for n in names)

    return (not options.include or hit(options.include)) and not hit(options.exclude)


def expand(inputs: Iterable[str], options: ReadOptions | None = None) -> Iterator[tuple[str, str | None, str | None]]:
    """(id, path, error) for every file named by ``inputs``, in order.

    Folders are walked recursively (sorted, symbolic links to folders reported and not
    followed); a pattern with * ? [ is a glob (``**`` recurses). ``--include``/``--exclude``
    filter what folders and globs find; a file named on its own is always read.
    """
    options = options or ReadOptions()
    for raw in inputs:
        if raw == STDIN:
            yield STDIN, None, None
            continue
        path = Path(raw)
        try:
            is_dir, exists = path.is_dir(), path.exists()
        except OSError as exc:  # a symbolic link loop, a name too long, ...
            yield raw, None, f"cannot open: {exc.strerror or exc}"
            continue
        if is_dir:
            yield from _walk(path, options)
        elif exists:
            yield raw, raw, None
        elif _GLOB_CHARS & set(raw):
            matches = [m for m in sorted(glob.glob(raw, recursive=True)) if _selected(m, options)]
            if not matches:
                yield raw, None, "no file matches this pattern"
            for m in matches:
                if os.path.isdir(m):
                    yield from _walk(Path(m), options)
                elif os.path.isfile(m) or os.path.islink(m):
                    yield m, m, None
                else:
                    yield m, None, NOT_REGULAR
        elif path.is_symlink():
            yield raw, None, "broken symbolic link"
        else:
            yield raw, None, "no such file or directory"



def _walk(root: Path, options: ReadOptions) -> Iterator[tuple[str, str | None, str | None]]:
    """Files under ``root``, each folder's files in name order before its subfolders.

    A named pipe, socket or device found here gets an error instead of being read (reading a
    pipe nobody writes to would wait forever); one named on its own is read as a stream.
    The entries' types come with the folder listing, so regular files cost no extra call."""
    filtered = bool(options.include or options.exclude)

    def selected(path: str) -> bool:
        return not filtered or _selected(path, options, os.path.relpath(path, root))

    def visit(folder: str):
        # Names only are kept (as os.walk keeps them), not the listing's entry objects: a
        # folder of 100,000 files holds 100,000 of them while it is sorted.
        files, special, subfolders, linked = [], set(), [], []
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:  # a symbolic-link loop: read below, and reported as unreadable
                        is_dir = False
                    if is_dir:
                        (linked if entry.is_symlink() else subfolders).append(entry.name)
                        continue
                    files.append(entry.name)
                    try:
                        regular = entry.is_file()
                    except OSError:
                        regular = False
                    if not (regular or entry.is_symlink()):  # a broken link is tried, and says why
                        special.add(entry.name)
        except OSError as err:
            yield str(err.filename or folder), None, f"cannot list folder: {err.strerror}"
            return
        for name in sorted(files):
            path = os.path.join(folder, name)
            if selected(path):
                yield (path, None, NOT_REGULAR) if name in special else (path, path, None)
        # Symbolic links to folders are not followed (loops); say so rather than skip silently.
        for name in sorted(linked):
            path = os.path.join(folder, name)
            if selected(path):
                yield path, None, "symbolic link to a folder, not followed"
        for name in sorted(subfolders):
            yield from visit(os.path.join(folder, name))

    yield from visit(str(root))


# ---------------------------------------------------------------- units

def iter_units(inputs: Iterable[str], options: ReadOptions | None = None,
               stdin: BinaryIO | None = None, line_blocks: int = 0, raw_lines: bool = False) -> Iterator[Unit]:
    """The units of the inputs, in input order: one per document, except that with
    ``line_blocks`` a JSON Lines file comes as ``LinesUnit``s of that many lines each, and
    with ``raw_lines`` each line of JSON Lines on stdin comes unparsed as a ``LinesUnit`` of
    one line (their documents are the same, read by ``load_units``)."""
    options = options or ReadOptions()
    for doc_id, path, error in expand(inputs, options):
        if error is not None:
            yield Document.failed(doc_id, doc_id, error)
        elif path is None:
            stream = stdin if stdin is not None else _stdin_bytes()
            if raw_lines and options.stdin_mode == "jsonl":
                yield from _line_units(stream, STDIN, options, 1)
            else:
                yield from iter_stdin(stream, options)
        elif line_blocks and os.path.splitext(path)[1].lower() in JSONL_SUFFIXES:
            yield from _jsonl_blocks(path, options, line_blocks)
        elif os.path.splitext(path)[1].lower() in RECORD_SUFFIXES:
            yield from iter_record_file(path, options)
        else:
            yield FileUnit(doc_id, path)


def _stdin_bytes() -> BinaryIO:
    """Standard input as bytes, through a reader of our own on the same file descriptor.

    ``tag --jobs N`` reads its input in a thread; were that thread blocked in
    ``sys.stdin.buffer.readline()`` when the run stops (Ctrl-C, a closed pipe downstream),
    Python could not close ``sys.stdin`` at exit and would abort. Where stdin has no file
    descriptor (an embedding application, a test runner) its buffer is used."""
    try:
        return open(sys.stdin.fileno(), "rb", closefd=False)
    except (AttributeError, OSError, ValueError):
        return sys.stdin.buffer


def load_unit(unit: Unit, options: ReadOptions | None = None) -> Document:
    """The document of a one-document unit (a file, or a document already read)."""
    if isinstance(unit, Document):
        return unit
    if isinstance(unit, LinesUnit):
        raise TypeError("a block of lines holds several documents: use load_units")
    return read_file(unit.path, unit.id, options or ReadOptions())


def load_units(unit: Unit, options: ReadOptions | None = None) -> list[Document]:
    """The documents of any unit, in order."""
    if isinstance(unit, LinesUnit):
        return list(jsonl_rows(unit.lines, unit.path, options or ReadOptions(), unit.first_line))
    return [load_unit(unit, options)]


def iter_documents(inputs: Iterable[str], stdin: BinaryIO | None = None,
                   options: ReadOptions | None = None) -> Iterator[Document]:
    options = options or ReadOptions()
    for unit in iter_units(inputs, options, stdin):
        yield load_unit(unit, options)


# ---------------------------------------------------------------- single-document files

def _read_bytes(path: str, doc_id: str, options: ReadOptions) -> bytes | Document:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        return Document.failed(doc_id, path, f"cannot read: {exc.strerror or exc}")
    try:
        size = os.fstat(fd).st_size
        if size > options.max_bytes:
            return Document.failed(doc_id, path, f"file too large ({size:,} bytes; the limit is "
                                                 f"{options.max_bytes:,})")
        chunks, total = [], 0
        while True:  # a file may grow or be a pipe: read to the end, not just its stated size
            chunk = os.read(fd, max(size + 1, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > options.max_bytes:
                return Document.failed(doc_id, path, f"file too large (more than {options.max_bytes:,} bytes)")
        return b"".join(chunks)
    except OSError as exc:
        return Document.failed(doc_id, path, f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)


def read_file(path: str, doc_id: str, options: ReadOptions | None = None) -> Document:
    options = options or ReadOptions()
    data = _read_bytes(path, doc_id, options)
    if isinstance(data, Document):
        return data
    return _converted(data, doc_id, path, os.path.splitext(path)[1], options.timeout)


def _converted(data: bytes, doc_id: str, source: str, suffix: str, timeout: float | None, *,
               here: bool = False) -> Document:
    """A Document from bytes by the reader for their suffix and content; a conversion (not plain
    text) gets ``timeout`` seconds, then an error record. In a thread the timer cannot reach, a
    child process converts (``isolated``), unless ``here`` (the child itself)."""
    reader = reader_for(suffix, data)
    seconds = None if reader is read_text else timeout  # conversions may run long
    if seconds and not here and not _timer_here() and can_limit_time():
        from .isolated import converter

        return converter().convert(data, doc_id, source, suffix, seconds)
    try:
        with time_limit(seconds):
            return from_bytes(data, doc_id, source, reader=reader)
    except ConversionTimeout:
        return Document.failed(doc_id, source, f"conversion took longer than {seconds:g} s (--timeout): not read")


class ConversionTimeout(BaseException):
    """A file's conversion ran past its time limit. Not an ``Exception``: a converter's own
    ``except Exception`` (a reader's catch-all for damaged files) must not take it for one."""


def _timer_here() -> bool:
    """Whether ``time_limit`` can interrupt this thread: only the main thread of a process, on a
    system with interval timers."""
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


def can_limit_time() -> bool:
    """Whether a conversion gets its time limit on this system: by the timer in a main thread,
    and elsewhere by a child process (``isolated``), which needs the timer too and a wait on its
    pipe (POSIX). Without them conversions run without a limit, as they always could there."""
    return hasattr(signal, "setitimer") and os.name == "posix"


@contextmanager
def time_limit(seconds: float | None):
    """Raise ``ConversionTimeout`` in this block after ``seconds`` (a real-time timer and
    SIGALRM; no limit for 0 or None). Only where signals can be used, the main thread of a
    process that has the timer; ``_converted`` sends a conversion elsewhere to a child process."""
    if not seconds or not _timer_here():
        yield
        return

    def expired(signum, frame):
        raise ConversionTimeout()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _checked(doc: Document, empty: bool = False) -> Document:
    doc.text = without_surrogates(doc.text)
    if not doc.text.strip():
        reason = "empty document" if (empty or not doc.text) else "only whitespace"
        return Document.failed(doc.id, doc.source, reason, **doc.meta)
    return doc


def from_bytes(data: bytes, doc_id: str, source: str, suffix: str = "", reader=None) -> Document:
    """A Document from a file's bytes, converted by ``reader``, or else by the reader for its
    suffix and content (plain text when neither names a format)."""
    try:
        text, meta = (reader or reader_for(suffix, data))(data)
    except UnreadableText as exc:
        return Document.failed(doc_id, source, str(exc))
    return _checked(Document(id=doc_id, text=text, source=source, meta=meta), empty=not data)


# ---------------------------------------------------------------- record files and stdin

def _row_document(row, where: str, fallback_id: str, options: ReadOptions) -> Document:
    if not isinstance(row, dict):
        return Document.failed(fallback_id, where, "expected a JSON object")
    doc_id = row.get(options.id_field)
    doc_id = str(doc_id) if doc_id not in (None, "", MISSING_CELL) else fallback_id
    try:
        text = record_text(row, options.text_field)
    except FieldError as exc:
        return Document.failed(doc_id, where, str(exc))
    return _checked(Document(id=doc_id, text=text, source=where))


def iter_record_file(path: str, options: ReadOptions) -> Iterator[Document]:
    """One document per JSON Lines line, JSON array element or CSV row."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix in (".csv", ".json"):  # read whole: JSON Lines are read line by line, any size
            size = os.stat(path).st_size
            if size > options.max_bytes:
                yield Document.failed(path, path, f"file too large ({size:,} bytes)")
                return
        if suffix == ".csv":
            yield from _csv_rows(path, options)
        elif suffix == ".json":
            yield from _json_rows(path, options)
        else:
            with open(path, "rb") as fh:
                yield from jsonl_rows(bounded_lines(fh, options.max_bytes), path, options)
    except OSError as exc:
        yield Document.failed(path, path, f"cannot read: {exc.strerror or exc}")


def _jsonl_blocks(path: str, options: ReadOptions, size: int) -> Iterator[Unit]:
    """A JSON Lines file as ``_line_units``; the same checks and errors as ``iter_record_file``
    (a read error comes after the lines read before it)."""
    try:
        with open(path, "rb") as fh:
            yield from _line_units(fh, path, options, size)
    except OSError as exc:
        yield Document.failed(path, path, f"cannot read: {exc.strerror or exc}")


def _line_units(stream: BinaryIO, name: str, options: ReadOptions, size: int) -> Iterator[Unit]:
    """JSON Lines as ``LinesUnit``s of at most ``size`` raw lines and ``BLOCK_BYTES`` bytes, each
    given as soon as it is full (``size`` 1: every line as it arrives). A line over
    ``RAW_LINE_BYTES`` is parsed here instead, so that its document keeps only its text, not
    the line's other fields; a blank line that would open a unit is passed over (it holds no
    document). A read error comes after the lines read before it."""
    lines: list = []
    first, held = 1, 0

    def unit() -> LinesUnit:
        nonlocal lines, first, held
        done = LinesUnit(name, tuple(lines), first)
        first, lines, held = first + len(lines), [], 0
        return done

    try:
        for line in bounded_lines(stream, options.max_bytes):
            if line is not None and (len(line) > RAW_LINE_BYTES or not (lines or line.strip())):
                if lines:
                    yield unit()
                yield from jsonl_rows([line], name, options, first)  # (nothing for a blank line)
                first += 1
                continue
            lines.append(line)
            held += len(line) if line is not None else 0
            if len(lines) >= size or held >= BLOCK_BYTES:
                yield unit()
    except OSError:
        if lines:
            yield unit()
        raise
    if lines:
        yield unit()


def bounded_lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The stream's lines (only "\\n" ends one), read as they arrive; a line longer than
    ``limit`` bytes is given as None, and the rest of it is skipped in pieces (at most
    ``limit`` bytes of it are ever held)."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            yield None
        else:
            yield line


def _too_long(options: ReadOptions) -> str:
    return f"line too long (more than {options.max_bytes:,} bytes): not read"


def jsonl_rows(lines, name: str, options: ReadOptions, first_line: int = 1) -> Iterator[Document]:
    """One document per JSON line; ``first_line`` is the number, in the whole file, of the first
    line given (a worker reading a byte range of the file names rows by their true line). A
    line given as None was too long to read (``bounded_lines``)."""
    for n, raw in enumerate(lines, first_line):
        where = f"{name}:{n}"
        if raw is None:
            yield Document.failed(where, where, _too_long(options))
            continue
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # also too deeply nested, or an integer too long
            yield Document.failed(where, where, f"invalid JSON ({getattr(exc, 'msg', exc)})")
            continue
        yield _row_document(row, where, where, options)


def _json_rows(path: str, options: ReadOptions) -> Iterator[Document]:
    try:
        data = json.loads(Path(path).read_bytes())
    except (ValueError, RecursionError) as exc:
        yield Document.failed(path, path, f"invalid JSON ({getattr(exc, 'msg', exc)})")
        return
    if isinstance(data, dict):
        yield _row_document(data, path, path, options)
        return
    if not isinstance(data, list):
        yield Document.failed(path, path, "expected a JSON object or an array of objects")
        return
    for i, row in enumerate(data):
        yield _row_document(row, f"{path}[{i}]", f"{path}[{i}]", options)


def _csv_rows(path: str, options: ReadOptions) -> Iterator[Document]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    data = Path(path).read_bytes()
    try:
        text, _ = decode(data)
    except UnreadableText as exc:
        yield Document.failed(path, path, str(exc))
        return
    reader = csv.DictReader(io.StringIO(text, newline=""), restval=MISSING_CELL)
    try:
        fields = text_fields(options.text_field)
    except FieldError as exc:
        yield Document.failed(path, path, str(exc))
        return
    missing = [f for f in fields if f not in (reader.fieldnames or [])]
    if missing:
        columns = ", ".join(reader.fieldnames or [])
        yield Document.failed(path, path, f"no column {missing[0]!r} (columns: {columns}); use --text-field")
        return
    for row in reader:
        where = f"{path}:{reader.line_num}"
        yield _row_document(row, where, where, options)


def iter_stdin(stream: BinaryIO, options: ReadOptions) -> Iterator[Document]:
    """The whole stream as one document, or one per line (``lines``) or per JSON line (``jsonl``).

    Lines are yielded as they arrive, so a never-ending stream is tagged as it flows.
    """
    if options.stdin_mode == "whole":
        yield read_stream(stream, timeout=options.timeout)
    elif options.stdin_mode == "jsonl":
        yield from jsonl_rows(bounded_lines(stream, options.max_bytes), STDIN, options)
    else:
        for n, raw in enumerate(bounded_lines(stream, options.max_bytes), 1):
            if raw is None:
                yield Document.failed(f"{STDIN}:{n}", STDIN, _too_long(options))
            elif raw.strip():
                # a line is text: never converted, so offsets index the line itself
                yield from_bytes(raw.rstrip(b"\r\n"), f"{STDIN}:{n}", STDIN, reader=read_text)


def read_stream(stream: BinaryIO, doc_id: str = STDIN, timeout: float | None = None) -> Document:
    """The whole stream as one document (a PDF or Office file piped in is converted, within
    ``timeout`` seconds like a file)."""
    return _converted(stream.read(), doc_id, STDIN, "", timeout)
