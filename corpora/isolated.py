"""Conversions with a time limit where a timer signal cannot give one.

A signal can only interrupt the main thread of a process. Where a conversion runs in another
thread (a Dask worker runs its tasks in threads), it is sent to a child process of its own that
converts with the same timer in its main thread (``readers._converted``) and answers with the
Document. If the child does not answer in time (a converter stuck in C code that the timer cannot
interrupt), dies (a crash in a parser) or the exchange fails in any other way, it is killed, the
file gets an error record, and the next file starts a new child. Each thread has its own child,
started on first use; it ends when its pipe closes (this process exits) and, on Linux, when this
process dies, whatever it is doing. POSIX only (``readers.can_limit_time``).

The messages are length-prefixed: a JSON header and the file's bytes, and a JSON Document back;
nothing is unpickled.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import struct
import subprocess
import sys
import threading

from .documents import Document

_LENGTH = struct.Struct("!Q")
_PARENT = "DUALUSE_CONVERTER_PARENT"  # the starting process's id, for the child to check
GRACE_SECONDS = 5.0  # past the limit before the child is killed: its own timer normally fires first
# -P: a module in the current folder must not shadow one the child imports (Python 3.11+)
CHILD = [sys.executable, *(["-P"] if sys.version_info >= (3, 11) else []), "-m", "dualuse.corpora.isolated"]


def timed_out(doc_id: str, source: str, seconds: float) -> Document:
    return Document.failed(doc_id, source, f"conversion took longer than {seconds:g} s (--timeout): not read")


class ConverterProcess:
    """A child process that converts files one at a time; see the module's docstring."""

    def __init__(self, command: list[str] | None = None, *, grace: float = GRACE_SECONDS) -> None:
        self.command = list(command or CHILD)
        self.grace = grace
        self._proc: subprocess.Popen | None = None

    def convert(self, data: bytes, doc_id: str, source: str, suffix: str, seconds: float) -> Document:
        """``data`` converted in the child within ``seconds`` (and the grace), else an error record.
        Never raises for the file: any failure of the exchange ends the child (an answer left
        unread would otherwise be taken for the next file's)."""
        try:
            proc = self._started()
            _write(proc.stdin, json.dumps([doc_id, source, suffix, seconds]).encode("utf-8"), data)
            with selectors.DefaultSelector() as waiting:  # not select.select: no limit on the descriptor
                waiting.register(proc.stdout, selectors.EVENT_READ)
                ready = waiting.select(seconds + self.grace)
            if not ready:
                self.close()
                return timed_out(doc_id, source, seconds)
            answer = _read(proc.stdout)
            if answer is None:
                code = self.close()
                return Document.failed(doc_id, source, f"the conversion process ended (exit code {code}): not read")
            fields = json.loads(answer)
            if fields["id"] != doc_id:
                raise ValueError(f"an answer for {fields['id']!r}")
            return Document(id=fields["id"], text=fields["text"], source=fields["source"], meta=fields["meta"],
                            error=fields["error"])
        except BaseException as exc:
            self.close()
            if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: the run stops
                raise
            return Document.failed(doc_id, source, f"conversion process failed ({type(exc).__name__}: {exc}): not read")

    def _started(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self.close()
            self._proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
                                          env={**os.environ, _PARENT: str(os.getpid())})
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
    """Each of ``messages`` length-prefixed, the message written from its own buffer (a pipe may
    take a large one in several writes; no copy of it is made)."""
    for message in messages:
        for part in (_LENGTH.pack(len(message)), message):
            view = memoryview(part)
            while view:
                view = view[pipe.write(view):]


def _read_exactly(pipe, n: int) -> bytearray | None:
    buffer = bytearray(n)
    view, got = memoryview(buffer), 0
    while got < n:
        count = pipe.readinto(view[got:])
        if not count:
            return None
        got += count
    return buffer


def _read(pipe) -> bytearray | None:
    """One length-prefixed message; None at the end of the stream."""
    size = _read_exactly(pipe, _LENGTH.size)
    return None if size is None else _read_exactly(pipe, _LENGTH.unpack(size)[0])


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this child when the process that started it dies (a child
    stuck in C code would otherwise run on after its parent was killed)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_DEATHSIG
    except (OSError, AttributeError):
        return
    parent = os.environ.get(_PARENT)
    if parent and os.getppid() != int(parent):  # the parent died before the request was made
        os._exit(1)


def main() -> None:
    """The child: requests on stdin, Documents on stdout, until stdin closes."""
    import signal

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it ends the child
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
        data = bytes(body)
        del body
        doc = _converted(data, doc_id, source, suffix, seconds, here=True)
        del data
        _write(answers, json.dumps({"id": doc.id, "text": doc.text, "source": doc.source, "meta": doc.meta,
                                    "error": doc.error}, ensure_ascii=False, default=str)
               # a lone surrogate (in a name from a file) as its JSON escape, which reads back the same
               .encode("utf-8", "backslashreplace"))


if __name__ == "__main__":
    main()
