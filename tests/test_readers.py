from __future__ import annotations

import io
import json
import os
import re
import sys

import pytest

from dualuse.corpora.readers import ReadOptions, iter_documents, iter_stdin, read_stream


def by_id(docs):
    return {d.id: d for d in docs}


def test_folder_walk_is_recursive_sorted_and_loses_nothing(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Radar notice.")
    (tmp_path / "a.txt").write_text("UAV notice.")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text("   \n\t ")
    (tmp_path / "bin.dat").write_bytes(bytes(range(256)) * 10)
    docs = list(iter_documents([str(tmp_path), str(tmp_path / "missing.txt")]))
    ids = [d.id for d in docs]
    assert ids == [str(tmp_path / n) for n in ("a.txt", "bin.dat", "blank.txt", "empty.txt")] + [
        str(tmp_path / "b" / "z.txt"), str(tmp_path / "missing.txt")]
    d = by_id(docs)
    assert d[str(tmp_path / "a.txt")].error is None
    assert d[str(tmp_path / "empty.txt")].error == "empty document"
    assert d[str(tmp_path / "blank.txt")].error == "only whitespace"
    assert "binary" in d[str(tmp_path / "bin.dat")].error
    assert d[str(tmp_path / "missing.txt")].error == "no such file or directory"


def test_legacy_encoding_is_detected_and_garbage_is_refused(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le système de défense aérienne utilise un radar à synthèse d'ouverture. "
                      "Les drones sont contrôlés à l'exportation.".encode("cp1252"))
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"ok \xff\xfe\xfa\xfb\x81\x8d\x8f\x90\x9d" * 40)
    d = by_id(iter_documents([str(latin), str(junk)]))
    assert d[str(latin)].error is None and "Le système de défense" in d[str(latin)].text
    assert d[str(latin)].meta["encoding"]
    assert d[str(junk)].error is not None


def test_unreadable_file_gets_an_error(tmp_path, monkeypatch):
    f = tmp_path / "secret.txt"
    f.write_text("radar")
    f.chmod(0)
    if os.geteuid() == 0:  # root reads whatever the mode: make the open fail as it would for a user
        real_open = os.open

        def refuse(path, *args, **kwargs):
            if str(path) == str(f):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    (doc,) = iter_documents([str(f)])
    assert doc.error == "cannot read: Permission denied"


def test_directory_symlink_loop_is_reported_not_followed(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text("radar")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    docs = list(iter_documents([str(tmp_path)]))
    assert [d.id for d in docs] == [str(tmp_path / "d" / "x.txt"), str(tmp_path / "d" / "loop")]
    assert "not followed" in docs[1].error


def test_stdin_stream():
    doc = read_stream(io.BytesIO("UAVs over the sea".encode()))
    assert doc.id == "-" and doc.text == "UAVs over the sea" and doc.error is None
    assert read_stream(io.BytesIO(b"")).error == "empty document"


def test_json_lines_of_any_size_are_read_and_an_overlong_line_is_named(tmp_path):
    """A JSON Lines file is read line by line, so its size has no limit; a single line longer
    than the limit gets an error record (by its line number) and the lines after it are read,
    in a file, in blocks of lines for worker processes, and on stdin."""
    import json

    from dualuse.corpora.readers import ReadOptions, iter_stdin, iter_units, load_units

    rows = [json.dumps({"id": f"r{i}", "text": "The radar notice. " * 5}) for i in range(40)]
    rows[7] = json.dumps({"id": "big", "text": "x " * 2000})
    data = ("\n".join(rows) + "\n").encode()
    src = tmp_path / "big.jsonl"
    src.write_bytes(data)
    options = ReadOptions(max_bytes=1000)
    assert len(data) > 3 * options.max_bytes
    expected_ids = [f"r{i}" for i in range(7)] + [f"{src}:8"] + [f"r{i}" for i in range(8, 40)]
    docs = list(iter_documents([str(src)], options=options))
    assert [d.id for d in docs] == expected_ids
    assert docs[7].error == "line too long (more than 1,000 bytes): not read"
    assert all(d.error is None for d in docs[:7] + docs[8:])
    blocks = [d for u in iter_units([str(src)], options, line_blocks=16) for d in load_units(u, options)]
    assert blocks == docs
    piped = list(iter_stdin(io.BytesIO(data), ReadOptions(max_bytes=1000, stdin_mode="jsonl")))
    assert [d.id for d in piped] == [i.replace(str(src), "-") for i in expected_ids]
    lines = list(iter_stdin(io.BytesIO(data), ReadOptions(max_bytes=1000, stdin_mode="lines")))
    assert len(lines) == 40 and lines[7].id == "-:8" and "line too long" in lines[7].error
    assert lines[8].error is None and lines[8].id == "-:9"


def test_blocks_of_lines_keep_what_was_read_before_a_read_error(tmp_path, monkeypatch):
    """A disk error part-way through a JSON Lines file: the documents read before it come out,
    then the file's error record, with or without blocks of lines (``--jobs``)."""
    import errno
    import json

    from dualuse.corpora import readers
    from dualuse.corpora.readers import ReadOptions, iter_units, load_units

    src = tmp_path / "flaky.jsonl"
    src.write_text("".join(json.dumps({"id": f"r{i}", "text": "A radar notice."}) + "\n" for i in range(50)))

    class Flaky(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data, self.pos = data, 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            if self.pos >= 1000:
                raise OSError(errno.EIO, "Input/output error")
            n = min(len(buffer), 100, len(self.data) - self.pos)
            buffer[:n] = self.data[self.pos:self.pos + n]
            self.pos += n
            return n

    monkeypatch.setattr(readers, "open", lambda path, mode="r", *a, **k: io.BufferedReader(Flaky(src.read_bytes()),
                                                                                        buffer_size=100),
                        raising=False)
    plain = [d.id for u in iter_units([str(src)], ReadOptions()) for d in load_units(u)]
    blocks = [d.id for u in iter_units([str(src)], ReadOptions(), line_blocks=128) for d in load_units(u)]
    assert plain == blocks
    assert 5 < len(plain) < 50 and plain[-1] == str(src) and plain[:3] == ["r0", "r1", "r2"]


def test_large_lines_are_parsed_where_they_are_read_and_blocks_are_bounded_in_bytes(tmp_path):
    """Blocks handed to workers hold at most BLOCK_BYTES, and a line over RAW_LINE_BYTES (a
    record with a large field besides its text) is parsed where it is read, keeping only its
    text: memory stays bounded whatever the records hold. The documents are the same."""
    import json

    from dualuse.corpora.readers import (BLOCK_BYTES, RAW_LINE_BYTES, Document, LinesUnit, ReadOptions, iter_stdin,
                                         iter_units, load_units)

    rows = [{"id": f"r{i}", "text": "A lidar survey.", "html": "x" * (RAW_LINE_BYTES // 3)} for i in range(60)]
    rows[10]["html"] = "y" * (2 * RAW_LINE_BYTES)
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    src = tmp_path / "padded.jsonl"
    src.write_bytes(data)
    units = list(iter_units([str(src)], ReadOptions(), line_blocks=128))
    assert all(sum(map(len, u.lines)) <= BLOCK_BYTES + RAW_LINE_BYTES for u in units if isinstance(u, LinesUnit))
    assert [u.id for u in units if isinstance(u, Document)] == ["r10"]
    assert [d for u in units for d in load_units(u)] == list(iter_documents([str(src)]))
    raw = list(iter_units(["-"], ReadOptions(stdin_mode="jsonl"), stdin=io.BytesIO(data), raw_lines=True))
    assert [type(u).__name__ for u in raw].count("Document") == 1 and isinstance(raw[10], Document)
    assert [d for u in raw for d in load_units(u)] == list(iter_stdin(io.BytesIO(data),
                                                                      ReadOptions(stdin_mode="jsonl")))


def test_json_too_deep_or_with_a_huge_integer_is_an_invalid_line_not_a_crash(tmp_path):
    from dualuse.corpora.readers import ReadOptions, iter_units, load_units

    src = tmp_path / "odd.jsonl"
    src.write_text('{"id": "a", "text": "A radar notice."}\n' + "[" * 200_000 + "\n"
                   + '{"id": ' + "9" * 5000 + ', "text": "x"}\n' + '{"id": "d", "text": "A laser."}\n')
    for blocks in (0, 128):
        docs = [d for u in iter_units([str(src)], ReadOptions(), line_blocks=blocks) for d in load_units(u)]
        assert [d.id for d in docs] == ["a", f"{src}:2", f"{src}:3", "d"]
        assert all("invalid JSON" in d.error for d in docs[1:3])


def test_several_text_fields_are_joined_in_order_and_a_missing_one_is_named(tmp_path):
    from dualuse.corpora.readers import ReadOptions

    rows = [{"id": "a", "title": "Arms export notice", "text": "Two parties were debarred."},
            {"id": "b", "title": None, "text": "Body only."},
            {"id": "c", "title": "", "text": "Empty title."},
            {"id": "d", "text": "No title field at all."},
            {"id": "e", "title": 7, "text": "A number for a title."}]
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    options = ReadOptions(text_field=("title", "text"))
    docs = by_id(iter_documents([str(path)], options=options))
    assert docs["a"].text == "Arms export notice\n\nTwo parties were debarred." and docs["a"].error is None
    assert docs["b"].text == "Body only." and docs["c"].text == "Empty title."
    assert docs["d"].error == "no field 'title' (fields: id, text); use --text-field"
    assert docs["e"].error == "field 'title' is not text"
    # one field reads exactly as before
    plain = by_id(iter_documents([str(path)], options=ReadOptions()))
    assert plain["a"].text == "Two parties were debarred." and plain["d"].error is None

    csv_path = tmp_path / "r.csv"
    csv_path.write_text("id,title,body\n1,Radar notice,Weather radar upgrade.\n")
    (doc,) = iter_documents([str(csv_path)], options=ReadOptions(text_field=("title", "body")))
    assert doc.text == "Radar notice\n\nWeather radar upgrade."
    (doc,) = iter_documents([str(csv_path)], options=ReadOptions(text_field=("headline", "body")))
    assert doc.error == "no column 'headline' (columns: id, title, body); use --text-field"
    # a short row has no cell for the body: an error, not a text made of the title alone
    csv_path.write_text("id,title,body\n1,Radar notice,Weather radar upgrade.\n2,Sonar arrays for frigates\n")
    first, short = iter_documents([str(csv_path)], options=ReadOptions(text_field=("title", "body")))
    assert first.error is None and short.id == "2"
    assert short.error == "no value for 'body' (the row has fewer cells than the header)"


def _deck(path):
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Programme review"
    slide.placeholders[1].text = "Lithium-ion batteries for phones"
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Seekers"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1)).table
    table.cell(1, 0).text = "infrared focal plane arrays"
    slide.notes_slide.notes_text_frame.text = "Speaker note: synthetic aperture radar."
    deck.save(path)


def _workbook(path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Parts"
    sheet.append(["part", "description"])
    sheet.append([None, None])
    sheet.append(["A1", "gallium nitride transistors"])
    book.create_sheet("Notes")["B3"] = "hot isostatic presses"
    book.save(path)


def test_powerpoint_excel_and_email_are_read_with_slide_and_sheet_ranges(tmp_path):
    from email.message import EmailMessage

    _deck(tmp_path / "deck.pptx")
    _workbook(tmp_path / "parts.xlsx")
    mail = EmailMessage()
    mail["Subject"] = "Quote for thermal imaging cameras"
    mail.set_content("Please quote uncooled microbolometer cores.")
    mail.add_alternative("<p>Please quote <b>uncooled</b> cores.</p><script>track()</script>", subtype="html")
    mail.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="spec.pdf")
    (tmp_path / "quote.eml").write_bytes(bytes(mail))
    html_only = EmailMessage()
    html_only["Subject"] = "Motors"
    html_only.set_content("<html><body>Rocket <i>motor</i> cases<script>x()</script></body></html>", subtype="html")
    (tmp_path / "html.eml").write_bytes(bytes(html_only))
    docs = {os.path.basename(d.id): d for d in iter_documents([str(tmp_path)])}

    deck = docs["deck.pptx"]
    assert deck.error is None and deck.meta["format"] == "pptx" and len(deck.meta["pages"]) == 2
    second = deck.text[slice(*deck.meta["pages"][1])]
    assert "infrared focal plane arrays" in second and "synthetic aperture radar" in second  # table, notes
    assert "Lithium-ion" in deck.text[slice(*deck.meta["pages"][0])]

    book = docs["parts.xlsx"]
    assert book.error is None and book.meta["format"] == "xlsx"
    first, second = (book.text[slice(*r)] for r in book.meta["pages"])
    assert first.splitlines() == ["Parts", "part\tdescription", "A1\tgallium nitride transistors"]
    assert second.splitlines() == ["Notes", "\thot isostatic presses"]

    quote = docs["quote.eml"]
    assert quote.text == "Quote for thermal imaging cameras\n\nPlease quote uncooled microbolometer cores."
    # the attachment is named, and said to be unread (it is a damaged PDF): the message's text is unchanged
    assert quote.meta["attachments"] == ["spec.pdf"] and quote.meta["attachments_read"] == []
    assert [u["name"] for u in quote.meta["attachments_unread"]] == ["spec.pdf"]
    assert quote.meta["attachments_unread"][0]["reason"].startswith("not a readable PDF (")
    assert "pages" not in quote.meta
    assert docs["html.eml"].text == "Motors\n\nRocket\nmotor\ncases"


def test_office_and_pdf_files_without_their_suffix_are_read_by_content(tmp_path):
    _deck(tmp_path / "deck.pptx")
    _workbook(tmp_path / "book.xlsx")
    os.rename(tmp_path / "deck.pptx", tmp_path / "deck")
    os.rename(tmp_path / "book.xlsx", tmp_path / "book.txt")
    docs = {os.path.basename(d.id): d for d in iter_documents([str(tmp_path)])}
    assert docs["deck"].meta["format"] == "pptx" and "infrared focal plane arrays" in docs["deck"].text
    assert docs["book.txt"].meta["format"] == "xlsx"


def test_files_no_reader_handles_are_named_in_their_error(tmp_path):
    import zipfile

    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (tmp_path / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 600)
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as archive:
        archive.writestr("a.txt", "text")
    (tmp_path / "broken.pptx").write_bytes(b"PK\x03\x04 damaged")
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    (tmp_path / "GIF8.txt").write_text("GIF8 is how this plain note begins.")
    docs = {os.path.basename(d.id): d for d in iter_documents([str(tmp_path)])}
    assert "legacy Office file" in docs["old.doc"].error and "save it as .docx" in docs["old.doc"].error
    assert "PNG image" in docs["scan.png"].error
    assert "zip archive: unpack it" in docs["bundle.zip"].error
    assert docs["broken.pptx"].error == "not a readable .pptx (not a zip archive)"
    assert docs["broken.xlsx"].error == "not a readable .xlsx (not a zip archive)"
    assert docs["GIF8.txt"].error is None  # a signature alone does not refuse text


def test_rtf_is_read_without_its_control_words_also_when_saved_as_doc(tmp_path):
    import zipfile

    rtf = rb"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Hypersonic glide vehicle tests\par Caf\'e9 menu\par}"
    (tmp_path / "memo.rtf").write_bytes(rtf)
    (tmp_path / "saved-by-word.doc").write_bytes(rtf)
    with zipfile.ZipFile(tmp_path / "minutes.odt", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    with zipfile.ZipFile(tmp_path / "sketch.odg", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.graphics")
        archive.writestr("content.xml", "<office:document-content/>")
    docs = {os.path.basename(d.id): d for d in iter_documents([str(tmp_path)])}
    for name in ("memo.rtf", "saved-by-word.doc"):
        assert docs[name].text == "Hypersonic glide vehicle tests\nCafé menu" and docs[name].meta == {"format": "rtf"}
    # an OpenDocument text is read now: this one's content is damaged; a drawing is not read
    assert docs["minutes.odt"].error.startswith("not a readable .odt (SAXParseException")
    assert "OpenDocument graphics file, which is not read" in docs["sketch.odg"].error  # not "unpack it"


def test_surrogate_escapes_from_converters_and_json_become_real_characters(tmp_path):
    (tmp_path / "emoji.rtf").write_bytes(rb"{\rtf1 3A001 radar \u-10179?\u-8704? done\par}")
    (tmp_path / "rows.jsonl").write_text('{"id": "j", "text": "GaN \\ud83d\\ude00 and a lone \\udc00 one"}\n')
    docs = {d.id.rsplit("/", 1)[-1]: d for d in iter_documents([str(tmp_path)])}
    assert docs["emoji.rtf"].text == "3A001 radar \U0001F600 done"
    assert docs["j"].text == "GaN \U0001F600 and a lone \ufffd one"


def test_misnamed_and_protected_office_files_get_errors_that_say_what_they_are(tmp_path):
    import zipfile

    (tmp_path / "protected.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with zipfile.ZipFile(tmp_path / "book.xlsb", "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00\x01")
    (tmp_path / "scan.rtf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 600)
    (tmp_path / "noise.eml").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "note.txt").write_text("%PDF-1.4 is the header our parser expects; the radar notes follow.")
    docs = {os.path.basename(d.id): d for d in iter_documents([str(tmp_path)])}
    assert "password-protected Office file" in docs["protected.xlsx"].error
    assert docs["book.xlsb"].error == "an Excel binary workbook (.xlsb) is not read: save it as .xlsx"
    assert "PNG image" in docs["scan.rtf"].error
    assert docs["noise.eml"].error == "binary content, not an e-mail message"
    assert docs["note.txt"].error is None and docs["note.txt"].text.startswith("%PDF-1.4 is the header")


def test_email_with_an_unknown_charset_a_forwarded_message_or_no_boundary_keeps_its_text(tmp_path):
    (tmp_path / "odd.eml").write_bytes(b"Subject: Quote\r\nContent-Type: text/plain; charset=unknown-8bit\r\n\r\n"
                                       b"Gallium nitride amplifiers, caf\xe9 price.\r\n")
    (tmp_path / "fwd.eml").write_bytes(
        b"Subject: Fwd: order\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
        b"--XX\r\nContent-Type: message/rfc822\r\n\r\nSubject: order\r\nContent-Type: text/plain\r\n\r\n"
        b"Ten hot isostatic presses under ECCN 2B004.\r\n--XX--\r\n")
    (tmp_path / "nob.eml").write_bytes(b"Subject: Memo\r\nContent-Type: multipart/mixed\r\n\r\n"
                                       b"Lithium-ion cells for the drones.\r\n")
    docs = {os.path.basename(d.id): d for d in iter_documents([str(tmp_path)])}
    assert docs["odd.eml"].text == "Quote\n\nGallium nitride amplifiers, café price."
    assert docs["fwd.eml"].text == "Fwd: order\n\nSee below.\n\norder\n\nTen hot isostatic presses under ECCN 2B004."
    assert "attachments" not in docs["fwd.eml"].meta
    assert "Lithium-ion cells" in docs["nob.eml"].text


def test_a_sheet_that_states_a_huge_size_is_read_by_its_cells(tmp_path):
    import zipfile

    _workbook(tmp_path / "parts.xlsx")
    stated = tmp_path / "stated.xlsx"
    with zipfile.ZipFile(tmp_path / "parts.xlsx") as src, zipfile.ZipFile(stated, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD20000"/>', data)
                assert b"XFD20000" in data
            dst.writestr(item, data)
    (doc,) = iter_documents([str(stated)])
    first = doc.text[slice(*doc.meta["pages"][0])]
    assert first.splitlines() == ["Parts", "part\tdescription", "A1\tgallium nitride transistors"]


def test_stdin_lines_are_text_even_when_they_look_like_a_document_format():
    line = rb"{\rtf1 not converted} ML10.a here"
    (doc,) = iter_stdin(io.BytesIO(line + b"\n"), ReadOptions(stdin_mode="lines"))
    assert doc.text == line.decode() and doc.meta == {}


def test_a_workbook_of_formulas_without_saved_values_says_so(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.active["B1"] = '=CONCAT("gallium ", "nitride")'
    book.save(tmp_path / "script.xlsx")  # openpyxl stores formulas, never their values
    (doc,) = iter_documents([str(tmp_path)])
    assert doc.error.startswith("the workbook's cells are formulas without saved values")


def test_a_document_file_piped_whole_into_stdin_is_converted(tmp_path):
    _deck(tmp_path / "deck.pptx")
    doc = read_stream(io.BytesIO((tmp_path / "deck.pptx").read_bytes()), timeout=30)
    assert doc.error is None and doc.meta["format"] == "pptx" and "infrared focal plane arrays" in doc.text
    assert read_stream(io.BytesIO(b"%PDF-1.4 is how the header starts, said the note.")).text.startswith("%PDF-1.4")


# ---------------------------------------------------------------- OpenDocument

def _odf_paragraph(text):
    """A paragraph whose spaces, tabs and line breaks are marked up as OpenDocument does."""
    from odf import teletype
    from odf.text import P

    p = P()
    teletype.addTextToElement(p, text)
    return p


def _odf_row(cells, repeat=None):
    """A table row; a cell is its text, or (text, columns it is repeated over)."""
    from odf.table import TableCell, TableRow
    from odf.text import P

    row = TableRow(numberrowsrepeated=repeat) if repeat else TableRow()
    for cell in cells:
        text, times = cell if isinstance(cell, tuple) else (cell, None)
        element = TableCell(numbercolumnsrepeated=times) if times else TableCell()
        if text:
            element.addElement(P(text=text))
        row.addElement(element)
    return row


def _odt(path, paragraphs=None):
    from odf.dc import Creator
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.table import Table
    from odf.text import H, List, ListItem, Note, NoteBody, NoteCitation, P

    doc = OpenDocumentText()
    if paragraphs is not None:
        for text in paragraphs:
            doc.text.addElement(P(text=text))
        doc.save(str(path))
        return path
    doc.text.addElement(H(outlinelevel=1, text="Export review"))
    doc.text.addElement(_odf_paragraph("Gallium  nitride\ttransistors\nfor radar modules"))
    cited = P(text="Shipped in March")
    note = Note(noteclass="footnote", id="n1")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="Licence 2B004 for hot isostatic presses."))
    note.addElement(body)
    cited.addElement(note)
    comment = Annotation()
    comment.addElement(Creator(text="Reviewer"))
    comment.addElement(P(text="check this"))
    cited.addElement(comment)
    cited.addText(" to the plant.")
    doc.text.addElement(cited)
    items = List()
    for text in ("uncooled microbolometers", "lidar"):
        item = ListItem()
        item.addElement(P(text=text))
        items.addElement(item)
    doc.text.addElement(items)
    table = Table(name="Items")
    table.addElement(_odf_row(["Item", "Use"]))
    table.addElement(_odf_row(["", ""]))
    table.addElement(_odf_row(["gas centrifuges", "enrichment"]))
    doc.text.addElement(table)
    doc.text.addElement(P(text="End of memo."))
    doc.save(str(path))
    return path


def _ods(path, sheets=None):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table

    book = OpenDocumentSpreadsheet()
    sheets = sheets or {
        "Parts": [_odf_row(["part", "description", ("", 1020)]),
                  _odf_row([("", 1024)], repeat=3),  # empty rows, as spreadsheet programs write them
                  _odf_row(["A1", ("", 2), "gallium nitride transistors", ("spare", 2), ("", 1000)]),
                  _odf_row([("", 1024)], repeat=1048000)],
        "Notes": [_odf_row(["", "hot isostatic presses"])],
    }
    for name, rows in sheets.items():
        sheet = Table(name=name)
        for row in rows:
            sheet.addElement(row)
        book.spreadsheet.addElement(sheet)
    book.save(str(path))
    return path


def _odp(path):
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.presentation import Notes
    from odf.style import MasterPage, PageLayout
    from odf.text import P

    deck = OpenDocumentPresentation()
    layout = PageLayout(name="layout")
    deck.automaticstyles.addElement(layout)
    master = MasterPage(name="master", pagelayoutname=layout)
    deck.masterstyles.addElement(master)

    def frame(texts):
        box = TextBox()
        for text in texts:
            box.addElement(P(text=text))
        element = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
        element.addElement(box)
        return element

    for title, body, notes in (("Programme review", ["Lithium-ion batteries for phones"], None),
                               ("Seekers", ["infrared focal plane arrays", "cooled"],
                                "Speaker note: synthetic aperture radar.")):
        slide = Page(masterpagename=master, name=title)
        slide.addElement(frame([title]))
        slide.addElement(frame(body))
        if notes:
            page_notes = Notes()
            page_notes.addElement(frame([notes]))
            slide.addElement(page_notes)
        deck.presentation.addElement(slide)
    deck.save(str(path))
    return path


def test_opendocument_text_is_read_in_document_order_with_its_whitespace(tmp_path):
    """Headings, paragraphs (spaces, tabs and line breaks kept), list items and table rows in
    the order they come; a footnote follows its paragraph instead of splitting it, comments
    are left out and empty table rows dropped."""
    _odt(tmp_path / "memo.odt")
    (doc,) = iter_documents([str(tmp_path / "memo.odt")])
    assert doc.error is None and doc.meta == {"format": "odt"}
    assert doc.text.split("\n") == [
        "Export review",
        "Gallium  nitride\ttransistors", "for radar modules",
        "Shipped in March to the plant.", "Licence 2B004 for hot isostatic presses.",
        "uncooled microbolometers", "lidar",
        "Item\tUse", "gas centrifuges\tenrichment",
        "End of memo."]


def test_opendocument_sheets_and_slides_are_parts_with_their_ranges(tmp_path):
    """A spreadsheet gives a part per sheet (its name, then its rows with text, cells joined by
    tabs, repeated cells written out, empty ones after the last filled cell left out); a
    presentation a part per slide (its frames, then its speaker notes). ``meta["pages"]``
    holds the ranges, as for .xlsx and .pptx."""
    _ods(tmp_path / "parts.ods")
    _odp(tmp_path / "deck.odp")
    docs = {os.path.basename(d.id): d for d in iter_documents([str(tmp_path)])}

    book = docs["parts.ods"]
    assert book.error is None and set(book.meta) == {"format", "pages"} and book.meta["format"] == "ods"
    assert len(book.meta["pages"]) == 2
    first, second = (book.text[slice(*r)] for r in book.meta["pages"])
    assert first.split("\n") == ["Parts", "part\tdescription", "A1\t\t\tgallium nitride transistors\tspare\tspare"]
    assert second.split("\n") == ["Notes", "\thot isostatic presses"]
    assert book.text == first + "\n\n" + second

    deck = docs["deck.odp"]
    assert deck.error is None and deck.meta["format"] == "odp" and len(deck.meta["pages"]) == 2
    first, second = (deck.text[slice(*r)] for r in deck.meta["pages"])
    assert first == "Programme review\nLithium-ion batteries for phones"
    assert second == "Seekers\ninfrared focal plane arrays\ncooled\nSpeaker note: synthetic aperture radar."


def test_stated_repeats_and_space_runs_are_capped_not_built(tmp_path):
    """A sheet can state that a cell or row repeats a billion times in a few bytes: empty ones
    are counted, not built; copies of repeated text stop at ODS_MAX_COLUMNS columns and
    ODF_MAX_REPEATED characters per file, and ``meta["repeats_left_out"]`` counts the copies
    left out. A run of spaces is capped the same way."""
    from odf.opendocument import OpenDocumentText
    from odf.text import P, S

    from dualuse.corpora import formats

    billion = 10**9
    _ods(tmp_path / "stated.ods", {"Filler": [
        _odf_row(["radar", ("", billion)], repeat=billion),  # one filled cell: a billion rows of it
        _odf_row([("", billion)], repeat=billion),
        _odf_row([("sonar", billion)]),
    ]})
    text, meta = formats.read_opendocument((tmp_path / "stated.ods").read_bytes(), ".ods")
    lines = text.split("\n")
    assert lines[0] == "Filler" and set(lines[1:-1]) == {"radar"}
    assert lines[-1] == "sonar"  # the billion radar rows used up the budget: one copy of the last
    assert len(text) <= formats.ODF_MAX_REPEATED + 100
    assert meta["repeats_left_out"] > billion - len(lines)

    doc = OpenDocumentText()
    paragraph = P(text="gallium")
    paragraph.addElement(S(c=billion))
    paragraph.addText("nitride")
    doc.text.addElement(paragraph)
    doc.save(str(tmp_path / "spaces.odt"))
    (read,) = iter_documents([str(tmp_path / "spaces.odt")])
    assert read.text == "gallium" + " " * formats.ODF_MAX_SPACES + "nitride"


def test_opendocument_by_content_and_its_protected_damaged_and_other_kinds_get_errors(tmp_path, capsys,
                                                                                    monkeypatch):
    import zipfile

    from dualuse.corpora import formats

    _odt(tmp_path / "memo.odt")
    _ods(tmp_path / "parts.ods")
    os.rename(tmp_path / "memo.odt", tmp_path / "memo")
    os.rename(tmp_path / "parts.ods", tmp_path / "parts.txt")
    with zipfile.ZipFile(tmp_path / "locked.odt", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", os.urandom(400))
        archive.writestr("META-INF/manifest.xml",
                         '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
                         '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
                         '</manifest:file-entry></manifest:manifest>')
    with zipfile.ZipFile(tmp_path / "broken.ods", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                                        'xmlns:office:1.0"><office:body><office:spreadsheet>')
    (tmp_path / "cut.odp").write_bytes((_odp(tmp_path / "whole.odp")).read_bytes()[:300])
    os.remove(tmp_path / "whole.odp")
    with zipfile.ZipFile(tmp_path / "letter.ott", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text-template")
    with zipfile.ZipFile(tmp_path / "bomb.odt", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b" " * (300 * 1024 * 1024))
    docs = {os.path.basename(d.id): d for d in iter_documents([str(tmp_path)])}
    assert docs["memo"].error is None and docs["memo"].meta == {"format": "odt"}
    assert "gas centrifuges\tenrichment" in docs["memo"].text
    assert docs["parts.txt"].meta["format"] == "ods" and len(docs["parts.txt"].meta["pages"]) == 2
    assert docs["locked.odt"].error == ("not a readable .odt: a password-protected OpenDocument file (save it "
                                        "again without the password to tag it)")
    assert docs["broken.ods"].error.startswith("not a readable .ods (SAXParseException: ")
    assert docs["cut.odp"].error == "not a readable .odp (not a zip archive)"
    assert docs["letter.ott"].error.startswith("not a text file: an OpenDocument text template file, which is "
                                               "not read (only text documents, spreadsheets and presentations")
    assert docs["bomb.odt"].error.startswith("refusing to open .odt: it expands to")
    assert capsys.readouterr().out == ""  # odfpy's load() would print a part it cannot parse

    monkeypatch.setattr(formats, "ODF_MAX_ELEMENTS", 20)
    (big,) = iter_documents([str(tmp_path / "memo")])
    assert big.error == ("refusing to read .odt: its content has more than 20 XML elements "
                         "(save it as .docx, .xlsx or PDF)")


# ---------------------------------------------------------------- e-mail attachments

def _attach(mail, data, name, maintype="application", subtype="octet-stream"):
    mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)


def test_email_attachments_are_read_as_pages_after_the_message(tmp_path):
    """Each attachment a reader handles (by suffix, else by content or declared type) is a part
    after the message; page 1 is the message with what it forwards. The others are listed with
    the reason, and none of them fails the e-mail."""
    from email.message import EmailMessage

    from test_batch import make_docx, make_pdf

    make_docx(tmp_path / "memo.docx", ["Hot isostatic presses were shipped."])
    make_pdf(tmp_path / "spec.pdf", ["Page one: farming.", "Page two: gallium nitride amplifiers."])
    _odt(tmp_path / "minutes.odt", ["Minutes: the lidar order."])

    inner = EmailMessage()
    inner["Subject"] = "Older thread"
    inner.set_content("Uncooled microbolometer cores.")
    _attach(inner, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "inner.png", "image", "png")

    forwarded = EmailMessage()
    forwarded["Subject"] = "order"
    forwarded.set_content("Ten hot isostatic presses.")
    _attach(forwarded, b"Notes on the sonar arrays.\n", "fwd-notes.txt", "text", "plain")

    mail = EmailMessage()
    mail["Subject"] = "Quote"
    mail.set_content("See the attached files.")
    _attach(mail, (tmp_path / "memo.docx").read_bytes(), "memo.docx")
    _attach(mail, (tmp_path / "spec.pdf").read_bytes(), "spec.pdf", subtype="pdf")
    _attach(mail, (tmp_path / "minutes.odt").read_bytes(), "scan0001")  # no suffix: read by its content
    _attach(mail, b"PK\x03\x04 damaged", "broken.xlsx")
    _attach(mail, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png", "image", "png")
    _attach(mail, bytes(range(256)), "firmware.bin")
    _attach(mail, b"<p>Radar <b>upgrade</b></p><script>x()</script>", "page.html", "text", "html")
    _attach(mail, bytes(inner), "older.eml")  # an attached e-mail file, not a forwarded message
    mail.add_attachment(forwarded)  # message/rfc822: read as part of the message itself
    (tmp_path / "quote.eml").write_bytes(bytes(mail))

    (doc,) = iter_documents([str(tmp_path / "quote.eml")])
    assert doc.error is None
    meta = doc.meta
    assert meta["attachments"] == ["memo.docx", "spec.pdf", "scan0001", "broken.xlsx", "photo.png", "firmware.bin",
                                   "page.html", "older.eml", "fwd-notes.txt"]
    assert meta["attachments_read"] == ["memo.docx", "spec.pdf", "scan0001", "page.html", "older.eml",
                                        "fwd-notes.txt"]
    pages = [doc.text[slice(*r)] for r in meta["pages"]]
    assert len(pages) == 1 + len(meta["attachments_read"])
    assert pages[0] == "Quote\n\nSee the attached files.\n\norder\n\nTen hot isostatic presses."
    assert pages[1] == "Hot isostatic presses were shipped.\nItem\tgas centrifuges"
    assert "Page one: farming." in pages[2] and "gallium nitride amplifiers" in pages[2]
    assert pages[3] == "Minutes: the lidar order."
    assert pages[4] == "Radar\nupgrade"
    assert pages[5] == "Older thread\n\nUncooled microbolometer cores."
    assert pages[6] == "Notes on the sonar arrays."
    assert doc.text == "\n\n".join(pages)
    unread = {u["name"]: u["reason"] for u in meta["attachments_unread"]}
    assert list(unread) == ["broken.xlsx", "photo.png", "firmware.bin", "older.eml/inner.png"]
    assert unread["broken.xlsx"] == "not a readable .xlsx (not a zip archive)"
    assert unread["photo.png"] == "a PNG image: it has no text to read (run OCR first)"
    assert unread["firmware.bin"] == "no reader for this type (application/octet-stream)"
    assert unread["older.eml/inner.png"] == "a PNG image: it has no text to read (run OCR first)"


def test_email_attachments_past_the_limits_are_listed_not_read(tmp_path, monkeypatch):
    """Too large, nested too deep, a converter that raises or one that never returns: the
    attachment is listed with why, and the message and its other attachments are read."""
    import signal
    import time
    from email.message import EmailMessage

    from dualuse.corpora import formats
    from dualuse.corpora.readers import time_limit

    nested = EmailMessage()
    nested["Subject"] = "level 12"
    nested.set_content("deepest")
    for level in range(11, -1, -1):
        outer = EmailMessage()
        outer["Subject"] = f"level {level}"
        outer.set_content(f"text {level}")
        _attach(outer, bytes(nested), f"m{level + 1}.eml")
        nested = outer
    text, meta = formats.read_email(bytes(nested))
    assert "text 10" in text and "text 11" not in text
    (deep,) = meta["attachments_unread"]
    assert deep["name"] == "/".join(f"m{n}.eml" for n in range(1, 12))
    assert deep["reason"] == "a message nested more than 10 deep: not read"

    monkeypatch.setattr(formats, "EMAIL_ATTACHMENT_MAX_BYTES", 100)
    mail = EmailMessage()
    mail["Subject"] = "Limits"
    mail.set_content("Body text.")
    _attach(mail, b"big radar notes " * 10, "big.txt", "text", "plain")
    _attach(mail, b"small lidar notes", "small.txt", "text", "plain")
    text, meta = formats.read_email(bytes(mail))
    assert text == "Limits\n\nBody text.\n\nsmall lidar notes" and meta["attachments_read"] == ["small.txt"]
    assert meta["attachments_unread"] == [
        {"name": "big.txt", "reason": "too large (160 bytes; attachments over 100 bytes are not read)"}]

    def raises(data):
        raise RuntimeError("converter bug")

    def never_returns(data):
        time.sleep(60)

    monkeypatch.setitem(formats._READERS, ".rtf", raises)
    monkeypatch.setitem(formats._READERS, ".pdf", never_returns)
    mail = EmailMessage()
    mail["Subject"] = "Stuck"
    mail.set_content("Body kept.")
    _attach(mail, b"{\\rtf1 x}", "a.rtf")
    _attach(mail, b"%PDF-1.4 whatever", "b.pdf")
    _attach(mail, b"lidar", "c.txt", "text", "plain")
    handler = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with time_limit(2.0):
        text, meta = formats.read_email(bytes(mail))
        left = signal.getitimer(signal.ITIMER_REAL)[0]
    assert 0 < left < 1.5 and time.monotonic() - started < 1.5  # the e-mail's own limit runs on
    assert signal.getsignal(signal.SIGALRM) == handler
    assert text == "Stuck\n\nBody kept.\n\nlidar" and meta["attachments_read"] == ["c.txt"]
    reasons = {u["name"]: u["reason"] for u in meta["attachments_unread"]}
    assert reasons["a.rtf"] == "not a readable attachment (RuntimeError: converter bug)"
    assert re.fullmatch(r"its conversion took longer than (0\.9|1\.0) s \(its share of the e-mail's time limit\): "
                        "not read", reasons["b.pdf"])


def test_pages_of_sheets_and_attachments_reach_the_records(tmp_path):
    """Through ``dualuse tag``: a mention on a spreadsheet's second sheet, or in an e-mail's
    attachment, carries that part's number as ``page``."""
    from email.message import EmailMessage

    from typer.testing import CliRunner

    from dualuse.cli.main import app
    from test_batch import make_docx

    mil = "The Army will test a counter-drone laser."
    _ods(tmp_path / "plan.ods", {"Budget": [_odf_row(["Farming notes only."])], "Tests": [_odf_row(["", mil])]})
    _odt(tmp_path / "memo.odt", ["Farming notes only.", mil])
    make_docx(tmp_path / "memo.docx", [mil])
    mail = EmailMessage()
    mail["Subject"] = "Minutes"
    mail.set_content("Farming notes only.")
    _attach(mail, (tmp_path / "memo.docx").read_bytes(), "memo.docx")
    _attach(mail, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png", "image", "png")
    (tmp_path / "mail.eml").write_bytes(bytes(mail))
    os.remove(tmp_path / "memo.docx")

    result = CliRunner().invoke(app, ["tag", str(tmp_path), "--format", "jsonl"])
    recs = {os.path.basename(r["id"]): r for r in map(json.loads, result.stdout.splitlines())}
    assert set(recs) == {"plan.ods", "memo.odt", "mail.eml"} and all(r["error"] is None for r in recs.values())
    assert recs["plan.ods"]["meta"] == {"format": "ods", "pages": 2}
    assert recs["plan.ods"]["mentions"] and {m["page"] for m in recs["plan.ods"]["mentions"]} == {2}
    assert recs["memo.odt"]["meta"] == {"format": "odt"} and recs["memo.odt"]["mentions"]
    assert all("page" not in m for m in recs["memo.odt"]["mentions"])
    mail_rec = recs["mail.eml"]
    assert mail_rec["meta"] == {"format": "email", "pages": 2, "attachments": ["memo.docx", "photo.png"],
                                "attachments_read": ["memo.docx"],
                                "attachments_unread": [{"name": "photo.png", "reason": "a PNG image: it has no "
                                                        "text to read (run OCR first)"}]}
    assert mail_rec["mentions"] and {m["page"] for m in mail_rec["mentions"]} == {2}
    assert all(e["page"] == 2 for e in mail_rec["evidence"])


def _in_thread(function, *args):
    """``function(*args)`` run in a thread that is not the main one (as a Dask worker runs a task)."""
    import threading

    out = []
    thread = threading.Thread(target=lambda: out.append(function(*args)))
    thread.start()
    thread.join(60)
    assert out, "the thread did not finish"
    return out[0]


def test_a_conversion_in_a_worker_thread_gets_its_time_limit_from_a_child_process():
    """The timer signal reaches only the main thread: elsewhere the conversion runs in a child
    process (one per thread, kept), with the same result as in the main thread."""
    from dualuse.corpora import isolated
    from dualuse.corpora.readers import _converted

    html = b"<html><body><h1>Radar</h1><p>Lidar notes.</p></body></html>"
    here = _converted(html, "a", "a.html", ".html", 30.0)
    there = _in_thread(lambda: (_converted(html, "a", "a.html", ".html", 30.0), isolated.converter()._proc.pid,
                                _converted(html, "b", "b.html", ".html", 30.0), isolated.converter()._proc.pid))
    assert there[0] == here and here.error is None and "Lidar notes." in here.text
    assert there[2].id == "b" and there[2].text == here.text
    assert there[1] == there[3]  # the thread's child serves its next file too
    assert _in_thread(_converted, b"plain radar text", "t", "t.txt", ".txt", 30.0).text == "plain radar text"


STUCK_PDF = ("import time; from dualuse.corpora import formats; formats._READERS['.pdf'] = lambda data: time.sleep(60); "
             "{extra}; from dualuse.corpora.isolated import main; main()")


@pytest.mark.parametrize("extra, grace", [
    ("pass", 30.0),  # the child's own timer ends the conversion
    ("import contextlib, dualuse.corpora.readers as r; r.time_limit = lambda s: contextlib.nullcontext()", 0.5),
])
def test_a_stuck_conversion_in_a_child_gets_an_error_record_and_the_next_file_is_read(extra, grace):
    """Whether the child's timer fires or the child is stuck where no timer reaches (then it is
    killed after the grace), the file gets the time-limit record; the next file is read."""
    import sys
    import time

    from dualuse.corpora.isolated import ConverterProcess

    conv = ConverterProcess([sys.executable, "-c", STUCK_PDF.format(extra=extra)], grace=grace)
    try:
        started = time.monotonic()
        doc = conv.convert(b"%PDF-1.4 whatever", "stuck", "stuck.pdf", ".pdf", 0.5)
        assert time.monotonic() - started < 20
        assert doc.error == "conversion took longer than 0.5 s (--timeout): not read" and doc.id == "stuck"
        after = conv.convert(b"<p>Sonar</p>", "next", "next.html", ".html", 5.0)
        assert after.error is None and after.text == "Sonar"
    finally:
        conv.close()


def test_a_child_that_dies_gives_an_error_record_and_is_started_again():
    import sys

    from dualuse.corpora.isolated import ConverterProcess

    crash = ("import os; from dualuse.corpora import formats; formats._READERS['.pdf'] = lambda data: os._exit(7); "
             "from dualuse.corpora.isolated import main; main()")
    conv = ConverterProcess([sys.executable, "-c", crash])
    try:
        doc = conv.convert(b"%PDF-1.4", "crash", "crash.pdf", ".pdf", 5.0)
        assert doc.error == "the conversion process ended (exit code 7): not read" and doc.source == "crash.pdf"
        assert conv.convert(b"<p>Lidar</p>", "ok", "ok.html", ".html", 5.0).text == "Lidar"
    finally:
        conv.close()


def test_without_the_timer_a_thread_converts_itself_and_no_child_is_started(monkeypatch):
    """Where the system has no interval timer (or no wait on a pipe), a child could not keep the
    limit either: conversions run in the thread, without a limit, as they always could there."""
    import signal

    from dualuse.corpora import isolated
    from dualuse.corpora.readers import _converted

    monkeypatch.delattr(signal, "setitimer")
    monkeypatch.setattr(isolated, "converter", lambda: pytest.fail("a child was started"))
    doc = _in_thread(_converted, b"<p>Sonar arrays.</p>", "h", "h.html", ".html", 30.0)
    assert doc.error is None and doc.text == "Sonar arrays."


def test_a_failed_exchange_ends_the_child_so_no_answer_is_taken_for_the_next_file(monkeypatch):
    """An answer for another document, or a failure while waiting (a descriptor a wait cannot
    take), gives the file an error record and a new child for the next one, never the previous
    file's text."""
    import selectors
    import sys

    from dualuse.corpora.isolated import ConverterProcess

    wrong = ("import dataclasses; import dualuse.corpora.readers as r; convert = r._converted; "
             "r._converted = lambda *a, **k: dataclasses.replace(convert(*a, **k), id='other'); "
             "from dualuse.corpora.isolated import main; main()")
    conv = ConverterProcess([sys.executable, "-c", wrong])
    try:
        doc = conv.convert(b"<p>Radar</p>", "mine", "mine.html", ".html", 5.0)
        assert doc.error == "conversion process failed (ValueError: an answer for 'other'): not read"
        assert doc.id == "mine" and conv._proc is None
    finally:
        conv.close()

    conv = ConverterProcess()
    real = selectors.DefaultSelector
    calls = []

    def failing_once():
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("filedescriptor out of range in select()")
        return real()

    monkeypatch.setattr(selectors, "DefaultSelector", failing_once)
    try:
        first = conv.convert(b"<p>Lidar A</p>", "a", "a.html", ".html", 5.0)
        second = conv.convert(b"<p>Lidar B</p>", "b", "b.html", ".html", 5.0)
        assert first.error.startswith("conversion process failed (ValueError") and first.id == "a"
        assert (second.id, second.text, second.error) == ("b", "Lidar B", None)
    finally:
        conv.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel ends the child on Linux only")
def test_a_stuck_child_dies_with_the_process_that_started_it(tmp_path):
    """A child stuck where no timer reaches it is killed with its parent (a Dask worker killed
    by its nanny, say), not left running."""
    import signal
    import subprocess
    import time

    parent = tmp_path / "parent.py"
    parent.write_text(
        "import sys\n"
        "from dualuse.corpora.isolated import ConverterProcess\n"
        "stuck = ('import time, contextlib; from dualuse.corpora import formats, readers; '\n"
        "         'formats._READERS[\".pdf\"] = lambda data: time.sleep(600); '\n"
        "         'readers.time_limit = lambda s: contextlib.nullcontext(); '\n"
        "         'from dualuse.corpora.isolated import main; main()')\n"
        "conv = ConverterProcess([sys.executable, '-c', stuck], grace=600)\n"
        "conv._started()\n"
        "print(conv._proc.pid, flush=True)\n"
        "conv.convert(b'%PDF-1.4', 'x', 'x.pdf', '.pdf', 600)\n")
    proc = subprocess.Popen([sys.executable, str(parent)], stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    time.sleep(1.0)
    assert os.path.exists(f"/proc/{child}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{child}/stat") as fh:
                if fh.read().split(")")[-1].split()[0] == "Z":  # ended, not yet reaped
                    break
        except FileNotFoundError:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the child outlived its parent")
