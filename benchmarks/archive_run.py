"""A 100,000-file archive, end to end: what a compliance team would point `dualuse tag` at.

Builds (under --work, outside the repository) a tree of folders holding --files documents made
from the real SBIR and Federal Register abstracts, cycled: mostly plain text, with Markdown,
HTML, e-mail (some with the document attached as .docx), Word, RTF, PowerPoint, Excel,
OpenDocument text and spreadsheets and PDF files among them, some saved without a suffix,
and a known set of bad files (empty, whitespace, binary, legacy Office, a zip, an image, a
corrupt PDF, invalid UTF-8 noise). Then, in one run:
- `dualuse tag ARCHIVE --jobs 2 -o records.jsonl` (timed, peak RSS of the process tree), and
  bare ``spacy.blank("en")`` tokenization of the same texts in this process, as the reference;
- checks that every file has exactly one record, that exactly the bad files have errors and
  each error says why, that every mention's offsets index its document's text;
- the same run killed with SIGKILL about halfway through, then `--resume`d: the resumed file
  must hold the same records as the uninterrupted one.

    python benchmarks/archive_run.py [--files 100000] [--work /tmp/dualuse-archive] [--jobs 2]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import spacy

from common import FEDERAL_REGISTER, SBIR, read_jsonl_gz

DUALUSE = [sys.executable, "-m", "dualuse.cli.main"]
# One file in RICH is a converted format (cycled); the rest are text.
RICH = 50
BAD = {  # name -> bytes; each must get an error record
    "empty.txt": b"",
    "blank.txt": b" \n\t\n",
    "noise.bin": bytes(range(256)) * 40,
    "legacy.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000,
    "scan.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 4000,
    "broken.pdf": b"%PDF-1.4\n1 0 obj <<>> garbage",
    "cut.docx": b"PK\x03\x04 truncated",
}


def texts() -> list[tuple[str, str, str]]:
    rows = []
    for path in (SBIR, FEDERAL_REGISTER):
        for r in read_jsonl_gz(path):
            if (r.get("text") or "").strip():
                rows.append((r["id"], r.get("title") or "", r["text"]))
    return rows


def rich_file(kind: str, title: str, text: str) -> tuple[str, bytes]:
    """(suffix, bytes) of a converted format holding ``text``."""
    if kind == "html":
        body = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
        return ".html", f"<html><head><title>x</title><script>var a=1;</script></head><body><h1>{title}</h1>{body}</body></html>".encode()
    if kind == "rtf":
        def escape(part: str) -> str:
            return "".join(("\\" + c) if c in "\\{}" else c if ord(c) < 128
                           else f"\\u{ord(c) if ord(c) < 32768 else ord(c) - 65536}?" for c in part)
        body = "\\par\n".join(escape(p) for p in [title] + text.split("\n"))
        return ".rtf", ("{\\rtf1\\ansi{\\fonttbl\\f0\\fswiss Helvetica;}\\f0\\pard\n" + body + "\\par\n}").encode("ascii")
    if kind == "eml":
        from email.message import EmailMessage

        msg = EmailMessage()
        msg["Subject"] = title[:200]
        msg.set_content(text)
        return ".eml", bytes(msg)
    if kind == "eml-attached":  # a covering note with the document attached as .docx
        from email.message import EmailMessage

        msg = EmailMessage()
        msg["Subject"] = "Fwd: " + title[:200]
        msg.set_content("Please see the attached document.")
        msg.add_attachment(rich_file("docx", title, text)[1], maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                           filename="document.docx")
        return ".eml", bytes(msg)
    if kind in ("odt", "ods"):
        from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
        from odf.table import Table, TableCell, TableRow
        from odf.text import H, P

        if kind == "odt":
            document = OpenDocumentText()
            document.text.addElement(H(outlinelevel=1, text=title[:200]))
            for paragraph in text.split("\n"):
                document.text.addElement(P(text=paragraph))
        else:
            document = OpenDocumentSpreadsheet()
            sheet = Table(name="Sheet1")
            for sentence in text.split(". "):
                row = TableRow()
                for value in (title[:50], sentence):
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=value))
                    row.addElement(cell)
                sheet.addElement(row)
            document.spreadsheet.addElement(sheet)
        out = io.BytesIO()
        document.write(out)
        return f".{kind}", out.getvalue()
    buf = io.BytesIO()
    if kind == "docx":
        import docx

        document = docx.Document()
        document.add_heading(title[:200])
        document.add_paragraph(text)
        document.save(buf)
        return ".docx", buf.getvalue()
    if kind == "pptx":
        from pptx import Presentation

        deck = Presentation()
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title[:200]
        slide.placeholders[1].text = text
        deck.save(buf)
        return ".pptx", buf.getvalue()
    if kind == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        for sentence in text.split(". "):
            book.active.append([title[:50], sentence])
        book.save(buf)
        return ".xlsx", buf.getvalue()
    if kind == "pdf":
        from fpdf import FPDF

        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("helvetica", size=10)
        pdf.multi_cell(0, 5, (title + "\n\n" + text).encode("latin-1", "replace").decode("latin-1"))
        return ".pdf", bytes(pdf.output())
    raise ValueError(kind)


def build(work: Path, n: int) -> tuple[Path, set[str], list[str]]:
    """The archive, the paths of its bad files, and the texts it holds (for the reference)."""
    archive = work / "archive"
    marker = work / f"built-{n}-v3"
    rows = texts()
    kinds = ["html", "eml", "docx", "pptx", "xlsx", "pdf", "md", "noext-docx", "rtf", "odt", "ods", "eml-attached"]
    bad = set()
    if not marker.exists():
        shutil.rmtree(work, ignore_errors=True)
        archive.mkdir(parents=True)
        for i in range(n):
            doc_id, title, text = rows[i % len(rows)]
            folder = archive / f"box{i // 5000:02d}" / f"folder{(i // 250) % 20:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            stem = f"{i:06d}-{doc_id}"
            if i % RICH == 0:
                kind = kinds[(i // RICH) % len(kinds)]
                if kind == "md":
                    (folder / f"{stem}.md").write_text(f"# {title}\n\n{text}", encoding="utf-8")
                elif kind == "noext-docx":
                    (folder / stem).write_bytes(rich_file("docx", title, text)[1])
                else:
                    suffix, data = rich_file(kind, title, text)
                    (folder / f"{stem}{suffix}").write_bytes(data)
            else:
                (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        for name, data in BAD.items():
            (archive / "box00" / "folder00" / name).write_bytes(data)
        marker.touch()
    bad = {str(archive / "box00" / "folder00" / name) for name in BAD}
    return archive, bad, [rows[i % len(rows)][2] for i in range(n)]


def tag(archive: Path, out: Path, jobs: int, extra: list[str] = (), kill_after: float | None = None):
    """(seconds, peak RSS MiB of the tree, return code) of one run; killed with SIGKILL after
    ``kill_after`` seconds when given."""
    cmd = DUALUSE + ["tag", str(archive), "-j", str(jobs), "-o", str(out), "-f", "jsonl", *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        if kill_after is not None and time.perf_counter() - start > kill_after:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.2)
    stderr = proc.stderr.read().decode()
    return time.perf_counter() - start, peak / 1024, proc.returncode, stderr


def tree_rss(pid: int) -> int:
    """KiB resident in ``pid`` and its descendants (from /proc)."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root] + root.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss // 1024
        except psutil.NoSuchProcess:
            pass
    return total


def read_records(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/dualuse-archive"))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    start = time.perf_counter()
    archive, bad, corpus = build(args.work, args.files)
    files = sorted(str(p) for p in archive.rglob("*") if p.is_file())
    print(f"archive: {len(files):,} files ({len(bad)} bad) built in {time.perf_counter() - start:.0f} s")

    nlp = spacy.blank("en")
    start = time.perf_counter()
    for _ in nlp.pipe(corpus, batch_size=256):
        pass
    bare = time.perf_counter() - start

    full = args.work / "records.jsonl"
    full.unlink(missing_ok=True)
    seconds, peak, code, stderr = tag(archive, full, args.jobs)
    records = read_records(full)
    by_id = {r["id"]: r for r in records}
    failed = {r["id"] for r in records if r["error"]}
    checks = {
        "exit code 1 (some files failed, each with a record)": code == 1,
        "one record per file": len(records) == len(files) and set(by_id) == set(files),
        "errors on exactly the bad files": failed == bad,
        "every error says why": all(len(by_id[b]["error"]) > 10 for b in bad),
        "every other record has a flag": all(r.get("flag") for r in records if not r["error"]),
    }
    converted = [r for r in records if not r["error"] and not r["id"].endswith(".txt")]
    formats = {}
    for r in converted:
        key = (r.get("meta") or {}).get("format", "markdown" if r["id"].endswith(".md") else "text")
        formats[key] = formats.get(key, 0) + 1
    # offsets: check the text files against their source text
    text_ok = True
    for r in records:
        if r["error"] or not r["id"].endswith(".txt"):
            continue
        text = Path(r["id"]).read_text(encoding="utf-8")
        text_ok &= all(text[m["start"]:m["end"]] == m["text"] for m in r["mentions"])
    checks["mention offsets index the text (.txt files)"] = text_ok

    part = args.work / "resumed.jsonl"
    part.unlink(missing_ok=True)
    _, _, killed_code, _ = tag(archive, part, args.jobs, kill_after=seconds / 2)
    partial = part.with_name(part.name + ".partial")
    halfway = sum(1 for _ in open(partial, encoding="utf-8")) if partial.exists() else 0
    resumed_seconds, _, resumed_code, _ = tag(archive, part, args.jobs, extra=["--resume"])
    resumed = read_records(part)
    checks["the resumed run exits 1 too (failures in the part written before the kill)"] = resumed_code == 1
    checks["killed halfway, then --resume: same records"] = (
        sorted(json.dumps(r, sort_keys=True) for r in resumed) == sorted(json.dumps(r, sort_keys=True) for r in records))

    words = sum(len(t.split()) for t in corpus)
    print(f"\n| {len(files):,} files, {words:,} words of text | seconds | files/s | peak RSS MiB | vs bare tokenization |")
    print("|---|---|---|---|---|")
    print(f"| `dualuse tag ARCHIVE -j {args.jobs} -o records.jsonl` (start-up included) | {seconds:.1f} | "
          f"{len(files) / seconds:,.0f} | {peak:,.0f} | {bare / seconds:.2f} |")
    print(f"| bare `spacy.blank(\"en\")` tokenization of the texts, one process | {bare:.1f} | "
          f"{len(corpus) / bare:,.0f} | - | 1.00 |")
    print(f"\nrecords: {len(records):,}; failed {len(failed)}; flags "
          f"{dict(sorted(_count(r.get('flag') for r in records if not r['error']).items()))}")
    print(f"converted formats read: {dict(sorted(formats.items()))}")
    print("errors: " + "; ".join(f"{Path(b).name}: {by_id[b]['error']}" for b in sorted(bad) if b in by_id))
    print(f"killed after {seconds / 2:.0f} s (exit {killed_code}) with {halfway:,} records written; "
          f"--resume finished in {resumed_seconds:.1f} s (exit {resumed_code})")
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {name}")
    if not all(checks.values()):
        print(stderr[-2000:])
        raise SystemExit(1)


def _count(items) -> dict:
    out: dict = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


if __name__ == "__main__":
    main()
