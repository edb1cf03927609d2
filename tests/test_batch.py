"""Batch tagging: formats, bad inputs, outputs, resume, parallel workers, exit codes.

Every bad input is built here, in the test, and must give a record with a clear error (or be
tagged where it is readable) while the run goes on.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dualuse.cli.main import app
from dualuse.corpora.readers import ReadOptions, iter_documents

runner = CliRunner()

MIL = "The Navy program office will field armed UAVs with synthetic aperture radar for the warfighter."
CIV = "Farmers use drones with lidar to map soil moisture; the airline tested weather radar for civil aviation."


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def by_name(recs: list[dict]) -> dict:
    return {Path(r["id"]).name: r for r in recs}


# ---------------------------------------------------------------- building inputs

def make_pdf(path: Path, pages: list[str], password: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    data = bytes(pdf.output())
    if password:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.encrypt(user_password=password, owner_password=password)
        buffer = io.BytesIO()
        writer.write(buffer)
        data = buffer.getvalue()
    path.write_bytes(data)
    return path


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Item"
    table.rows[0].cells[1].text = "gas centrifuges"
    document.save(path)
    return path


def make_zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    return path


# ---------------------------------------------------------------- formats

def test_formats_give_text(tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><head><title>t</title><style>.x{color:red}</style><script>var uav = 1;</script></head>"
        "<body><h1>Export notice</h1><p>Controls on <b>synthetic aperture radar</b>.</p>"
        "<noscript>radar</noscript></body></html>")
    make_pdf(tmp_path / "report.pdf", ["Page one is about farming.", "Page two: gallium nitride amplifiers."])
    make_docx(tmp_path / "memo.docx", ["Memo on export licensing.", "Hot isostatic presses were shipped."])
    (tmp_path / "rows.jsonl").write_text(json.dumps({"id": "r1", "text": "Quantum computing grant."}) + "\n"
                                         + "not json\n" + json.dumps({"id": "r3", "body": "x"}) + "\n")
    (tmp_path / "table.csv").write_text("doc,body\nc1,Radar for weather offices\nc2,\n")
    (tmp_path / "list.json").write_text(json.dumps([{"id": "j1", "text": "A laser rangefinder."}]))
    docs = {d.id: d for d in iter_documents([str(tmp_path)])}
    page = docs[str(tmp_path / "page.html")]
    assert "synthetic aperture radar" in page.text and "var uav" not in page.text and "color" not in page.text
    assert "Export notice" in page.text
    pdf = docs[str(tmp_path / "report.pdf")]
    assert "gallium nitride" in pdf.text and len(pdf.meta["pages"]) == 2
    assert pdf.text[pdf.meta["pages"][1][0]:].startswith("Page two")
    assert "Hot isostatic presses" in docs[str(tmp_path / "memo.docx")].text
    assert "gas centrifuges" in docs[str(tmp_path / "memo.docx")].text
    assert docs["r1"].text == "Quantum computing grant."
    assert docs[f"{tmp_path / 'rows.jsonl'}:2"].error.startswith("invalid JSON")
    assert "no field 'text'" in docs["r3"].error
    assert docs["j1"].text == "A laser rangefinder."
    assert "no column 'text'" in docs[str(tmp_path / "table.csv")].error
    csv_docs = list(iter_documents([str(tmp_path / "table.csv")],
                                   options=ReadOptions(text_field="body", id_field="doc")))
    assert [(d.id, d.error) for d in csv_docs] == [("c1", None), ("c2", "empty document")]


def test_pdf_pages_reach_the_records(tmp_path):
    make_pdf(tmp_path / "r.pdf", ["Farming notes only.", "The Army will test a counter-drone laser."])
    result = runner.invoke(app, ["tag", str(tmp_path / "r.pdf"), "--format", "jsonl"])
    (rec,) = records(result.stdout)
    assert rec["meta"] == {"format": "pdf", "pages": 2}
    assert {m["page"] for m in rec["mentions"]} == {2}
    assert all(e["page"] == 2 for e in rec["evidence"])


def test_terms_a_pdf_wraps_across_lines_are_whole_mentions(tmp_path):
    """A PDF's text comes back in lines: "synthetic aperture" may end one and "radar" start the
    next. Its mentions are those of the same text on one line."""
    text = ("The program office will integrate a compact, small, rugged, lightweight and affordable "
            "synthetic aperture radar with an unmanned aerial vehicle (UAV) for persistent maritime "
            "surveillance; each UAV also carries an uncooled microbolometer focal plane array for night "
            "operations over the littoral zone.")
    make_pdf(tmp_path / "wrapped.pdf", [text])
    (tmp_path / "plain.txt").write_text(text)
    recs = by_name(records(runner.invoke(app, ["tag", str(tmp_path), "--format", "jsonl"]).stdout))
    from_pdf = [(m["text"].split(), m["term_id"]) for m in recs["wrapped.pdf"]["mentions"]]
    from_text = [(m["text"].split(), m["term_id"]) for m in recs["plain.txt"]["mentions"]]
    assert any("\n" in m["text"] for m in recs["wrapped.pdf"]["mentions"])  # the PDF's lines did break a term
    assert from_pdf == from_text
    assert ("synthetic_aperture_radar" in [i for _, i in from_pdf]
            and [w for w, _ in from_pdf].count(["UAV"]) == 2)


def test_words_a_pdf_hyphenates_at_a_line_end_score_as_the_whole_words():
    """Justified text breaks words inside ("mil-" at one line's end, "itary" at the next line's
    start): the classifier reads the whole word where it knows it, and a compound's halves as a
    compound written on one line, so the score is that of the same text unbroken."""
    from dualuse.model import load

    tagger = load()
    plain = ("The company will improve the satellite-based navigation receivers of small commercial "
             "aircraft, with military users as a secondary market, and test them in congested airspace.")
    broken = ("The company will improve the satellite-\nbased navigation receivers of small commercial "
              "aircraft, with mil-\nitary users as a secondary market, and test them in con-\ngested airspace.")
    spread = plain.replace("the satellite", "the\nsatellite").replace("with military", "with\nmilitary")
    spread = spread.replace("in congested", "in\ncongested")  # the same lines, broken at spaces
    a, b, c = tagger.tag([plain, broken, spread])
    assert [m["term_id"] for m in b["mentions"]] == [m["term_id"] for m in a["mentions"]]
    assert b["flag"] == a["flag"]
    assert 0.6 < c["military_prob"] < 0.999  # not a score any text would get
    assert abs(b["military_prob"] - c["military_prob"]) < 1e-6


# ---------------------------------------------------------------- bad inputs

def test_bad_inputs_each_get_a_record_and_the_run_goes_on(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "binary.bin").write_bytes(bytes(range(256)) * 40)
    (d / "bad_utf8.txt").write_bytes(b"ok \xfa\x81\x8d\x8f\x90\x9d\xff" * 300)
    (d / "fake_utf16.txt").write_bytes(b"\xff\xfe\xfa\x81\x8d\x8f\x90\x9d" * 300)
    (d / "mixed.txt").write_bytes("Radar exports. ".encode() + "défense aérienne".encode("cp1252") + b" drones.")
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_text(" \n\t\n")
    (d / "zero.pdf").write_bytes(b"")
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF")
    make_pdf(d / "locked.pdf", ["Secret radar plans."], password="s3cret")
    make_zip_bomb(d / "bomb.docx")
    (d / "ok.txt").write_text(MIL)
    os.symlink(d, d / "loop")
    os.symlink(d / "a_link", d / "a_link")  # a link to itself
    result = runner.invoke(app, ["tag", str(d), "--format", "jsonl"])
    assert result.exit_code == 1
    recs = by_name(records(result.stdout))
    assert recs["ok.txt"]["error"] is None and recs["ok.txt"]["flag"] == "military"
    assert recs["mixed.txt"]["error"] is None  # decoded as Windows-1252 and tagged
    assert "binary" in recs["binary.bin"]["error"]
    assert "UTF-8" in recs["bad_utf8.txt"]["error"]
    assert "UTF-16" in recs["fake_utf16.txt"]["error"]
    assert recs["empty.txt"]["error"] == "empty document"
    assert recs["blank.txt"]["error"] == "only whitespace"
    assert recs["zero.pdf"]["error"] == "empty document"
    assert recs["corrupt.pdf"]["error"].startswith("not a readable PDF") or "no text layer" in recs["corrupt.pdf"]["error"]
    assert "password" in recs["locked.pdf"]["error"]
    assert "zip bomb" in recs["bomb.docx"]["error"]
    assert "not followed" in recs["loop"]["error"]
    assert recs["a_link"]["error"].startswith("cannot")
    assert len(recs) == 13
    assert "locked.pdf: encrypted PDF" in result.stderr


def test_large_text_file_is_tagged_in_parts_with_true_offsets(tmp_path):
    filler = "Routine text about fisheries management and quotas. " * 20 + "\n"
    text = filler * 50_000  # about 52 MB
    tail = "The Army will field a counter-drone laser weapon (ECCN 6A005.d).\n"
    big = tmp_path / "big.txt"
    big.write_text(text + tail)
    result = runner.invoke(app, ["tag", str(big), "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    (rec,) = records(result.stdout)
    assert rec["meta"]["parts"] > 500
    assert rec["mentions"], "the mention at the end of the file is found"
    m = rec["mentions"][-1]
    assert (text + tail)[m["start"]:m["end"]] == m["text"]
    assert m["military_prob"] > 0.5 and m["sentence"][0] == len(text)
    (code,) = rec["codes"]  # a cited control-list code, its offsets in the whole file too
    assert (text + tail)[code["start"]:code["end"]] == code["code"] == "6A005.d"


def test_file_that_vanishes_mid_run_gets_a_record(tmp_path, monkeypatch):
    from dualuse.corpora import readers

    (tmp_path / "a.txt").write_text(MIL)
    (tmp_path / "b.txt").write_text(CIV)
    real = readers.read_file

    def read_then_vanish(path, doc_id, options=None):
        if path.endswith("a.txt"):
            os.unlink(tmp_path / "b.txt")
        return real(path, doc_id, options)

    monkeypatch.setattr(readers, "read_file", read_then_vanish)
    recs = by_name(records(runner.invoke(app, ["tag", str(tmp_path), "-f", "jsonl"]).stdout))
    assert recs["a.txt"]["error"] is None
    assert recs["b.txt"]["error"] == "cannot read: No such file or directory"


def test_invalid_json_lines_on_stdin():
    stream = json.dumps({"id": "x", "text": MIL}) + "\n{oops\n" + json.dumps({"id": "y", "text": CIV}) + "\n"
    result = runner.invoke(app, ["tag", "-", "--jsonl", "-f", "jsonl"], input=stream)
    assert result.exit_code == 1
    recs = records(result.stdout)
    assert [r["id"] for r in recs] == ["x", "-:2", "y"]
    assert recs[1]["error"].startswith("invalid JSON")
    assert [recs[0]["flag"], recs[2]["flag"]] == ["military", "civilian"]


def test_stdin_lines_mode():
    result = runner.invoke(app, ["tag", "-", "--lines", "-f", "jsonl"], input=f"{MIL}\n\n{CIV}\n")
    recs = records(result.stdout)
    assert [r["id"] for r in recs] == ["-:1", "-:3"]


def test_globs_include_and_exclude(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "b.md", "c.log", "sub/d.txt"):
        (tmp_path / name).write_text(CIV)
    result = runner.invoke(app, ["tag", str(tmp_path / "**" / "*.txt"), "-f", "jsonl"])
    assert sorted(Path(r["id"]).name for r in records(result.stdout)) == ["a.txt", "d.txt"]
    result = runner.invoke(app, ["tag", str(tmp_path), "--exclude", "*.log", "--exclude", "sub/*", "-f", "jsonl"])
    assert sorted(Path(r["id"]).name for r in records(result.stdout)) == ["a.txt", "b.md"]
    result = runner.invoke(app, ["tag", str(tmp_path), "--include", "*.md", "-f", "jsonl"])
    assert [Path(r["id"]).name for r in records(result.stdout)] == ["b.md"]
    result = runner.invoke(app, ["tag", str(tmp_path / "*.pdf"), "-f", "jsonl"])
    assert result.exit_code == 1 and records(result.stdout)[0]["error"] == "no file matches this pattern"


# ---------------------------------------------------------------- outputs

@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    for i in range(30):
        (d / f"{i:03d}.txt").write_text(MIL if i % 3 == 0 else CIV)
    (d / "031.txt").write_bytes(b"")
    return d


def test_output_file_formats_and_no_overwrite(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    first = runner.invoke(app, ["tag", str(corpus), "-o", str(out)])
    assert first.exit_code == 1 and len(records(out.read_text())) == 31
    again = runner.invoke(app, ["tag", str(corpus), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    csv_out = tmp_path / "out.csv"
    assert runner.invoke(app, ["tag", str(corpus), "-o", str(csv_out)]).exit_code == 1
    import csv

    rows = list(csv.DictReader(csv_out.open()))
    assert {r["mention"] for r in rows} >= {"armed UAVs", "synthetic aperture radar", "drones", "lidar"}
    assert any(r["error"] == "empty document" for r in rows)
    table = runner.invoke(app, ["tag", str(corpus), "-f", "table"])
    assert table.stdout.splitlines()[0].split()[:3] == ["flag", "p(mil)", "document"]
    assert "military" in table.stdout and "error" in table.stdout


def test_threshold_override_and_fail_on(tmp_path):
    f = tmp_path / "m.txt"
    f.write_text(MIL)
    assert runner.invoke(app, ["tag", str(f), "--fail-on", "military"]).exit_code == 3
    civ = tmp_path / "c.txt"
    civ.write_text(CIV)
    assert runner.invoke(app, ["tag", str(civ), "--fail-on", "military"]).exit_code == 0
    rec = records(runner.invoke(app, ["tag", str(f), "-f", "jsonl", "--threshold", "0.999999,1.0"]).stdout)[0]
    assert rec["flag"] in ("review", "civilian")
    assert runner.invoke(app, ["tag", str(f), "--threshold", "2"]).exit_code == 2


def test_html_report(corpus, tmp_path):
    report = tmp_path / "r.html"
    result = runner.invoke(app, ["tag", str(corpus), "--html", str(report), "-f", "jsonl"])
    assert result.exit_code == 1
    page = report.read_text()
    assert "most military documents" in page and "synthetic aperture radar" in page
    assert 'class="entity"' in page or "<mark" in page
    assert "hsl(" in page and "empty document" in page
    assert not any(p.name.endswith(".body") for p in tmp_path.iterdir())


def test_html_report_is_the_same_whatever_the_hash_seed(tmp_path):
    """Families tied on their count are listed by name: two runs give the same page."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The firm showed a quantum computer, GaN amplifiers, a turbofan engine, a lidar, "
                                "a nerve agent detector, an underwater glider and a gene synthesizer.")
    pages = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"r{seed}.html"
        subprocess.run([sys.executable, "-m", "dualuse.cli.main", "tag", str(docs), "--html", str(out), "-f", "jsonl"],
                       env=dict(os.environ, PYTHONHASHSEED=seed), capture_output=True, check=True)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1] == pages[2]
    assert pages[0].count(b"<tr><td>") >= 5


def test_resume_continues_without_duplicates_or_gaps(corpus, tmp_path):
    out = tmp_path / "full.jsonl"
    runner.invoke(app, ["tag", str(corpus), "-o", str(out)])
    expected = out.read_text()
    partial = tmp_path / "cut.jsonl.partial"
    lines = expected.splitlines(keepends=True)
    partial.write_text("".join(lines[:12]) + lines[12][:20])  # an interruption mid-record
    refused = runner.invoke(app, ["tag", str(corpus), "-o", str(tmp_path / "cut.jsonl")])
    assert refused.exit_code == 2 and "--resume" in refused.stderr
    resumed = runner.invoke(app, ["tag", str(corpus), "-o", str(tmp_path / "cut.jsonl"), "--resume"])
    assert resumed.exit_code == 1
    assert (tmp_path / "cut.jsonl").read_text() == expected
    assert not partial.exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "zzz.txt").write_text(CIV)
    partial.write_text("".join(lines[:5]))
    mismatch = runner.invoke(app, ["tag", str(other), "-o", str(tmp_path / "cut.jsonl"), "--resume"])
    assert mismatch.exit_code == 2 and "interrupted run" in mismatch.stderr


def test_resume_csv(corpus, tmp_path):
    out = tmp_path / "full.csv"
    runner.invoke(app, ["tag", str(corpus), "-o", str(out)])
    expected = out.read_text()
    cut = tmp_path / "cut.csv"
    (tmp_path / "cut.csv.partial").write_text(expected[: len(expected) // 2])
    runner.invoke(app, ["tag", str(corpus), "-o", str(cut), "--resume"])
    assert cut.read_text() == expected


def test_a_resumed_run_exits_for_the_whole_output_not_only_what_it_tagged_itself(tmp_path):
    """A failure or a military flag in the records written before the interruption still sets
    the exit code of the run that finishes the file (1, or 3 with --fail-on military)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "000.txt").write_bytes(b"")  # fails, and comes first
    (docs / "001.txt").write_text(MIL)
    for i in range(2, 12):
        (docs / f"{i:03d}.txt").write_text(CIV)
    for fmt in ("jsonl", "csv"):
        full = tmp_path / f"full.{fmt}"
        assert runner.invoke(app, ["tag", str(docs), "-o", str(full)]).exit_code == 1
        text = full.read_text()
        cut = tmp_path / f"cut.{fmt}"
        (tmp_path / f"cut.{fmt}.partial").write_text(text[: len(text) // 2])
        resumed = runner.invoke(app, ["tag", str(docs), "-o", str(cut), "--resume"])
        assert resumed.exit_code == 1 and "(1 failed, 1 military)" in resumed.stderr, fmt
        assert cut.read_text() == text
    (docs / "000.txt").write_text(CIV)
    full = tmp_path / "ok.jsonl"
    assert runner.invoke(app, ["tag", str(docs), "-o", str(full), "--fail-on", "military"]).exit_code == 3
    lines = full.read_text().splitlines(keepends=True)
    (tmp_path / "ok2.jsonl.partial").write_text("".join(lines[:4]))  # the military record is in it
    resumed = runner.invoke(app, ["tag", str(docs), "-o", str(tmp_path / "ok2.jsonl"), "--resume",
                                  "--fail-on", "military"])
    assert resumed.exit_code == 3


def test_two_jobs_give_the_same_records_as_one(corpus, tmp_path):
    one = runner.invoke(app, ["tag", str(corpus), "-f", "jsonl", "--jobs", "1"])
    two = runner.invoke(app, ["tag", str(corpus), "-f", "jsonl", "--jobs", "2", "--batch-size", "4"])
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout


def _awkward_jsonl(path: Path, n: int = 300, kill_at: int | None = None) -> None:
    """``n`` lines: documents, blank lines, invalid JSON, a non-object, a row without text,
    a CRLF line and a lone carriage return inside a line (only "\\n" ends a line)."""
    lines = []
    for i in range(1, n + 1):
        if i % 37 == 0:
            lines.append(b"\n")
        elif i % 41 == 0:
            lines.append(b"{not json\n")
        elif i % 43 == 0:
            lines.append(b"[1, 2]\n")
        elif i % 47 == 0:
            lines.append(json.dumps({"id": f"r{i}", "body": MIL}).encode() + b"\n")
        elif i == 100:
            lines.append(json.dumps({"id": "crlf", "text": CIV}).encode() + b"\r\n")
        elif i == 101:
            lines.append(json.dumps({"id": "cr1", "text": MIL}).encode() + b"\r"
                         + json.dumps({"id": "cr2", "text": CIV}).encode() + b"\n")
        else:
            text = "KILLME " + MIL if i == kill_at else (MIL if i % 2 else CIV)
            lines.append(json.dumps({"id": f"r{i}", "text": text}).encode() + b"\n")
    path.write_bytes(b"".join(lines))


def test_jsonl_file_sent_to_workers_as_blocks_of_lines_gives_the_same_records(tmp_path):
    """With --jobs a JSON Lines file goes to the workers as blocks of raw lines, which they
    parse: every record, error and line number is the one a single job gives."""
    from dualuse.corpora.readers import LinesUnit, iter_units, load_units

    src = tmp_path / "awkward.jsonl"
    _awkward_jsonl(src)
    units = list(iter_units([str(src)], ReadOptions(), line_blocks=128))
    assert [type(u) for u in units] == [LinesUnit] * 3 and [u.weight for u in units] == [128, 128, 44]
    assert [d for u in units for d in load_units(u)] == list(iter_documents([str(src)]))
    one = runner.invoke(app, ["tag", str(src), "-f", "jsonl", "--jobs", "1"])
    two = runner.invoke(app, ["tag", str(src), "-f", "jsonl", "--jobs", "2"])
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    recs = records(two.stdout)
    errors = {r["id"]: r["error"] for r in recs if r["error"]}
    assert f"{src}:41" in errors and "invalid JSON" in errors[f"{src}:41"]
    assert "r47" in errors and "no field 'text'" in errors["r47"]
    assert f"{src}:101" in errors  # two objects on one line: invalid, as with one job
    assert len(recs) == 300 - len(range(37, 301, 37))
    # piped, the workers parse each line as it arrives: the same records, named by stdin's lines
    piped = [runner.invoke(app, ["tag", "--jsonl", "-", "-f", "jsonl", "--jobs", jobs], input=src.read_bytes())
             for jobs in ("1", "2")]
    assert piped[0].exit_code == piped[1].exit_code == 1
    assert piped[0].stdout == piped[1].stdout == one.stdout.replace(str(src), "-")


_KILLER = r"""
import os
os.environ.setdefault("DUALUSE_TEST_MAIN", str(os.getpid()))
from dualuse.model import parallel

_tag = parallel.tag_partition

def tag_partition(documents, *args, **kwargs):
    documents = list(documents)
    if os.getpid() != int(os.environ["DUALUSE_TEST_MAIN"]) and any("KILLME" in d.text for d in documents):
        os._exit(9)
    return _tag(documents, *args, **kwargs)

parallel.tag_partition = tag_partition
"""


def test_document_that_kills_every_worker_in_a_block_loses_only_its_own_record(tmp_path):
    """A block of lines whose worker dies twice is parsed and sent again one document at a
    time: the document that kills its worker each time gets an error record, no other does.
    (A sitecustomize makes every worker process, forked or from the fork server, die on it.)"""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_KILLER)
    src = tmp_path / "feed.jsonl"
    _awkward_jsonl(src, n=260, kill_at=150)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    run = [sys.executable, "-m", "dualuse.cli.main", "tag", str(src), "-f", "jsonl"]
    one = subprocess.run(run + ["--jobs", "1"], capture_output=True, text=True, env=env, timeout=600)
    two = subprocess.run(run + ["--jobs", "2"], capture_output=True, text=True, env=env, timeout=600)
    assert one.returncode == two.returncode == 1, two.stderr[-2000:]
    ones, twos = records(one.stdout), records(two.stdout)
    assert [r["id"] for r in ones] == [r["id"] for r in twos]
    differ = [(a, b) for a, b in zip(ones, twos) if a != b]
    assert len(differ) == 1
    alone, killed = differ[0]
    assert alone["id"] == killed["id"] == "r150" and alone["flag"] == "military"
    assert "worker process died" in killed["error"]


def test_killed_run_resumed_gives_the_same_records(tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    for i in range(3000):
        (d / f"{i:05d}.txt").write_text((MIL if i % 4 == 0 else CIV) + f" Item {i}.")
    full = tmp_path / "full.jsonl"
    cmd = [sys.executable, "-m", "dualuse.cli.main", "tag", str(d), "--batch-size", "16"]
    subprocess.run(cmd + ["-o", str(full)], check=True, capture_output=True)
    out = tmp_path / "killed.jsonl"
    proc = subprocess.Popen(cmd + ["-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = tmp_path / "killed.jsonl.partial"
    deadline = time.time() + 120
    while time.time() < deadline and (not partial.exists() or partial.stat().st_size < 200_000):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = partial.read_text().count("\n")
    assert 0 < done < 3000, "the run was killed halfway"
    subprocess.run(cmd + ["-o", str(out), "--resume"], check=True, capture_output=True)
    assert out.read_text() == full.read_text()


def test_tag_partition_loads_the_bundle_once_per_process():
    from dualuse.model import parallel, tag_partition

    parallel._TAGGERS.clear()
    first = list(tag_partition([("a", MIL), ("b", CIV)]))
    tagger = next(iter(parallel._TAGGERS.values()))
    second = list(tag_partition(iter([("c", MIL)])))
    assert [r["id"] for r in first + second] == ["a", "b", "c"]
    assert len(parallel._TAGGERS) == 1 and next(iter(parallel._TAGGERS.values())) is tagger
    assert first[0]["flag"] == "military" and first[1]["flag"] == "civilian"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_live_feed_gets_each_record_before_the_next_line(jobs):
    """`tail -f feed.jsonl | dualuse tag --jsonl -`: a record comes out while stdin stays open."""
    import select

    proc = subprocess.Popen([sys.executable, "-m", "dualuse.cli.main", "tag", "--jsonl", "-", "--jobs", jobs],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for i, text in enumerate([MIL, CIV, MIL]):
            proc.stdin.write(json.dumps({"id": f"feed-{i}", "text": text}) + "\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 120)
            assert ready, f"no record for line {i} while the feed stays open"
            assert json.loads(proc.stdout.readline())["id"] == f"feed-{i}"
    finally:
        proc.stdin.close()
        proc.wait(timeout=120)
    assert proc.returncode == 0


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_named_pipe_given_as_a_file_is_tagged_as_it_arrives(tmp_path, jobs):
    """`mkfifo feed.jsonl; dualuse tag feed.jsonl`: a named pipe can wait on its writer, so it is
    read as stdin is, and each record comes out while the pipe stays open."""
    import select

    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    proc = subprocess.Popen([sys.executable, "-m", "dualuse.cli.main", "tag", str(fifo), "--jobs", jobs],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        with open(fifo, "w") as feed:
            for i, text in enumerate([MIL, CIV]):
                feed.write(json.dumps({"id": f"pipe-{i}", "text": text}) + "\n")
                feed.flush()
                ready, _, _ = select.select([proc.stdout], [], [], 120)
                assert ready, f"no record for line {i} while the pipe stays open"
                assert json.loads(proc.stdout.readline())["id"] == f"pipe-{i}"
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == 0


@pytest.mark.parametrize("live", [False, True])
def test_records_read_before_an_input_error_come_out_first(live):
    """An error while reading the inputs (not a bad document, which gets a record) stops the
    run, but every document read before it is tagged and comes out first."""
    from dualuse.corpora.documents import Document
    from dualuse.model.parallel import tag_units_in_processes

    def units():
        for i in range(20):
            yield Document(id=f"d{i}", text=MIL if i % 2 else CIV, source="x")
        raise OSError("the disk went away")

    out = []
    with pytest.raises(OSError, match="disk went away"):
        for record in tag_units_in_processes(units(), jobs=2, chunk_size=3, live=live):
            out.append(record["id"])
    assert out == [f"d{i}" for i in range(20)]


def test_live_feed_with_jobs_stops_cleanly_on_interrupt():
    """Ctrl-C on `tail -f ... | dualuse tag --jsonl - --jobs 2` while input is awaited: exit 130."""
    import select

    # A shell that starts the test suite in the background (`pytest &`) ignores SIGINT for it,
    # and its children inherit that: the command under test gets the terminal's default back.
    proc = subprocess.Popen([sys.executable, "-m", "dualuse.cli.main", "tag", "--jsonl", "-", "--jobs", "2"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    proc.stdin.write(json.dumps({"id": "a", "text": MIL}) + "\n")
    proc.stdin.flush()
    ready, _, _ = select.select([proc.stdout], [], [], 120)
    assert ready and json.loads(proc.stdout.readline())["id"] == "a"
    time.sleep(0.3)  # the reader thread is now waiting for the next line
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    err = proc.stderr.read()
    assert "Fatal Python error" not in err and "interrupted" in err
    proc.stdin.close()


def test_pool_found_broken_when_handing_out_work_is_replaced():
    """A worker that died while the feed was idle makes the next submit fail: the run goes on."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from dualuse.corpora.documents import Document
    from dualuse.model.parallel import tag_units_in_processes

    pools: list = []
    original_init, original_submit = ProcessPoolExecutor.__init__, ProcessPoolExecutor.submit

    def remember(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        pools.append(self)

    def submit(self, *args, **kwargs):
        if self is pools[0] and getattr(self, "_handed", 0) >= 2:
            raise BrokenProcessPool("a child process terminated abruptly")
        self._handed = getattr(self, "_handed", 0) + 1
        return original_submit(self, *args, **kwargs)

    def feed():
        for i, text in enumerate([MIL, CIV, MIL, CIV]):
            yield Document(id=f"d{i}", text=text, source="-")
            time.sleep(0.3)  # a slow feed: each chunk is handed out alone

    ProcessPoolExecutor.__init__, ProcessPoolExecutor.submit = remember, submit
    try:
        recs = list(tag_units_in_processes(feed(), jobs=2, chunk_size=1))
    finally:
        ProcessPoolExecutor.__init__, ProcessPoolExecutor.submit = original_init, original_submit
    assert len(pools) == 2
    assert [r["id"] for r in recs] == ["d0", "d1", "d2", "d3"] and all(r["error"] is None for r in recs)


def test_a_fast_stdin_stream_gives_every_record_in_order(tmp_path):
    """Many JSON lines piped in: batches of what has arrived, the same records as a JSONL file."""
    rows = [{"id": f"s{i}", "text": (MIL if i % 3 == 0 else CIV) + f" Lot {i}."} for i in range(300)]
    data = "".join(json.dumps(r) + "\n" for r in rows)
    (tmp_path / "rows.jsonl").write_text(data)
    for jobs in ("1", "2"):
        piped = subprocess.run([sys.executable, "-m", "dualuse.cli.main", "tag", "--jsonl", "-", "--jobs", jobs],
                               input=data, capture_output=True, text=True, check=True)
        got = [json.loads(line) for line in piped.stdout.splitlines()]
        assert [r["id"] for r in got] == [r["id"] for r in rows]
        from_file = records(runner.invoke(app, ["tag", str(tmp_path / "rows.jsonl"), "-f", "jsonl"]).stdout)
        strip = lambda recs: [{k: v for k, v in r.items() if k != "source"} for r in recs]  # noqa: E731
        assert strip(got) == strip(from_file)


_WORKERS_SCRIPT = r"""
import json, os, sys, threading
from dualuse.corpora import readers
from dualuse.corpora.documents import Document
from dualuse.model import parallel

if sys.argv[1] == "busy":  # another thread is alive: forking is not safe
    threading.Thread(target=threading.Event().wait, daemon=True).start()
load_unit = readers.load_unit

def dies_once(unit, options):
    # Patched before the workers start: forked workers have it, fork-server workers do not.
    if unit.id == "boom":
        os._exit(9)
    return load_unit(unit, options)

readers.load_unit = dies_once
started = []
start_workers = parallel.start_workers

def remember(*args, **kwargs):
    pool, new_pool, name = start_workers(*args, **kwargs)
    started.append(pool._mp_context.get_start_method())

    def renewed():
        fresh = new_pool()
        started.append(fresh._mp_context.get_start_method())
        return fresh

    return pool, renewed, name

parallel.start_workers = remember
texts = {"a": MIL, "boom": CIV, "c": MIL}
units = [Document(id=k, text=v, source="-") for k, v in texts.items()]
records = list(parallel.tag_units_in_processes(units, jobs=2, chunk_size=1))
print(json.dumps({"start": started,
                  "records": [[r["id"], r["flag"], r["error"]] for r in records]}))
"""


@pytest.mark.parametrize("threads", ["alone", "busy"])
def test_workers_are_forked_with_the_bundle_when_safe_and_a_dead_worker_is_replaced(threads):
    """A single-threaded process forks its workers with the bundle loaded; with another thread
    alive it uses a fork server. Either way a worker that dies is replaced by clean workers
    and every document gets its record."""
    script = f"MIL = {MIL!r}\nCIV = {CIV!r}\n" + _WORKERS_SCRIPT
    proc = subprocess.run([sys.executable, "-c", script, threads], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # Forked workers inherit the patched reader, so "boom" kills one and a pool of fork-server
    # workers, which read it normally, takes the chunks in flight again.
    assert out["start"] == (["fork", "forkserver"] if threads == "alone" else ["forkserver"])
    assert out["records"] == [["a", "military", None], ["boom", "civilian", None], ["c", "military", None]]


def test_file_inputs_are_read_in_the_callers_thread_and_their_errors_surface():
    """Files and folders never wait on a writer: --jobs reads them without a reading thread,
    in input order, and an error while listing them reaches the caller."""
    import threading

    from dualuse.corpora.documents import Document
    from dualuse.model.parallel import InOrder, tag_units_in_processes

    seen_threads: list = []

    def units():
        for i in range(7):
            seen_threads.append(threading.current_thread())
            yield Document(id=f"d{i}", text=MIL if i % 2 else CIV, source="x")

    recs = list(tag_units_in_processes(units(), jobs=2, chunk_size=3, live=False))
    assert [r["id"] for r in recs] == [f"d{i}" for i in range(7)]
    assert set(seen_threads) == {threading.main_thread()}

    stream = InOrder(iter(range(5)))
    assert stream.take(3, wait=True) == [0, 1, 2] and not stream.finished
    assert stream.take(3, wait=False) == [3, 4] and stream.finished and stream.take(3, wait=True) == []

    def two_then_error():
        yield "ok1"
        yield "ok2"
        raise OSError("gone")

    stream = InOrder(two_then_error())
    assert stream.take(5, wait=True) == ["ok1", "ok2"]  # what was read before the error first
    with pytest.raises(OSError, match="gone"):
        stream.take(5, wait=True)
    assert stream.finished

    def broken():
        yield Document(id="ok", text=MIL, source="x")
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        list(tag_units_in_processes(broken(), jobs=2, chunk_size=1, live=False))


def test_read_ahead_refills_in_batches_keeps_order_and_raises_where_the_input_failed():
    import threading

    from dualuse.model.parallel import ReadAhead

    stream = ReadAhead(iter(range(1000)), limit=16)
    got = []
    while not stream.finished:
        got += stream.take(5, wait=True)
    assert got == list(range(1000))

    def failing():
        yield from range(3)
        raise ValueError("bad line")

    stream = ReadAhead(failing(), limit=8)
    first = []
    while len(first) < 3:
        first += stream.take(10, wait=True)
    assert first == [0, 1, 2]
    with pytest.raises(ValueError, match="bad line"):
        stream.take(10, wait=True)
    assert stream.finished

    # a live feed: only what has arrived is taken without waiting; the reader stops on close
    arrived, release = threading.Event(), threading.Event()

    def live():
        yield "a"
        arrived.set()
        release.wait(5)
        yield "b"

    stream = ReadAhead(live(), limit=4)
    assert arrived.wait(5) and stream.take(10, wait=True) == ["a"]
    assert stream.take(10, wait=False) == [] and not stream.finished
    release.set()
    assert stream.take(10, wait=True) == ["b"]
    assert stream.take(10, wait=True) == [] and stream.finished

    # taken one at a time, the buffer drains to half before the reader refills it (woken for
    # every unit taken, it would stay full)
    stream = ReadAhead(iter(range(10_000)), limit=8)
    lows = []
    for _ in range(40):
        stream.take(1, wait=True)
        time.sleep(0.005)
        with stream._cond:
            lows.append(len(stream._buffer))
    assert min(lows) <= 5 and max(lows) >= 7  # per-unit wake-ups would keep it at 7-8
    stream.close()

    endless = ReadAhead(iter(int, 1), limit=4)  # never ends: holds 4, then waits for room
    assert len(endless.take(2, wait=True)) >= 1
    endless.close()
    endless._thread.join(5)
    assert not endless._thread.is_alive()


def test_named_pipe_inside_a_folder_or_matched_by_a_pattern_gets_an_error_not_a_hang(tmp_path):
    """Reading a pipe nobody writes to would wait forever: found by walking a folder or by a
    glob it gets an error record and the run goes on (named on its own it is read as a stream)."""
    d = tmp_path / "archive"
    d.mkdir()
    (d / "a.txt").write_text(MIL)
    os.mkfifo(d / "b.txt")
    (d / "c.txt").write_text(CIV)
    for target in (str(d), str(d / "*.txt")):
        proc = subprocess.run([sys.executable, "-m", "dualuse.cli.main", "tag", target, "--jobs", "2"],
                              capture_output=True, text=True, timeout=120)
        recs = [json.loads(line) for line in proc.stdout.splitlines()]
        assert [os.path.basename(r["id"]) for r in recs] == ["a.txt", "b.txt", "c.txt"]
        assert "not a regular file" in recs[1]["error"] and recs[0]["flag"] and recs[2]["flag"]
        assert proc.returncode == 1 and "b.txt: not a regular file" in proc.stderr


def test_a_conversion_that_never_ends_gets_an_error_record_and_the_run_goes_on(tmp_path, monkeypatch):
    """A damaged or hostile PDF, Word or HTML file can keep its converter busy for ever: past
    --timeout it gets an error record, with one job and in worker processes."""
    import signal

    from dualuse.cli.tagging import tag_inputs
    from dualuse.corpora import formats
    from dualuse.corpora.readers import ReadOptions, read_file

    real_reader_for = formats.reader_for

    def stuck(data):
        while True:  # a converter caught in a loop
            pass

    monkeypatch.setattr(formats, "reader_for",
                        lambda suffix, data=b"": stuck if suffix == ".html" else real_reader_for(suffix, data))
    monkeypatch.setattr("dualuse.corpora.readers.reader_for", formats.reader_for)
    d = tmp_path / "archive"
    d.mkdir()
    (d / "a.txt").write_text(MIL)
    (d / "b.html").write_text("<html><body>stuck</body></html>")
    (d / "c.txt").write_text(CIV)
    handler = signal.getsignal(signal.SIGALRM)
    doc = read_file(str(d / "b.html"), "b", ReadOptions(timeout=0.3))
    assert doc.error == "conversion took longer than 0.3 s (--timeout): not read"
    assert signal.getsignal(signal.SIGALRM) == handler  # the process's own handler is back
    assert read_file(str(d / "a.txt"), "a", ReadOptions(timeout=0.3)).error is None
    for jobs in (1, 2):
        recs = list(tag_inputs([str(d)], jobs=jobs, options=ReadOptions(timeout=0.3)))
        assert [os.path.basename(r["id"]) for r in recs] == ["a.txt", "b.html", "c.txt"], jobs
        assert "took longer than 0.3 s" in recs[1]["error"] and recs[0]["flag"] and recs[2]["flag"]


def test_a_document_the_pipeline_raises_on_gets_an_error_record_and_the_batch_goes_on(tmp_path, monkeypatch):
    """One bad document must not end a run over an archive: its batch is run again one document
    at a time and only that one gets an error record."""
    from dualuse.model import load

    tagger = load()
    ruler = tagger.nlp.get_pipe("dualuse_tech")
    real_annotate = type(ruler)._annotate  # what both its __call__ and its pipe run

    def fragile(self, doc, marks):
        if "POISON" in doc.text:
            raise RuntimeError("a component failed")
        return real_annotate(self, doc, marks)

    monkeypatch.setattr(type(ruler), "_annotate", fragile)
    texts = [("a", MIL), ("b", "POISON " + CIV), ("c", CIV), ("d", "x" * 5 + "POISON" + MIL * 2000)]
    records = list(tagger.tag(texts, batch_size=4))
    assert [r["id"] for r in records] == ["a", "b", "c", "d"]
    assert records[0]["flag"] and records[2]["flag"] and records[0]["error"] is None
    assert records[1]["error"] == "could not be processed (RuntimeError: a component failed)"
    assert records[3]["error"].startswith("could not be processed") and records[3]["meta"]["parts"] > 1


def test_a_long_run_without_spaces_is_tagged_with_true_offsets_not_left_to_stall_the_tokenizer(tmp_path):
    """spaCy's tokenizer takes time quadratic in a run of punctuation (100,000 commas: hours)."""
    from dualuse.model.zones import safe_doc

    text = "A lead line. " + "," * 50_000 + " then synthetic aperture radar, " + "=" * 3000 + "\nend"
    f = tmp_path / "commas.txt"
    f.write_text(text)
    (rec,) = records(runner.invoke(app, ["tag", str(f), "-f", "jsonl"]).stdout)
    (m,) = rec["mentions"]
    assert text[m["start"]:m["end"]] == m["text"] == "synthetic aperture radar"
    import spacy

    nlp = spacy.blank("en")
    assert safe_doc(nlp, "short text") == "short text"
    assert safe_doc(nlp, text).text == text


def test_a_conversion_past_the_timeout_says_so_whatever_the_reader_catches(tmp_path, monkeypatch):
    from dualuse.corpora.readers import ReadOptions, read_file
    import striprtf.striprtf

    def stuck(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(striprtf.striprtf, "rtf_to_text", stuck)
    (tmp_path / "slow.rtf").write_bytes(rb"{\rtf1 text\par}")
    doc = read_file(str(tmp_path / "slow.rtf"), "slow", ReadOptions(timeout=0.3))
    assert doc.error == "conversion took longer than 0.3 s (--timeout): not read"


def test_codes_are_found_across_part_boundaries_and_carry_their_slide(tmp_path):
    from dualuse.model import load

    tagger = load()
    filler = "Routine text about fisheries management and quotas. " * 20 + "\n"
    head = filler * 96  # just under 100,000 characters: the code straddles the first cut
    text = head + "x" * (99_990 - len(head)) + " U.S. Munitions List\nCategory XI(c) and EAR 99.\n" + filler * 5
    (rec,) = tagger.tag([("long", text)])
    assert rec["meta"]["parts"] > 1
    assert [c["code"] for c in rec["codes"]] == ["USML Category XI(c)", "EAR 99"]
    assert all(text[c["start"]:c["end"]].split() == c["code"].split() or c["list"] == "US Munitions List"
               for c in rec["codes"])
    from pptx import Presentation

    deck = Presentation()
    for body in ("Agenda", "Filters under ECCN 3A001.b.5 for the radar."):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.placeholders[1].text = body
    deck.save(tmp_path / "deck.pptx")
    (rec,) = records(runner.invoke(app, ["tag", str(tmp_path / "deck.pptx"), "-f", "jsonl"]).stdout)
    assert [(c["code"], c["page"]) for c in rec["codes"]] == [("3A001.b.5", 2)]


def test_a_long_document_is_not_cut_inside_a_word_broken_at_a_line_end():
    from dualuse.model import load
    from dualuse.model.tagger import split_parts

    text = ("word " * 20_000)[:99_990] + " ra-\ndar systems for the fleet."
    assert split_parts(text)[0][1].endswith("ra-\ndar ")  # the cut waits for the word's end
    (rec,) = load().tag([("long", text)])
    assert rec["meta"]["parts"] == 2 and [m["term_id"] for m in rec["mentions"]] == ["radar"]


def test_resuming_a_csv_written_with_other_columns_is_refused(corpus, tmp_path):
    (tmp_path / "old.csv.partial").write_text("id,source,military_prob\na,a,0.1\n")
    result = runner.invoke(app, ["tag", str(corpus), "-o", str(tmp_path / "old.csv"), "--resume"])
    assert result.exit_code == 2 and "other CSV columns" in result.stderr
    assert (tmp_path / "old.csv.partial").read_text() == "id,source,military_prob\na,a,0.1\n"  # untouched


def test_a_single_process_run_keeps_the_loaded_model_frozen_only_while_it_tags(tmp_path):
    """`dualuse tag` takes the loaded bundle out of the garbage collector's walks for the run
    (``settled``) and hands it back when the records end, so a process that tags again frees
    the finished tagger."""
    import gc

    from dualuse.cli.tagging import tag_inputs

    (tmp_path / "a.txt").write_text(MIL)
    (tmp_path / "b.txt").write_text(CIV)
    assert gc.get_freeze_count() == 0
    records = tag_inputs([str(tmp_path)])
    first = next(records)
    assert gc.get_freeze_count() > 0 and first["flag"] == "military"
    rest = list(records)
    assert gc.get_freeze_count() == 0 and [r["flag"] for r in rest] == ["civilian"]
    abandoned = tag_inputs([str(tmp_path)])
    next(abandoned)
    abandoned.close()
    assert gc.get_freeze_count() == 0
