"""Conversions with a time limit where a timer signal cannot give one.

A signal can only interrupt the main thread of a process. Where a conversion runs in another
thread (a Dask worker runs its tasks in threads), it is sent to a child process of its own that
converts with the same timer in its main thread (``readers._converted``) and answers with the
Document. If the child does not answer in time (a converter stuck in C code that the timer cannot
interrupt) or dies (a crash in a parser), it is killed, the file gets an error record, and the
next file starts a new child. Each thread has its own child, started on first use and ended when
this process exits or its pipe closes.

The messages are a length-prefixed JSON header followed by the file's bytes, and a
length-prefixed JSON Document back: nothing is unpickled.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import struct
import subprocess
import sys
import threading

from .documents import Document

_LENGTH = struct.Struct("!Q")
GRACE_SECONDS = 5.0  # past the limit before the child is killed: its own timer normally fires first
CHILD = [sys.executable, "-m", "dualuse.corpora.isolated"]


def timed_out(doc_id: str, source: str, seconds: float) -> Document:
    return Document.failed(doc_id, source, f"conversion took longer than {seconds:g} s (--timeout): not read")


class ConverterProcess:
    """A child process that converts files one at a time; see the module's docstring."""

    def __init__(self, command: list[str] | None = None, *, grace: float = GRACE_SECONDS) -> None:
        self.command = list(command or CHILD)
        self.grace = grace
        self._proc: subprocess.Popen | None = None

    def convert(self, data: bytes, doc_id: str, source: str, suffix: str, seconds: float) -> Document:
        """``data`` converted in the child within ``seconds`` (and the grace), else an error record."""
        try:
            proc = self._started()
            _write(proc.stdin, json.dumps([doc_id, source, suffix, seconds]).encode("utf-8"), data)
            ready, _, _ = select.select([proc.stdout], [], [], seconds + self.grace)
            if not ready:
                self.close()
                return timed_out(doc_id, source, seconds)
            header = _read(proc.stdout)
        except OSError as exc:  # the child could not start, or its pipe broke
            self.close()
            return Document.failed(doc_id, source, f"conversion process failed: {exc}")
        if header is None:
            code = self.close()
            return Document.failed(doc_id, source, f"the conversion process ended (exit code {code}): not read")
        fields = json.loads(header)
        return Document(id=fields["id"], text=fields["text"], source=fields["source"], meta=fields["meta"],
                        error=fields["error"])

    def _started(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self.close()
            self._proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        return self._proc

    def close(self) -> int | None:
        """End the child (killed if it is still running); its exit code."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        return proc.wait()


_local = threading.local()
_all: list[tuple[threading.Thread, ConverterProcess]] = []
_all_lock = threading.Lock()


def converter() -> ConverterProcess:
    """This thread's converter process. Those of threads that have ended are closed here."""
    conv = getattr(_local, "converter", None)
    if conv is None:
        conv = _local.converter = ConverterProcess()
        with _all_lock:
            if not _all:
                atexit.register(_close_all)
            for thread, other in [pair for pair in _all if not pair[0].is_alive()]:
                other.close()
                _all.remove((thread, other))
            _all.append((threading.current_thread(), conv))
    return conv


def _close_all() -> None:
    for _, conv in _all:
        conv.close()


def _write(pipe, *messages: bytes) -> None:
    """Each of ``messages`` length-prefixed (a pipe may take a large one in several writes)."""
    for message in messages:
        view = memoryview(_LENGTH.pack(len(message)) + message)
        while view:
            view = view[pipe.write(view):]


def _read_exactly(pipe, n: int) -> bytes | None:
    parts, left = [], n
    while left:
        chunk = pipe.read(left)
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _read(pipe) -> bytes | None:
    """One length-prefixed message; None at the end of the stream."""
    size = _read_exactly(pipe, _LENGTH.size)
    return None if size is None else _read_exactly(pipe, _LENGTH.unpack(size)[0])


def main() -> None:
    """The child: requests on stdin, Documents on stdout, until stdin closes."""
    from .readers import _converted

    requests = os.fdopen(0, "rb", buffering=0)
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # a converter's stray output goes to stderr, not into the answers
    while True:
        header = _read(requests)
        if header is None:
            return
        body = _read(requests)
        if body is None:
            return
        doc_id, source, suffix, seconds = json.loads(header)
        doc = _converted(body, doc_id, source, suffix, seconds)
        _write(answers, json.dumps({"id": doc.id, "text": doc.text, "source": doc.source, "meta": doc.meta,
                                    "error": doc.error}, default=str).encode("utf-8"))


if __name__ == "__main__":
    main()
