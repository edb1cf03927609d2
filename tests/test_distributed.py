"""Tagging on a Dask cluster: same records as one process, every record exactly once when a
worker dies, finished shards skipped on --resume."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

from dualuse.cli import distributed
from dualuse.cli.main import app

pytest.importorskip("dask.distributed")

runner = CliRunner()
MIL = "The Navy program office will field armed UAVs with synthetic aperture radar for the warfighter."
CIV = "Farmers use drones with lidar to map soil moisture; the airline tested weather radar."


@pytest.fixture
def inputs(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    for i in range(60):
        (d / f"{i:03d}.txt").write_text((MIL if i % 3 == 0 else CIV) + f" Item {i}.")
    (d / "empty.txt").write_text("")
    # record files in the folder: one document per row, on a cluster as in one process
    (d / "table.csv").write_text("id,text\ncsv1," + MIL + "\ncsv2," + CIV.replace(",", "") + "\n")
    (d / "array.json").write_text(json.dumps([{"id": "arr1", "text": CIV}, {"id": "arr2", "text": MIL}]))
    stream = tmp_path / "rows.jsonl"
    # only "\n" ends a line: the line with a lone carriage return holds two objects (invalid)
    stream.write_text("".join(json.dumps({"id": f"r{i}", "text": CIV if i % 2 else MIL}) + "\n" for i in range(50))
                      + json.dumps({"id": "a", "text": MIL}) + "\r" + json.dumps({"id": "b", "text": CIV}) + "\n"
                      + "{broken\n")
    return [str(d), str(stream)]


@pytest.fixture
def small_shards(monkeypatch):
    monkeypatch.setattr(distributed, "SHARD_FILES", 7)
    monkeypatch.setattr(distributed, "SHARD_BYTES", 900)


def test_local_cluster_output_is_byte_identical_to_one_process(inputs, small_shards, tmp_path):
    one = tmp_path / "one.jsonl"
    cluster = tmp_path / "cluster.jsonl"
    assert runner.invoke(app, ["tag", *inputs, "-o", str(one)]).exit_code == 1
    result = runner.invoke(app, ["tag", *inputs, "-o", str(cluster), "--scheduler", "local:2"])
    assert result.exit_code == 1, result.stderr
    assert cluster.read_bytes() == one.read_bytes()
    assert not (tmp_path / "cluster.jsonl.parts").exists()
    ids = [json.loads(line)["id"] for line in cluster.read_text().splitlines()]
    assert f"{inputs[1]}:51" in ids and f"{inputs[1]}:52" in ids  # lines named by their number in the file
    assert {"csv1", "csv2", "arr1", "arr2"} <= set(ids)


def _run_on(client, inputs, out):
    """Every record of a distributed run on ``client``, written to ``out``."""
    from dualuse.corpora.readers import ReadOptions

    return list(distributed.run_distributed(inputs, scheduler="unused", output=out, model=None,
                                            options=ReadOptions(), thresholds=None, batch_size=8,
                                            force=False, resume=False, client=client))


def test_killed_worker_costs_a_retry_not_a_record(inputs, small_shards, tmp_path):
    from dask.distributed import Client, LocalCluster

    for i in range(60, 400):
        (tmp_path / "docs" / f"{i:03d}.txt").write_text((MIL if i % 3 == 0 else CIV) + f" Item {i}.")
    parts = tmp_path / "o.jsonl.parts"
    killed = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = list(client.run(os.getpid).values())

        def kill_one_after_the_first_shards():
            deadline = time.time() + 60
            while time.time() < deadline and len(list(parts.glob("*.jsonl"))) < 3:
                time.sleep(0.01)
            killed["parts_done"] = len(list(parts.glob("*.jsonl")))
            os.kill(pids[0], signal.SIGKILL)

        killer = threading.Thread(target=kill_one_after_the_first_shards)
        killer.start()
        records = _run_on(client, inputs, tmp_path / "o.jsonl")
        killer.join()
    assert killed["parts_done"] < 40, "the worker died while shards were still running"
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == 401 + 4 + 52  # files, CSV and JSON rows, JSONL lines
    assert ids[:3] == [os.path.join(inputs[0], n) for n in ("000.txt", "001.txt", "002.txt")]


def test_a_shard_the_scheduler_cancels_is_submitted_again(inputs, small_shards, tmp_path, monkeypatch):
    """The scheduler may cancel a task ("already forgotten") when a worker dies at the wrong moment:
    the shard is submitted again under a new key, and after ``RESUBMITS`` cancellations the run
    stops with a message, its finished shards kept."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        submit, cancelled = client.submit, []
        doomed = ["-1-0"]  # endings (shard index, attempt) of the task keys cancelled as soon as submitted

        def cancelling_submit(*args, key, **kwargs):
            future = submit(*args, key=key, **kwargs)
            if key.endswith(tuple(doomed)):
                cancelled.append(key)
                client.cancel([future])
            return future

        monkeypatch.setattr(client, "submit", cancelling_submit)
        ids = [r["id"] for r in _run_on(client, inputs, tmp_path / "once.jsonl")]
        assert len(cancelled) == 1 and cancelled[0].endswith("-1-0")
        assert len(ids) == len(set(ids)) == 61 + 4 + 52  # every record once, none lost
        assert not (tmp_path / "once.jsonl.parts").exists()

        cancelled.clear()
        doomed[:] = [f"-1-{attempt}" for attempt in range(distributed.RESUBMITS + 1)]  # every attempt of shard 1
        with pytest.raises(distributed.DistributedError, match="cancelled 4 times.*--resume"):
            _run_on(client, inputs, tmp_path / "always.jsonl")
        assert len(cancelled) == distributed.RESUBMITS + 1
        assert (tmp_path / "always.jsonl.parts").is_dir()


def test_resume_skips_finished_shards(inputs, small_shards, tmp_path):
    out = tmp_path / "out.jsonl"
    parts = tmp_path / "out.jsonl.parts"
    parts.mkdir()
    sentinel = {"id": "kept-from-before", "source": "x", "mentions": [], "model": "m", "error": None}
    (parts / "000000.jsonl").write_text(json.dumps(sentinel) + "\n")
    refused = runner.invoke(app, ["tag", *inputs, "-o", str(out), "--scheduler", "local:1"])
    assert refused.exit_code == 2 and "--resume" in refused.stderr
    result = runner.invoke(app, ["tag", *inputs, "-o", str(out), "--scheduler", "local:1", "--resume"])
    assert result.exit_code == 1, result.stderr
    lines = out.read_text().splitlines()
    assert json.loads(lines[0])["id"] == "kept-from-before"  # shard 0 was not tagged again
    assert json.loads(lines[1])["id"].endswith("007.txt")


def test_missing_dask_is_a_usage_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    (tmp_path / "a.txt").write_text(MIL)
    result = runner.invoke(app, ["tag", str(tmp_path / "a.txt"), "--scheduler", "local:1"])
    assert result.exit_code == 2 and "pip install 'dualuse[dask]'" in result.stderr


def test_stdin_is_refused_with_a_scheduler():
    result = runner.invoke(app, ["tag", "-", "--scheduler", "local:1"], input=MIL)
    assert result.exit_code == 2 and "stdin" in result.stderr


def test_cluster_records_stream_to_stdout(inputs, small_shards):
    result = runner.invoke(app, ["tag", inputs[1], "--scheduler", "local:1", "-f", "jsonl"])
    assert result.exit_code == 1, result.stderr
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == [f"r{i}" for i in range(50)] + [f"{inputs[1]}:51", f"{inputs[1]}:52"]


def test_shard_names_an_over_long_line_as_one_process_does(tmp_path):
    """A worker reading a byte range applies the same per-line limit as the local readers."""
    from dualuse.corpora.readers import ReadOptions, iter_documents

    src = tmp_path / "rows.jsonl"
    src.write_text(json.dumps({"id": "a", "text": MIL}) + "\n" + json.dumps({"id": "big", "text": CIV * 40}) + "\n"
                   + json.dumps({"id": "c", "text": CIV}) + "\n")
    options = ReadOptions(max_bytes=1000)
    shard = distributed.Shard(0, jsonl=str(src), start=0, end=src.stat().st_size, first_line=1)
    lines = distributed.tag_shard(shard, distributed.pack_bundle(None), options, None, 64)
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [d.id for d in iter_documents([str(src)], options=options)]
    assert [r["id"] for r in records] == ["a", f"{src}:2", "c"] and "line too long" in records[1]["error"]


def test_a_stuck_conversion_on_a_worker_thread_gets_its_record_and_the_shard_goes_on(tmp_path, monkeypatch):
    """A task runs in a worker's thread, where no timer signal reaches: a converter that never
    returns (here a PDF reader made to sleep) is stopped at --timeout in its child process, the
    file gets its error record, and the rest of the shard is tagged."""
    from dualuse.corpora import isolated
    from dualuse.corpora.readers import ReadOptions

    stuck = ("import time; from dualuse.corpora import formats; formats._READERS['.pdf'] = lambda data: time.sleep(60); "
             "from dualuse.corpora.isolated import main; main()")
    monkeypatch.setattr(isolated, "CHILD", [sys.executable, "-c", stuck])
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 stuck")
    (tmp_path / "b.txt").write_text(MIL)
    (tmp_path / "c.html").write_text(f"<p>{CIV}</p>")
    shard = distributed.Shard(0, files=tuple((n, str(tmp_path / n)) for n in ("a.pdf", "b.txt", "c.html")))
    out = []
    worker = threading.Thread(target=lambda: out.append(distributed.tag_shard(
        shard, distributed.pack_bundle(None), ReadOptions(timeout=1.0), None, 64)))
    worker.start()
    worker.join(120)
    records = [json.loads(line) for line in out[0]]
    assert [r["id"] for r in records] == ["a.pdf", "b.txt", "c.html"]
    assert records[0]["error"] == "conversion took longer than 1 s (--timeout): not read"
    assert records[1]["flag"] == "military" and records[2]["error"] is None and records[2]["mentions"]
