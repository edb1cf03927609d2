"""Tagging with a bundle loaded once per process: the same code for ``--jobs N`` here and for
``mapPartitions`` in Spark, ``map_batches`` in Ray or a Dask task elsewhere.

``tag_partition(pairs, model)`` is the public entry point: it tags an iterator of (id, text)
pairs (or Documents) and yields records, loading the bundle the first time a process needs it
and reusing it afterwards. Nothing spaCy or scikit-learn is ever pickled: a worker receives the
bundle's path and loads (and verifies) it itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator

_TAGGERS: dict = {}


def tagger_for(model=None, thresholds: tuple | None = None):
    """The process's tagger for ``model`` (a bundle path, or None for the shipped default)."""
    key = (str(model) if model is not None else None, thresholds)
    tagger = _TAGGERS.get(key)
    if tagger is None:
        from . import load

        tagger = load(model)
        if thresholds is not None:
            tagger.set_thresholds(*thresholds)
        _TAGGERS[key] = tagger
    return tagger


def tag_partition(pairs: Iterable, model=None, *, batch_size: int = 64,
                  thresholds: tuple | None = None) -> Iterator[dict]:
    """Tag (id, text) pairs, strings or Documents with the bundle at ``model``, loaded once per
    process. Yields one record per item, in order.

    Spark::

        rdd.mapPartitions(lambda rows: tag_partition(((r.id, r.text) for r in rows), "/models/b"))
    """
    yield from tagger_for(model, thresholds).tag(pairs, batch_size=batch_size)


# ---------------------------------------------------------------- --jobs N on one machine

_WORKER: dict = {}


def _init_worker(model, thresholds, batch_size, options) -> None:
    _WORKER.update(model=model, thresholds=thresholds, batch_size=batch_size, options=options)
    from .tagger import settle_loaded

    tagger_for(model, thresholds)  # load now, so a bad bundle fails before any work is handed out
    settle_loaded()


def _tag_units(units: list, with_text: bool, encode: bool) -> list[dict]:
    """Read and tag one chunk in a worker. With ``encode`` each record also carries its JSON
    line (``_json``), so that the parent process only writes; without ``with_text`` the
    record sent back is then only that line and what the parent counts (id, flag, error),
    which spares the parent unpickling every mention a second time."""
    import json

    from dualuse.corpora.readers import load_units

    options = _WORKER["options"]
    documents = [d for u in units for d in load_units(u, options)]
    records = list(tag_partition(documents, _WORKER["model"], batch_size=_WORKER["batch_size"],
                                 thresholds=_WORKER["thresholds"]))
    if encode and not with_text:
        return [{"_json": json.dumps(r, ensure_ascii=False), "id": r["id"], "source": r.get("source"),
                 "flag": r.get("flag"), "error": r.get("error")} for r in records]
    for record, document in zip(records, documents):
        if encode:
            record["_json"] = json.dumps(record, ensure_ascii=False)
        if with_text:
            record["_text"] = document.text
    return records


def _one_by_one(unit, options) -> list:
    """A unit as units of one document each: a block of lines is parsed here, so that a
    document that kills its worker loses only its own record."""
    from dualuse.corpora.readers import LinesUnit, load_units

    return load_units(unit, options) if isinstance(unit, LinesUnit) else [unit]


def _lost(unit, model_name: str, reason: str) -> dict:
    from .records import error_record

    source = getattr(unit, "source", None) or getattr(unit, "path", None) or unit.id
    return error_record(unit.id, source, reason, model_name)


class ReadAhead:
    """Input units read in a thread, so that a chunk takes what has already arrived.

    ``take(n, wait)`` returns up to ``n`` units: it waits for the first one only when ``wait``
    (nothing else to do), then takes only units already read. A fast input (files, a redirected
    stream) gives full chunks; a live feed (``tail -f``) gives chunks of what came in, so its
    records are not held back until more lines arrive. At most ``limit`` units are held.

    When the buffer is full the reading thread sleeps until it is half empty, then refills it
    in one go: waking it for every unit taken cost more time in thread switches than reading.
    """

    def __init__(self, units: Iterable, limit: int) -> None:
        self._limit = max(2, limit)
        self._buffer: deque = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._ended = False  # the reader has read everything (or failed: ``_error``)
        self._error: BaseException | None = None
        self._done = False
        self._thread = threading.Thread(target=self._read, args=(iter(units),), daemon=True,
                                        name="dualuse-read-ahead")
        self._thread.start()

    def _read(self, units) -> None:
        try:
            for unit in units:
                with self._cond:
                    while len(self._buffer) >= self._limit and not self._closed:
                        self._cond.wait()
                    if self._closed:
                        return
                    self._buffer.append(unit)
                    if len(self._buffer) == 1:
                        self._cond.notify_all()
        except BaseException as exc:  # handed to the consumer, raised where it would have been
            self._error = exc
        finally:
            with self._cond:
                self._ended = True
                self._cond.notify_all()

    def take(self, n: int, wait: bool) -> list:
        with self._cond:
            if wait:
                while not self._buffer and not self._ended:
                    self._cond.wait()
            out = [self._buffer.popleft() for _ in range(min(n, len(self._buffer)))]
            if len(self._buffer) <= self._limit // 2:
                self._cond.notify_all()
            if not self._buffer and self._ended:
                if self._error is None:
                    self._done = True
                elif not out:  # the units before the error went out first
                    self._done = True
                    raise self._error
        return out

    @property
    def finished(self) -> bool:
        return self._done

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class InOrder:
    """Input units taken as they are read, in the caller's thread: ``ReadAhead``'s interface
    for inputs that never wait on a writer (files and folders), which need no reading thread
    (its hand-offs cost the parent process CPU time that the workers could use)."""

    def __init__(self, units: Iterable) -> None:
        self._units = iter(units)
        self._done = False
        self._error: Exception | None = None

    def take(self, n: int, wait: bool) -> list:
        if self._error is not None:  # the units read before it went out first
            error, self._error, self._done = self._error, None, True
            raise error
        out: list = []
        taken = 0  # documents: a block of lines (``LinesUnit``) counts as its lines
        try:
            while taken < n and not self._done:
                unit = next(self._units, None)
                if unit is None:
                    self._done = True
                else:
                    out.append(unit)
                    taken += getattr(unit, "weight", 1)
        except Exception as exc:
            if not out:
                self._done = True
                raise
            self._error = exc
        return out

    @property
    def finished(self) -> bool:
        return self._done

    def close(self) -> None:
        pass


def fork_safe() -> bool:
    """Whether worker processes can be forked from this one: Linux (fork is the platform's
    own start method there) and no other thread that could hold a lock the children need."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def start_workers(jobs: int, model=None, thresholds: tuple | None = None, options=None,
                  batch_size: int = 64) -> tuple[ProcessPoolExecutor, Callable[[], ProcessPoolExecutor], str]:
    """A pool of ``jobs`` tagging processes, a function that makes a fresh one, and the bundle's
    "name version" (for error records). The bundle is verified here either way, so a bad
    bundle fails before any work is handed out.

    Where it is safe (``fork_safe``) the bundle is loaded here and the workers are forked from
    this process at once: they start with the bundle in memory instead of each importing spaCy
    and loading it again, which with two jobs was about a quarter of a second more start-up
    than one job. Elsewhere, and for every pool made afterwards (a worker died, and by then the
    read-ahead thread runs), a fork server starts clean workers that load the bundle themselves.
    """
    def pool_in(context) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                                   initargs=(model, thresholds, batch_size, options))

    def clean_pool() -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["dualuse.model.parallel", "dualuse.corpora.readers"])
        return pool_in(context)

    if not fork_safe():
        from .bundle import verify_bundle
        from .taxonomy import packaged

        manifest = verify_bundle(packaged("default") if model is None else model)
        return clean_pool(), clean_pool, f"{manifest.get('name')} {manifest.get('version')}"
    tagger = tagger_for(model, thresholds)
    pool = pool_in(multiprocessing.get_context("fork"))
    # Objects alive now are never collected in the children, so collecting does not copy the
    # pages they share with this process.
    gc.freeze()
    try:
        # With fork, every worker is started by the first submit, before the pool's own
        # threads: now, while this process has a single thread.
        pool.submit(int).result()
    finally:
        gc.unfreeze()
    return pool, clean_pool, tagger.model


def tag_units_in_processes(units: Iterable, *, jobs: int, model=None, thresholds: tuple | None = None,
                           options=None, batch_size: int = 64, chunk_size: int = 64,
                           with_text: bool = False, encode: bool = False, live: bool = True) -> Iterator[dict]:
    """Tag input units in ``jobs`` worker processes; records come back in input order.

    The workers are started, and the bundle verified, before this returns
    (``start_workers``); the records come from the iterator it returns. At most a few chunks
    per worker are in flight, so memory stays flat.
    Chunks hold up to ``chunk_size`` units, fewer when the input is a live feed (``ReadAhead``).
    Without ``live`` (no input can wait on a writer: files, folders) the units are read in
    this thread as chunks are sent (``InOrder``).
    When a worker dies (killed, out of memory) the chunks in flight are retried in a fresh pool;
    a chunk that fails again is retried one document at a time, and a document that still kills
    its worker gets an error record instead of stopping the run.
    """
    pool, new_pool, model_name = start_workers(jobs, model, thresholds, options, batch_size)
    return _tag_in_pool(pool, new_pool, units, jobs=jobs, chunk_size=chunk_size, with_text=with_text,
                        encode=encode, model_name=model_name, live=live, options=options)


def _tag_in_pool(pool, new_pool, units: Iterable, *, jobs: int, chunk_size: int, with_text: bool, encode: bool,
                 model_name: str, live: bool = True, options=None) -> Iterator[dict]:
    # [units, future, failures, alone], in input order. A worker's death breaks every future in
    # flight, so a death counts against a chunk only when it ran ``alone``: the head that broke
    # with others in flight runs again by itself to tell. ``alone`` entries are a prefix of the
    # window, and while the head is one nothing else is sent.
    window: deque = deque()
    ahead = max(2, 3 * jobs)
    stream = ReadAhead(units, limit=2 * chunk_size) if live else InOrder(units)

    def dispatch():
        # Send the entries not yet sent, in order, up to one that must run alone (unless it is the
        # head: then it is sent, and nothing after it).
        for k, entry in enumerate(window):
            if entry[3] and k:
                return
            if entry[1] is None:
                try:
                    entry[1] = pool.submit(_tag_units, entry[0], with_text, encode)
                except BrokenProcessPool:  # a worker died while idle, waiting for input
                    renew_pool()
                    return
            if entry[3]:
                return

    def renew_pool():
        # A worker died (killed, out of memory): a fresh pool takes the chunks in flight again.
        nonlocal pool
        pool.shutdown(wait=False, cancel_futures=True)
        pool = new_pool()
        for entry in window:
            entry[1] = None
        dispatch()

    failed: list = []  # an error reading the inputs, raised once the chunks in flight are out

    def fill():
        # Wait for input only when no chunk is in flight; otherwise send what has arrived.
        while len(window) < ahead and not failed:
            try:
                chunk = stream.take(chunk_size, wait=not window)
            except Exception as exc:
                failed.append(exc)
                break
            if not chunk:
                break
            window.append([chunk, None, 0, False])
        dispatch()

    try:
        fill()
        while window or not (stream.finished or failed):
            if not window:
                fill()
                continue
            head = window[0]
            if head[1] is None:
                dispatch()
            try:
                records = head[1].result()
            except BrokenProcessPool:
                if not head[3]:
                    head[3] = True  # others were in flight: run it alone to know whether it was this one
                else:
                    head[2] += 1
                    if head[2] >= 2:
                        window.popleft()
                        singles = [d for u in head[0] for d in _one_by_one(u, options)]
                        if len(singles) > 1:
                            window.extendleft(reversed([[[d], None, 1, True] for d in singles]))
                        elif singles:  # (a block of blank lines has none)
                            yield _lost(singles[0], model_name,
                                        "a worker process died while tagging this document, twice")
                renew_pool()
                fill()
                continue
            window.popleft()
            yield from records
            fill()
        if failed:
            raise failed[0]
    finally:
        stream.close()
        pool.shutdown(wait=True, cancel_futures=True)
