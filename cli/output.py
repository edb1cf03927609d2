"""Where `dualuse tag` writes: formats (JSONL, CSV, table) and output files that are written
atomically and can be resumed.

An output file is written as ``FILE.partial``, one record at a time, and renamed to ``FILE``
when the run ends. A run that is killed leaves the ``.partial`` file; ``--resume`` reads the
records already in it, drops the last one (it may be cut short), and the run continues after
them. Records come in input order, so the finished file is the same as an uninterrupted run's.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

FORMATS = ("jsonl", "csv", "table")

CSV_COLUMNS = ["id", "source", "military_prob", "flag", "mention", "start", "end", "term", "term_id",
               "family", "category", "mention_military_prob", "page", "sentence_start", "sentence_end",
               "cues", "error", "model", "codes"]


class OutputError(Exception):
    """A usage problem with --output / --resume / --force; the message says what to do."""


# ---------------------------------------------------------------- formats

class JsonlWriter:
    def __init__(self, fh: TextIO) -> None:
        self.fh = fh

    def write(self, record: dict) -> None:
        line = record.pop("_json", None) or json.dumps(record, ensure_ascii=False)
        self.fh.write(line + "\n")


class CsvWriter:
    """One row per mention; a document without mentions (or that failed) is one row."""

    def __init__(self, fh: TextIO, header: bool = True) -> None:
        self.fh = fh
        self.writer = csv.writer(fh, lineterminator="\n")
        if header:
            self.writer.writerow(CSV_COLUMNS)

    def write(self, record: dict) -> None:
        base = [record["id"], record["source"], record.get("military_prob", ""), record.get("flag", "")]
        tail = [record.get("error") or "", record.get("model", ""), cited_codes(record)]
        mentions = record.get("mentions") or []
        if not mentions:
            self.writer.writerow(base + [""] * 12 + tail)
        for m in mentions:
            self.writer.writerow(base + [m["text"], m["start"], m["end"], m["term"], m["term_id"], m["family"],
                                         m.get("category") or "", m.get("military_prob", ""), m.get("page", ""),
                                         m["sentence"][0], m["sentence"][1], "; ".join(m["cues"])] + tail)


class TableWriter:
    """A line per document for a person at a terminal: flag, probability, id, top mentions."""

    STYLE = {"military": "\x1b[31m", "review": "\x1b[33m", "civilian": "\x1b[32m", "error": "\x1b[35m"}

    def __init__(self, fh: TextIO, colour: bool) -> None:
        self.fh = fh
        self.colour = colour
        fh.write(f"{'flag':9} {'p(mil)':>6}  {'document':40}  mentions\n")

    def write(self, record: dict) -> None:
        if record.get("error"):
            flag, prob, rest = "error", "", record["error"]
        else:
            flag = record.get("flag", "-")
            prob = f"{record['military_prob']:.2f}" if "military_prob" in record else ""
            terms = list(dict.fromkeys(m["term"] for m in record["mentions"]))
            rest = ", ".join(terms[:4]) + (f" (+{len(terms) - 4})" if len(terms) > 4 else "")
            if record.get("codes"):
                rest += f"{'; ' if rest else ''}cites {cited_codes(record)}"
        doc = record["id"] if len(record["id"]) <= 40 else "..." + record["id"][-37:]
        cell = f"{flag:9}"
        if self.colour:
            cell = f"{self.STYLE.get(flag, '')}{cell}\x1b[0m"
        self.fh.write(f"{cell} {prob:>6}  {doc:40}  {rest}\n")


def cited_codes(record: dict) -> str:
    """The control-list codes a record cites, each once, in order: "3A001.b.5; EAR99"."""
    return "; ".join(dict.fromkeys(c["code"] for c in record.get("codes") or []))


def make_writer(fmt: str, fh: TextIO, *, colour: bool = False, header: bool = True):
    if fmt == "csv":
        return CsvWriter(fh, header=header)
    if fmt == "table":
        return TableWriter(fh, colour)
    return JsonlWriter(fh)


def default_format(output: Path | None) -> str:
    if output is not None:
        return "csv" if output.suffix.lower() == ".csv" else "jsonl"
    return "table" if sys.stdout.isatty() else "jsonl"


# ---------------------------------------------------------------- targets

class _Lines:
    """Lines of a text, remembering how far into it the reader has got."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.index = 0
        self.pos = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.index >= len(self.lines):
            raise StopIteration
        line = self.lines[self.index]
        self.index += 1
        self.pos += len(line)
        return line


def records_in(text: str, fmt: str) -> list[tuple[str, int, bool, str]]:
    """(id, start offset, whether it failed, flag) of each record in a partial output, in
    order. A CSV record is the run of rows sharing an id; a JSONL record is a line."""
    records: list[tuple[str, int, bool, str]] = []
    lines = _Lines(text)
    start = 0
    rows = csv.reader(lines) if fmt == "csv" else lines
    for n, row in enumerate(rows):
        if fmt == "csv":
            if n == 0:  # header
                start = lines.pos
                continue
            doc_id = row[0] if row else None
            failed = len(row) > _CSV_ERROR and bool(row[_CSV_ERROR])
            flag = row[_CSV_FLAG] if len(row) > _CSV_FLAG else ""
        else:
            try:
                record = json.loads(row)
                doc_id = record["id"]
            except (json.JSONDecodeError, KeyError, TypeError):
                break
            failed, flag = bool(record.get("error")), record.get("flag") or ""
        if doc_id is not None and (not records or records[-1][0] != doc_id or fmt != "csv"):
            records.append((doc_id, start, failed, flag))
        start = lines.pos
    return records


_CSV_ERROR, _CSV_FLAG = CSV_COLUMNS.index("error"), CSV_COLUMNS.index("flag")


class OutputTarget:
    """stdout, or a file written through ``FILE.partial`` and renamed when the run completes."""

    def __init__(self, path: Path | None, fmt: str, *, force: bool = False, resume: bool = False) -> None:
        self.path = path
        self.fmt = fmt
        self.done_ids: list[str] = []
        # What the records already in a resumed file hold: the exit code counts them too.
        self.done_failed = 0
        self.done_flags: Counter = Counter()
        self.header = True  # whether a CSV header is still to be written
        if path is None:
            if resume:
                raise OutputError("--resume needs --output FILE")
            self.fh = sys.stdout
            self.partial = None
            return
        if fmt == "table" and resume:
            raise OutputError("--resume works with jsonl and csv output")
        self.partial = path.with_name(path.name + ".partial")
        if resume and self.partial.exists():
            text = self.partial.read_text(encoding="utf-8")
            if fmt == "csv" and text and text.split("\n", 1)[0].rstrip("\r") != ",".join(CSV_COLUMNS):
                raise OutputError(f"{self.partial} has other CSV columns than this version writes: "
                                  "start again with --force")
            records = records_in(text, fmt)
            # The last record may have been cut short by the interruption: it is tagged again.
            cut = records[-1][1] if records else 0
            self.done_ids = [doc_id for doc_id, *_ in records[:-1]]
            self.done_failed = sum(failed for _, _, failed, _ in records[:-1])
            self.done_flags = Counter(flag for _, _, failed, flag in records[:-1] if flag and not failed)
            with open(self.partial, "r+", encoding="utf-8") as fh:
                fh.truncate(len(text[:cut].encode("utf-8")))
            self.header = cut == 0
            self.fh = open(self.partial, "a", encoding="utf-8")
        elif resume and path.exists():
            raise OutputError(f"{path} is already complete; there is nothing to resume")
        else:
            if path.exists() and not force:
                raise OutputError(f"{path} exists; use --force to replace it")
            if self.partial.exists() and not force:
                raise OutputError(f"{self.partial} holds an interrupted run: --resume to continue it, "
                                  "or --force to start again")
            path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = open(self.partial, "w", encoding="utf-8")

    def flush(self) -> None:
        self.fh.flush()

    def commit(self) -> None:
        """The run ended: the partial file becomes the output."""
        if self.partial is None:
            self.fh.flush()
            return
        self.fh.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        """The run stopped early (interrupt): keep the partial file for --resume."""
        if self.partial is not None and not self.fh.closed:
            self.fh.close()
