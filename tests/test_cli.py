from __future__ import annotations

import json

import pytest

from typer.testing import CliRunner

from dualuse.cli.main import app

runner = CliRunner()


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_tag_stdin_gives_one_record_with_mentions():
    result = runner.invoke(app, ["tag", "-"], input="The warfighter flew a UAV with a synthetic aperture radar.")
    assert result.exit_code == 0, result.output
    (rec,) = records(result.stdout)
    assert rec["id"] == "-" and rec["error"] is None
    assert [m["text"] for m in rec["mentions"]] == ["UAV", "synthetic aperture radar"]
    m = rec["mentions"][1]
    assert rec["mentions"][0]["category"] == "9A012"
    assert m["family"] == "sensors_lasers" and m["sentence"] == [0, 58]
    assert m["cues"] == ["warfighter"]


def test_tag_folder_with_bad_files_keeps_going_and_exits_1(tmp_path):
    (tmp_path / "good.txt").write_text("Drone exports rose.")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(app, ["tag", str(tmp_path)])
    assert result.exit_code == 1
    recs = records(result.stdout)
    assert [r["id"].rsplit("/", 1)[1] for r in recs] == ["binary.bin", "empty.txt", "good.txt"]
    assert recs[0]["error"] and recs[1]["error"] == "empty document" and recs[2]["error"] is None
    assert [m["text"] for m in recs[2]["mentions"]] == ["Drone"]
    assert "empty.txt: empty document" in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_error_message_names_the_line_of_a_record_with_its_own_id(tmp_path, jobs):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Weather radar for airports."}) + "\n"
                    + json.dumps({"id": "b", "body": "No text field."}) + "\n" + "{broken\n")
    result = runner.invoke(app, ["tag", str(path), "--jobs", jobs, "--format", "jsonl"])
    assert result.exit_code == 1
    assert f"{path}:2 (id b): no field 'text'" in result.stderr
    assert f"{path}:3: invalid JSON" in result.stderr  # no id of its own: the line is its id
    assert [r["id"] for r in records(result.stdout)] == ["a", "b", f"{path}:3"]


def test_empty_stdin_gives_an_error_record_and_message():
    result = runner.invoke(app, ["tag", "-"], input="")
    assert result.exit_code == 1
    (rec,) = records(result.stdout)
    assert rec["error"] == "empty document"
    assert "-: empty document" in result.stderr


def test_usage_errors_exit_2():
    assert runner.invoke(app, ["tag"]).exit_code == 2
    assert runner.invoke(app, ["tag", "-", "-"], input="x").exit_code == 2
    assert runner.invoke(app, ["terms", "--family", "nope"]).exit_code == 2


def test_terms_search():
    result = runner.invoke(app, ["terms", "aperture", "--json"])
    assert result.exit_code == 0
    rows = records(result.stdout)
    assert rows and all("aperture" in json.dumps(r).lower() for r in rows)
    assert any((r["category"] or "").startswith("6A008") for r in rows)


def test_console_command_keeps_exit_codes_and_output():
    # `dualuse` runs main(), which wraps the typer app (and spares the exit a full collection).
    import subprocess
    import sys

    military = subprocess.run([sys.executable, "-m", "dualuse.cli.main", "tag", "-", "--fail-on", "military"],
                              input="The Navy tested UAV swarms with radar.", capture_output=True, text=True,
                              timeout=300)
    assert military.returncode == 3 and json.loads(military.stdout)["flag"] == "military"
    usage = subprocess.run([sys.executable, "-m", "dualuse.cli.main", "no-such-command"], capture_output=True,
                           text=True, timeout=300)
    assert usage.returncode == 2


def test_tag_joins_text_fields_and_offsets_count_in_the_joined_text(tmp_path):
    path = tmp_path / "notices.jsonl"
    path.write_text(json.dumps({"id": "n1", "title": "Radar export rule",
                                "text": "The rule covers lidar sensors for farms."}) + "\n")
    result = runner.invoke(app, ["tag", str(path), "--text-field", "title", "--text-field", "text",
                                 "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    (record,) = records(result.stdout)
    joined = "Radar export rule\n\nThe rule covers lidar sensors for farms."
    found = {m["text"]: (m["start"], m["end"]) for m in record["mentions"]}
    assert {"Radar", "lidar"} <= set(found)
    for text, (start, end) in found.items():
        assert joined[start:end] == text


def test_an_empty_text_field_name_is_a_usage_error_and_review_reports_unreadable_documents(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Weather radar for airports."}) + "\n"
                    + json.dumps({"id": "b", "body": "No text field."}) + "\n")
    result = runner.invoke(app, ["tag", str(path), "--text-field", ""])
    assert result.exit_code == 2 and "--text-field needs a field name" in result.stderr
    export = tmp_path / "review.jsonl"
    result = runner.invoke(app, ["review", str(path), "--export", str(export)])
    assert result.exit_code == 1
    assert f"{path}:2 (id b): no field 'text'" in result.stderr and "1 documents could not be read" in result.stderr
    assert [json.loads(line)["id"] for line in export.read_text().splitlines()] == ["a"]
