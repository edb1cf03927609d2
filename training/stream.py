"""Out-of-core training: corpora larger than memory, streamed in chunks.

The in-memory path (``prepare`` + ``fit``) keeps every document's rows and fits exact
logistic regressions with a searched C and cross-validated calibration. Here nothing grows
with the corpus except a few numbers per held-out document:

1. **extract**: the corpus is read one chunk of ``CHUNK_DOCS`` documents at a time, run
   through the spaCy pipeline (in ``jobs`` processes) and turned into rows of hashed feature
   columns (``HashedVocabulary``: no key list to fit), saved to disk with joblib. With a
   cache folder the chunk files are kept, keyed by their documents (text, label, weight), the
   term lists, the feature version and the spaCy version, so training again skips the spaCy
   pass. Document frequencies for the
   TF-IDF weights are counted on the way.
2. **learn** and 3. **calibrate**: ``learner``, in a process of its own.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from dualuse.corpora.labelled import LabelledDoc
from dualuse.model.components import CUES_KEY, TECH_KEY
from dualuse.model.vocabulary import HashedVocabulary, KeyRows

from .learner import CALIBRATE, EVALUATE, FIT, N_FEATURES, PARTS, Chunk, Extracted, doc_hash
from .prepare import FEATURES_VERSION, WORKER_CHUNK, RowWorkers

CHUNK_DOCS = 2000


def _chunk_key(docs: list[LabelledDoc], salt: bytes) -> str:
    digest = hashlib.sha256(salt)
    for d in docs:
        digest.update(f"{d.label}\0{float(d.weight).hex()}\0".encode("utf-8") + d.text.encode("utf-8") + b"\0\1")
    return digest.hexdigest()[:32]


def _salt(nlp) -> bytes:
    import spacy

    parts = [FEATURES_VERSION, str(N_FEATURES), str(int(HashedVocabulary._MULT)), spacy.__version__]
    for ruler, attr in ((TECH_KEY, "family"), (CUES_KEY, "label")):
        terms = nlp.get_pipe(ruler).terms
        parts += [terms.version, "\n".join(terms.to_lines(attr))]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).digest()


def extract(docs: Iterable[LabelledDoc], nlp, folder: Path, *, seed: int, held_out: float, jobs: int = 1,
            progress: Callable[[int], None] | None = None) -> Extracted:
    """Pass 1: chunk files in ``folder`` (reused when already there) and the counts of their fit rows."""
    import joblib

    vocab = HashedVocabulary(N_FEATURES)
    salt = _salt(nlp)
    stream = iter(docs)
    out = Extracted(files=[], documents=0)
    df = {p: np.zeros(N_FEATURES, dtype=np.int64) for p in PARTS}
    rows = dict.fromkeys(PARTS, 0)
    # Weighted count of fit rows holding each column, per model and class (naive-Bayes ratios).
    presence = {(p, mil): np.zeros(N_FEATURES) for p in PARTS for mil in (True, False)}
    by_class = {(part, mil): 0 for part in (FIT, CALIBRATE, EVALUATE) for mil in (True, False)}
    named = np.zeros(N_FEATURES, dtype=bool)

    def chunks() -> Iterator[tuple[list[LabelledDoc], Path]]:
        while True:
            batch = list(islice(stream, CHUNK_DOCS))
            if not batch:
                return
            yield batch, folder / f"chunk-{_chunk_key(batch, salt)}.joblib"

    def account(chunk: Chunk) -> None:
        part = chunk.parts(seed, held_out)
        fit_docs = part == FIT
        ctx_fit = np.flatnonzero(fit_docs[chunk.ctx_doc])
        ctx_part = part[chunk.ctx_doc]
        ctx_mil = chunk.military[chunk.ctx_doc]
        fit_rows = {"document": (chunk.doc, np.flatnonzero(fit_docs)), "context": (chunk.ctx, ctx_fit)}
        for p, (matrix, keep) in fit_rows.items():
            present = matrix[keep]
            docs = keep if p == "document" else chunk.ctx_doc[keep]
            counts = np.bincount(present.indices, minlength=N_FEATURES)
            df[p] += counts
            rows[p] += present.shape[0]
            military, weights = chunk.military[docs], chunk.weights[docs]
            if np.all(weights == 1.0):  # the usual case: counts, the civilian ones by difference
                on = np.bincount(matrix[keep[military]].indices, minlength=N_FEATURES)
                presence[p, True] += on
                presence[p, False] += counts - on
            else:
                row_weight = np.repeat(weights, np.diff(present.indptr))
                on = np.repeat(military, np.diff(present.indptr))
                presence[p, True] += np.bincount(present.indices[on], weights=row_weight[on], minlength=N_FEATURES)
                presence[p, False] += np.bincount(present.indices[~on], weights=row_weight[~on], minlength=N_FEATURES)
        for which in (FIT, CALIBRATE, EVALUATE):
            by_class[which, True] += int((ctx_mil & (ctx_part == which)).sum())
            by_class[which, False] += int((~ctx_mil & (ctx_part == which)).sum())

    def finish(batch: list[LabelledDoc], path: Path, futures: list | None) -> None:
        if futures is None:  # extracted by an earlier run
            chunk = joblib.load(path)
        else:
            chunk = _chunk_from(batch, [f.result() for f in futures], vocab)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")  # runs sharing a cache never share a file
            joblib.dump(chunk, tmp)
            tmp.replace(path)
        new = ~named[chunk.name_cols]
        named[chunk.name_cols[new]] = True
        out.name_parts.append((chunk.name_cols[new], chunk.name_keys[new], chunk.name_texts[new]))
        account(chunk)
        out.files.append(path)
        out.documents += len(batch)
        if progress is not None:
            progress(out.documents)

    # Chunks already in the folder are read back; the others go to the workers in pieces, and
    # this process reads the next chunk while they work. Two chunks are in flight at most.
    window: deque = deque()
    with RowWorkers(nlp, jobs) as workers:
        for batch, path in chunks():
            futures = None if path.exists() else [
                workers.submit([d.text for d in batch[i:i + WORKER_CHUNK]]) for i in range(0, len(batch), WORKER_CHUNK)]
            window.append((batch, path, futures))
            while len(window) > 1:
                finish(*window.popleft())
        while window:
            finish(*window.popleft())
    out.df, out.rows, out.context_rows_by_class, out.presence = df, rows, by_class, presence
    return out


def _chunk_from(batch: list[LabelledDoc], pieces: list, vocab: HashedVocabulary) -> Chunk:
    doc_rows = KeyRows.concat([p.doc_rows for p in pieces])
    ctx_rows = KeyRows.concat([p.ctx_rows for p in pieces])
    offsets = np.cumsum([0] + [len(p.families) for p in pieces[:-1]])
    ctx_doc = np.concatenate([p.ctx_doc + o for p, o in zip(pieces, offsets)]) if pieces else np.zeros(0, np.int64)
    named = [(k, t) for p in pieces for k, t in p.names.items() if t]
    keys = np.array([k for k, _ in named], dtype=np.uint64)
    texts = np.array([t for _, t in named], dtype=str)
    cols, first = np.unique(vocab.columns(keys), return_index=True)
    return Chunk(doc=vocab.transform(doc_rows), ctx=vocab.transform(ctx_rows), ctx_doc=ctx_doc,
                 military=np.array([d.label == "military" for d in batch]),
                 weights=np.array([d.weight for d in batch], dtype=np.float64),
                 doc_hash=np.array([doc_hash(d.text) for d in batch], dtype=np.uint64),
                 families=np.array(["|".join(sorted(f)) for p in pieces for f in p.families], dtype=str),
                 name_cols=cols, name_keys=keys[first], name_texts=texts[first])
