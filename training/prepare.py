"""Stage 1, prepare: labelled documents -> the spaCy pipeline -> classifier rows (feature keys)."""

from __future__ import annotations

from dataclasses import dataclass, field

import hashlib
import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from dualuse.corpora.labelled import LabelledDoc
from dualuse.model.components import TECH_KEY
from dualuse.model.features import DocArrays, KeyRows, build_rows, word_names
from dualuse.model.zones import pipe_in_zones

_ROW_BATCH = 256


@dataclass
class Prepared:
    ids: list[str]
    labels: np.ndarray          # "military" / "civilian" per document
    doc_rows: KeyRows
    families: list[frozenset]   # technology families mentioned, per document
    ctx_rows: KeyRows
    ctx_doc: np.ndarray         # document of each context row
    names: dict = field(default_factory=dict)  # word key -> text, to explain scores
    weights: np.ndarray | None = None          # training weight of each document

    def subset(self, index: np.ndarray) -> "Prepared":
        index = np.asarray(index, dtype=np.int64)
        remap = np.full(len(self.ids), -1, dtype=np.int64)
        remap[index] = np.arange(len(index))
        ctx_keep = np.flatnonzero(remap[self.ctx_doc] >= 0) if len(self.ctx_doc) else np.zeros(0, np.int64)
        return Prepared(
            ids=[self.ids[i] for i in index], labels=self.labels[index],
            doc_rows=self.doc_rows.take(index), families=[self.families[i] for i in index],
            ctx_rows=self.ctx_rows.take(ctx_keep), ctx_doc=remap[self.ctx_doc[ctx_keep]], names=self.names,
            weights=None if self.weights is None else self.weights[index],
        )

    @property
    def ctx_labels(self) -> np.ndarray:
        return self.labels[self.ctx_doc] if len(self.ctx_doc) else np.array([], dtype=object)


FEATURES_VERSION = "keys-4"  # change when rows are built differently: cached rows are then not reused


def prepare_cached(docs: list[LabelledDoc], nlp, cache: str | Path | None, **kwargs) -> Prepared:
    """``prepare``, with its result kept in ``cache`` (a folder of joblib files of our own
    making) under a key of the corpus, the weights, the term lists and the feature version, so
    that training again on the same corpus skips the spaCy pass."""
    if cache is None:
        return prepare(docs, nlp, **kwargs)
    import joblib

    from dualuse.corpora.labelled import corpus_sha256
    from dualuse.model.components import CUES_KEY, TECH_KEY as TECH

    digest = hashlib.sha256()
    for part in (corpus_sha256(docs), FEATURES_VERSION, nlp.get_pipe(TECH).terms.version,
                 nlp.get_pipe(CUES_KEY).terms.version, ",".join(float(d.weight).hex() for d in docs)):
        digest.update(part.encode("utf-8") + b"\0")
    for ruler in (TECH, CUES_KEY):
        digest.update("\n".join(nlp.get_pipe(ruler).terms.to_lines("family" if ruler == TECH else "label"))
                      .encode("utf-8"))
    path = Path(cache) / f"prepared-{digest.hexdigest()[:24]}.joblib"
    if path.exists():
        return joblib.load(path)
    prepared = prepare(docs, nlp, **kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(prepared, tmp)
    tmp.replace(path)
    return prepared


@dataclass
class ChunkRows:
    """Classifier rows of a list of texts, plain arrays (what a worker process sends back)."""

    doc_rows: KeyRows
    ctx_rows: KeyRows
    ctx_doc: np.ndarray
    families: list[frozenset]
    names: dict


def rows_of(texts: list[str], nlp, *, batch_size: int = 64) -> ChunkRows:
    """Run the spaCy pipeline over ``texts`` and build their document and context rows."""
    arrays, families = [], []
    names: dict[int, str] = {}
    named = 0  # arrays whose words are in ``names``

    def consume(doc, i):
        arrays.append(DocArrays.of(doc))
        families.append(frozenset(s.label_ for s in doc.spans.get(TECH_KEY, [])))

    def zone_end():
        nonlocal named
        if len(arrays) > named:
            word_names(np.concatenate([a.tokens[:, 0] for a in arrays[named:]]), nlp.vocab.strings, names)
            named = len(arrays)

    for _ in pipe_in_zones(nlp, ((t, i) for i, t in enumerate(texts)), batch_size=batch_size, consume=consume,
                           zone_end=zone_end):
        pass
    doc_parts, ctx_parts, ctx_doc = [], [], []
    for start in range(0, len(arrays), _ROW_BATCH):
        rows = build_rows(arrays[start:start + _ROW_BATCH])
        doc_parts.append(rows.documents)
        ctx_parts.append(rows.contexts)
        ctx_doc.append(rows.context_doc + start)
    return ChunkRows(KeyRows.concat(doc_parts), KeyRows.concat(ctx_parts),
                     np.concatenate(ctx_doc) if ctx_doc else np.zeros(0, np.int64), families, names)


_POOL_NLP = None  # the pipeline worker processes inherit (fork) from the parent


def _rows_in_worker(texts: list[str]) -> ChunkRows:
    return rows_of(texts, _POOL_NLP)


class RowWorkers:
    """``rows_of`` in ``jobs`` processes: ``submit(texts)`` returns a future. Workers are
    forked from this process, so they share its pipeline without loading or pickling it; with
    one job, or where fork is not available, the work is done here at submission."""

    def __init__(self, nlp, jobs: int = 1) -> None:
        self.nlp = nlp
        self.jobs = jobs if "fork" in multiprocessing.get_all_start_methods() else 1
        self._pool = None

    def submit(self, texts: list[str]) -> Future:
        if self.jobs <= 1:
            done: Future = Future()
            done.set_result(rows_of(texts, self.nlp))
            return done
        if self._pool is None:
            global _POOL_NLP
            _POOL_NLP = self.nlp
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("fork"))
        return self._pool.submit(_rows_in_worker, texts)

    def close(self) -> None:
        global _POOL_NLP
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            _POOL_NLP = None

    def __enter__(self) -> "RowWorkers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def map_rows(chunks: Iterable[list[str]], nlp, *, jobs: int = 1) -> Iterator[ChunkRows]:
    """``rows_of`` for each chunk of texts, in order, in ``jobs`` processes (``RowWorkers``)."""
    window: deque = deque()
    with RowWorkers(nlp, jobs) as workers:
        for texts in chunks:
            window.append(workers.submit(texts))
            if len(window) > 2 * jobs:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


WORKER_CHUNK = 500  # documents a worker process handles at a time


def prepare(docs: list[LabelledDoc], nlp, *, jobs: int = 1, progress=None) -> Prepared:
    """Rows for every document, the spaCy pass in ``jobs`` processes. ``progress`` is called
    with the number of documents done."""
    chunks = (docs[i:i + WORKER_CHUNK] for i in range(0, len(docs), WORKER_CHUNK))
    doc_parts, ctx_parts, ctx_doc, families = [], [], [], []
    names: dict[int, str] = {}
    done = 0
    for part in map_rows(([d.text for d in chunk] for chunk in chunks), nlp, jobs=jobs):
        doc_parts.append(part.doc_rows)
        ctx_parts.append(part.ctx_rows)
        ctx_doc.append(part.ctx_doc + done)
        families.extend(part.families)
        names.update(part.names)
        done += len(part.families)
        if progress is not None:
            progress(done)
    return Prepared(ids=[d.id for d in docs], labels=np.array([d.label for d in docs], dtype=object),
                    doc_rows=KeyRows.concat(doc_parts), families=families,
                    ctx_rows=KeyRows.concat(ctx_parts),
                    ctx_doc=np.concatenate(ctx_doc) if ctx_doc else np.zeros(0, np.int64), names=names,
                    weights=np.array([d.weight for d in docs], dtype=float))
