"""Readers: paths, folders and stdin in, a stream of Documents out (never all in memory).

Every input yields exactly one Document per document it holds, in a deterministic order;
one that cannot be read yields a Document with ``error`` set instead of being skipped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from .documents import Document
from .text import UnreadableText, decode

STDIN = "-"
MAX_FILE_BYTES = 200 * 1024 * 1024


def expand(inputs: Iterable[str]) -> Iterator[tuple[str, Path | None, str | None]]:
    """(id, path, error) for every file named by ``inputs``; folders are walked recursively."""
    for raw in inputs:
        if raw == STDIN:
            yield STDIN, None, None
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists():
            yield raw, path, None
        elif path.is_symlink():
            yield raw, None, "broken symbolic link"
        else:
            yield raw, None, "no such file or directory"


def _walk(root: Path) -> Iterator[tuple[str, Path | None, str | None]]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        dirs.sort()
        for err in errors:
            yield str(err.filename), None, f"cannot list folder: {err.strerror}"
        errors.clear()
        for name in sorted(files):
            path = Path(folder) / name
            yield str(path), path, None
        # Symbolic links to folders are not followed (loops); say so rather than skip silently.
        for name in list(dirs):
            if (Path(folder) / name).is_symlink():
                yield str(Path(folder) / name), None, "symbolic link to a folder, not followed"
    for err in errors:
        yield str(err.filename or root), None, f"cannot list folder: {err.strerror}"


def read_text_file(path: Path, doc_id: str) -> Document:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Document.failed(doc_id, str(path), f"file too large ({size} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        return Document.failed(doc_id, str(path), f"cannot read: {exc.strerror or exc}")
    return from_bytes(data, doc_id, str(path))


def from_bytes(data: bytes, doc_id: str, source: str) -> Document:
    try:
        text, encoding = decode(data)
    except UnreadableText as exc:
        return Document.failed(doc_id, source, str(exc))
    if not text.strip():
        return Document.failed(doc_id, source, "empty document" if not text else "only whitespace")
    meta = {} if encoding == "utf-8" else {"encoding": encoding}
    return Document(id=doc_id, text=text, source=source, meta=meta)


def read_stream(stream: BinaryIO, doc_id: str = STDIN) -> Document:
    """The whole stream as one document."""
    return from_bytes(stream.read(), doc_id, STDIN)


def iter_documents(inputs: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Document]:
    for doc_id, path, error in expand(inputs):
        if error is not None:
            yield Document.failed(doc_id, doc_id, error)
        elif path is None:
            yield read_stream(stdin if stdin is not None else sys.stdin.buffer)
        else:
            yield read_text_file(path, doc_id)
