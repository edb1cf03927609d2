"""`dualuse tag --scheduler ...`: tagging on a Dask cluster.

The inputs are cut into shards (a list of files, a byte range of a JSONL file, or a whole CSV or
JSON record file, read by the worker itself). Each shard is one Dask task: the worker loads the bundle once per process
(from bytes the client scattered to the cluster, so workers need no shared disk), tags the
shard and returns its records as JSON lines. The client writes each finished shard to
``OUTPUT.parts/NNNNNN.jsonl`` (atomically) and merges the parts in input order into the output,
so a shard that Dask re-runs after a worker died is written once, and ``--resume`` skips the
shards whose part is already there.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import os
import shutil
import tempfile
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

NEEDS_DASK = "--scheduler needs Dask: pip install 'dualuse[dask]'"
SHARD_FILES = 256
SHARD_BYTES = 1024 * 1024
# A shard whose task the scheduler cancelled (it forgets a task, and may drop the bundle scattered to
# a worker that died) is submitted again under a new key, this many times at most.
RESUBMITS = 3


class DistributedError(Exception):
    """A usage problem: missing dask, a scheduler that cannot be reached, stdin with --scheduler."""


@dataclass(frozen=True)
class Shard:
    index: int
    files: tuple = ()               # (id, path) pairs
    jsonl: str | None = None        # a JSONL file, with the byte range [start, end)
    start: int = 0
    end: int = 0
    first_line: int = 1
    records: str | None = None      # a CSV or JSON file: one document per row, read whole


def make_shards(inputs: list[str], options) -> Iterator[Shard]:
    """Shards in input order: runs of files, byte ranges of JSONL files cut at line ends, and
    CSV or JSON record files whole."""
    from dualuse.corpora.readers import JSONL_SUFFIXES, RECORD_SUFFIXES, expand

    files: list = []
    index = 0
    for doc_id, path, error in expand(inputs, options):
        if path is None:
            raise DistributedError("stdin cannot be sent to a cluster: write it to a file first"
                                   if doc_id == "-" else f"{doc_id}: {error}")
        suffix = os.path.splitext(path)[1].lower()
        if suffix in RECORD_SUFFIXES:
            if files:
                yield Shard(index, tuple(files))
                index, files = index + 1, []
            if suffix in JSONL_SUFFIXES:
                for start, end, first_line in _byte_ranges(path):
                    yield Shard(index, jsonl=path, start=start, end=end, first_line=first_line)
                    index += 1
            else:
                yield Shard(index, records=path)
                index += 1
            continue
        files.append((doc_id, path))
        if len(files) == SHARD_FILES:
            yield Shard(index, tuple(files))
            index, files = index + 1, []
    if files:
        yield Shard(index, tuple(files))


def _byte_ranges(path: str) -> Iterator[tuple[int, int, int]]:
    size = os.path.getsize(path)
    start, line = 0, 1
    with open(path, "rb") as fh:
        while start < size:
            fh.seek(min(start + SHARD_BYTES, size))
            fh.readline()  # move to the end of the line that crosses the boundary
            end = min(fh.tell(), size) if start + SHARD_BYTES < size else size
            fh.seek(start)
            lines = fh.read(end - start).count(b"\n")
            yield start, end, line
            line += lines
            start = end


def pack_bundle(model: Path | None) -> dict:
    """The bundle's files as {relative path: bytes}, to ship to workers."""
    from dualuse.model.bundle import verify_bundle
    from dualuse.model.taxonomy import packaged

    root = Path(packaged("default") if model is None else model)
    verify_bundle(root)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


_UNPACKED: dict = {}


def _bundle_dir(bundle: dict) -> str:
    """Write the shipped bundle to a private folder once per worker process."""
    digest = hashlib.sha256(bundle["manifest.json"]).hexdigest()
    folder = _UNPACKED.get(digest)
    if folder is None:
        folder = tempfile.mkdtemp(prefix="dualuse-bundle-")
        atexit.register(shutil.rmtree, folder, True)
        for rel, data in bundle.items():
            target = Path(folder) / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _UNPACKED[digest] = folder
    return folder


def tag_shard(shard: Shard, bundle: dict, options, thresholds, batch_size: int) -> list[str]:
    """Runs on a worker: read and tag one shard, return its records as JSON lines."""
    from dualuse.corpora.readers import FileUnit, bounded_lines, iter_record_file, jsonl_rows, load_unit
    from dualuse.model.parallel import tag_partition

    model = _bundle_dir(bundle)
    if shard.jsonl is not None:
        with open(shard.jsonl, "rb") as fh:
            fh.seek(shard.start)
            data = fh.read(shard.end - shard.start)
        # split as a file is read, where only "\n" ends a line (bytes.splitlines also splits at "\r")
        documents = list(jsonl_rows(bounded_lines(io.BytesIO(data), options.max_bytes), shard.jsonl, options,
                                    first_line=shard.first_line))
    elif shard.records is not None:
        documents = list(iter_record_file(shard.records, options))
    else:
        documents = [load_unit(FileUnit(doc_id, path), options) for doc_id, path in shard.files]
    records = tag_partition(documents, model, batch_size=batch_size, thresholds=thresholds)
    return [json.dumps(r, ensure_ascii=False) for r in records]


def _read_part(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            record = json.loads(line)
            record["_json"] = line
            yield record


def connect(address: str):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise DistributedError(NEEDS_DASK) from None
    if address.startswith("local:"):
        try:
            workers = int(address.split(":", 1)[1])
        except ValueError:
            raise DistributedError(f"--scheduler local:N takes a number of workers, not {address!r}") from None
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster), cluster
    try:
        return Client(address, timeout="10s"), None
    except (OSError, TimeoutError) as exc:
        raise DistributedError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def run_distributed(inputs: list[str], *, scheduler: str, output: Path | None, model: Path | None, options,
                    thresholds, batch_size: int, force: bool, resume: bool, window: int = 0,
                    client=None) -> Iterator[dict]:
    """Yield every record, in input order, computed on the cluster (each with its JSON line
    under ``_json``, ready to write).

    With ``output``, finished shards are kept in ``OUTPUT.parts/`` until the run completes.
    """
    try:
        from dask.distributed import as_completed
    except ImportError:
        raise DistributedError(NEEDS_DASK) from None

    parts = (output.with_name(output.name + ".parts") if output is not None
             else Path(tempfile.mkdtemp(prefix="dualuse-parts-")))
    if output is not None:
        if parts.exists() and not (resume or force):
            raise DistributedError(f"{parts} holds an interrupted run: --resume to continue it, "
                                   "or --force to start again")
        if parts.exists() and force and not resume:
            shutil.rmtree(parts)
    parts.mkdir(parents=True, exist_ok=True)
    shards = list(make_shards(inputs, options))
    bundle = pack_bundle(model)
    owned = None
    if client is None:
        client, owned = connect(scheduler)
    try:
        shipped = client.scatter(bundle, broadcast=True)
        todo = [s for s in shards if not (parts / f"{s.index:06d}.jsonl").exists()]
        window = window or 4 * max(1, len(client.scheduler_info().get("workers", {})) or 1)
        pending = iter(todo)
        futures = as_completed()

        shard_of: dict = {}
        attempts: dict = {}
        run_id = os.urandom(4).hex()

        def submit_shard(shard):
            attempt = attempts.get(shard.index, 0)
            future = client.submit(tag_shard, shard, shipped, options, thresholds, batch_size,
                                   key=f"dualuse-shard-{run_id}-{shard.index}-{attempt}", retries=2, pure=False)
            shard_of[future.key] = shard
            futures.add(future)

        def submit(n):
            for shard in [s for _, s in zip(range(n), pending)]:
                submit_shard(shard)

        submit(window)
        next_out = 0
        for future in futures:
            shard = shard_of.pop(future.key)
            try:
                lines = future.result()
            except CancelledError as exc:
                attempts[shard.index] = attempts.get(shard.index, 0) + 1
                if attempts[shard.index] > RESUBMITS:
                    raise DistributedError(f"shard {shard.index} was cancelled {attempts[shard.index]} times "
                                           f"by the scheduler ({exc}); the finished shards are kept in {parts}"
                                           + (": --resume continues the run" if output is not None else "")
                                           ) from None
                # the bundle's files, scattered one future each: scattered again if any was lost
                if any(f.status != "finished" for f in shipped.values()):
                    shipped = client.scatter(bundle, broadcast=True)
                submit_shard(shard)
                continue
            index = shard.index
            tmp = parts / f".{index:06d}.tmp"
            tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            os.replace(tmp, parts / f"{index:06d}.jsonl")
            future.release()
            submit(1)
            while next_out < len(shards) and (parts / f"{next_out:06d}.jsonl").exists():
                yield from _read_part(parts / f"{next_out:06d}.jsonl")
                next_out += 1
        while next_out < len(shards):  # every shard was already done (a completed resume)
            yield from _read_part(parts / f"{next_out:06d}.jsonl")
            next_out += 1
        shutil.rmtree(parts, ignore_errors=True)
    finally:
        if owned is not None:
            client.close()
            owned.close()
