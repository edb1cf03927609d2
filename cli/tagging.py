"""`dualuse tag` as functions: inputs in, records out (`tag_inputs`); and the run that writes
them, shows progress and counts what happened (`run_tag`)."""

from __future__ import annotations

import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional


CHUNK = 128  # documents sent to a worker process at a time


class ResumeMismatch(Exception):
    """The inputs do not start with the records of the interrupted run."""


def _skip_done(units: Iterator, done_ids: list[str]) -> Iterator:
    for n, expected in enumerate(done_ids):
        unit = next(units, None)
        if unit is None or unit.id != expected:
            found = "the end of the inputs" if unit is None else repr(unit.id)
            raise ResumeMismatch(f"record {n + 1} of the interrupted run is {expected!r} but the inputs give "
                                 f"{found}: resume with the same inputs and options, or start again with --force")
    yield from units


def tag_inputs(inputs: Iterable[str], *, model: Optional[Path] = None, options=None, jobs: int = 1,
               batch_size: int = 64, thresholds: tuple | None = None, done_ids: list[str] = (),
               with_text: bool = False, encode: bool = False, stdin=None) -> Iterator[dict]:
    """Records for every document the inputs hold, in input order.

    The bundle is loaded (and verified) before this returns, so a bad bundle fails before any
    output. ``done_ids`` are the records of an interrupted run: those inputs are checked and
    skipped without being read. With ``with_text`` each record carries the document's text
    under ``_text`` (for the HTML report); with ``encode`` worker processes also send each
    record's JSON line under ``_json``.
    """
    from dualuse.corpora.readers import ReadOptions, iter_units

    options = options or ReadOptions()
    inputs = [str(i) for i in inputs]
    if jobs > 1:
        from dualuse.model.parallel import tag_units_in_processes

        # Up to 128 documents go to a worker at a time; a live feed sends what has arrived.
        # JSON Lines go as raw lines that the workers parse (files in blocks, stdin a line at a
        # time as it arrives), except when resuming, which checks each document's id.
        live = _may_wait(inputs)
        units = iter_units(inputs, options, stdin, line_blocks=0 if live or done_ids else CHUNK,
                           raw_lines=not done_ids)
        units = _skip_done(units, list(done_ids))
        return tag_units_in_processes(units, jobs=jobs, model=model, thresholds=thresholds, options=options,
                                      batch_size=batch_size, chunk_size=CHUNK, with_text=with_text, encode=encode,
                                      live=live)
    units = _skip_done(iter_units(inputs, options, stdin), list(done_ids))
    from dualuse.model import load

    tagger = load(model)
    if thresholds is not None:
        tagger.set_thresholds(*thresholds)
    return _settled(_tag_loaded(tagger, units, options, inputs, batch_size, with_text))


def _settled(records: Iterator[dict]) -> Iterator[dict]:
    """The records, tagged with the loaded model out of the garbage collector's walks
    (``settled``): about a tenth faster on a long batch."""
    from dualuse.model.tagger import settled

    with settled():
        yield from records


def _tag_loaded(tagger, units, options, inputs: list[str], batch_size: int, with_text: bool) -> Iterator[dict]:
    from dualuse.corpora.readers import load_unit

    if _may_wait(inputs):
        return _as_it_arrives(tagger, units, options, batch_size, with_text)
    if not with_text:
        return tagger.tag((load_unit(u, options) for u in units), batch_size=batch_size)
    texts: deque = deque()

    def documents():
        for unit in units:
            document = load_unit(unit, options)
            texts.append(document.text)
            yield document

    def with_texts():
        for record in tagger.tag(documents(), batch_size=batch_size):
            record["_text"] = texts.popleft()
            yield record

    return with_texts()


def _may_wait(inputs: list[str]) -> bool:
    """Whether reading an input can wait on a writer: stdin, or a path that is neither a
    regular file nor a folder (a named pipe, a device). Such inputs are read as they arrive."""
    import os

    from dualuse.corpora.readers import STDIN

    # os.path.isfile is false for a named pipe, a device or a socket
    return any(i == STDIN or (os.path.exists(i) and not (os.path.isfile(i) or os.path.isdir(i)))
               for i in inputs)


def _as_it_arrives(tagger, units, options, batch_size: int, with_text: bool) -> Iterator[dict]:
    """Tag a stream in batches of what has already arrived (at most ``batch_size``): a fast
    stream is tagged at full batch speed, a live feed one line at a time as it comes, and no
    record waits for later input."""
    from dualuse.corpora.readers import load_unit
    from dualuse.model.parallel import ReadAhead

    stream = ReadAhead(units, limit=2 * batch_size)
    try:
        while True:
            batch = stream.take(batch_size, wait=True)
            if not batch:
                return
            documents = [load_unit(u, options) for u in batch]
            for document, record in zip(documents, tagger.tag(documents, batch_size=len(documents))):
                if with_text:
                    record["_text"] = document.text
                yield record
    finally:
        stream.close()


@dataclass
class Summary:
    documents: int = 0
    failed: int = 0
    flags: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        flags = ", ".join(f"{n} {flag}" for flag, n in sorted(self.flags.items()))
        noun = "document" if self.documents == 1 else "documents"
        return (f"dualuse: {self.documents} {noun}, {self.failed} failed"
                + (f", {flags}" if flags else "") + f" in {self.seconds:.1f} s ({rate:,.0f} docs/s)")


class _Progress:
    """docs, docs/s and errors on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.bar = None
        if enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(SpinnerColumn(), TextColumn("{task.completed} docs"),
                                TextColumn("{task.fields[rate]} docs/s"), TextColumn("{task.fields[errors]} errors"),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("tag", total=None, rate="0", errors=0)
            self.bar.start()
        self.start = time.perf_counter()

    def update(self, summary: Summary) -> None:
        if self.bar is not None and (summary.documents % 25 == 0 or summary.documents < 25):
            elapsed = time.perf_counter() - self.start
            self.bar.update(self.task, completed=summary.documents, errors=summary.failed,
                            rate=f"{summary.documents / elapsed:,.0f}" if elapsed else "0")

    def message(self, text: str) -> None:
        if self.bar is not None:
            self.bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def where(record: dict) -> str:
    """Where a record's document came from, for messages: its source ("notes.jsonl:4") with the
    document's own id when that differs, else the id."""
    source, doc_id = record.get("source"), record["id"]
    return f"{source} (id {doc_id})" if source and source != doc_id else doc_id


def run_tag(records: Iterator[dict], writer, *, target, report=None, progress: bool = False,
            flush_each: bool = False) -> Summary:
    """Write every record, report failures on stderr, keep count. Ctrl-C keeps what was written."""
    summary = Summary()
    bar = _Progress(progress)
    start = time.perf_counter()
    try:
        for record in records:
            text = record.pop("_text", None)
            writer.write(record)
            if flush_each:
                target.flush()
            summary.documents += 1
            if record.get("error"):
                summary.failed += 1
                bar.message(f"dualuse: {where(record)}: {record['error']}")
            elif record.get("flag"):
                summary.flags[record["flag"]] += 1
            if report is not None:
                report.add(record, text)
            bar.update(summary)
    except BaseException:
        bar.stop()
        target.abandon()
        if report is not None:
            report.abandon()
        raise
    bar.stop()
    target.commit()
    if report is not None:
        report.finish()
    summary.seconds = time.perf_counter() - start
    return summary
