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
2. **learn**: a few epochs of ``SGDClassifier.partial_fit`` (logistic loss) over the chunk
   files in a new random order each epoch, several chunks shuffled together at a time, one
   learner per regularisation strength in ``ALPHAS``. The number of epochs comes from the
   size of the fit part (``epochs_for``): a small corpus gets more passes.
3. **calibrate**: every document falls by a hash of its text into the fit part, a
   calibration part or an evaluation part (``held_out`` of the corpus, split in two). The
   regularisation with the best calibration-part log loss is kept and a logistic regression
   on its decision values (Platt scaling) calibrates it. The evaluation part picks the flag
   thresholds and gives the reported metrics, as the held-out split does in memory.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import tempfile
import threading
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from scipy.sparse import csr_matrix, vstack

from dualuse.corpora.labelled import CorpusError, LabelledDoc, text_key
from dualuse.model.components import CUES_KEY, TECH_KEY
from dualuse.model.features import HashedVocabulary, KeyRows

from .prepare import FEATURES_VERSION, WORKER_CHUNK, RowWorkers

N_FEATURES = 1 << 19
CHUNK_DOCS = 2000
ALPHAS = (1e-6, 4e-6, 1.6e-5)
MIN_EPOCHS, MAX_EPOCHS = 2, 3
MIN_SEEN = 16_000  # fit documents a learner sees in all, at least (within the epochs above)
AVERAGE = True
BUFFER_CHUNKS = 4
LARGE_CORPUS = 200_000  # documents: `dualuse train` goes out of core by itself from here
MAX_NAMED = 50_000      # word columns whose text the bundle keeps, to explain scores
PARTS = ("document", "context")
FIT, CALIBRATE, EVALUATE = 0, 1, 2


@dataclass
class Chunk:
    """One extraction chunk on disk: hashed count rows and what training needs of each document."""

    doc: csr_matrix
    ctx: csr_matrix
    ctx_doc: np.ndarray
    military: np.ndarray   # bool per document
    weights: np.ndarray
    doc_hash: np.ndarray   # uint64 per document, from its text: decides its part
    families: np.ndarray   # str per document: its technology families joined by "|"
    name_cols: np.ndarray  # columns that some word falls in ...
    name_keys: np.ndarray  # ... that word's key ...
    name_texts: np.ndarray  # ... and its text (plain arrays: the file loads fast)

    def parts(self, seed: int, held_out: float) -> np.ndarray:
        """FIT / CALIBRATE / EVALUATE for each document."""
        with np.errstate(over="ignore"):
            mixed = (self.doc_hash + np.uint64(seed) * _GOLDEN) * _MIX
        u = (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)
        return np.where(u < held_out / 2, CALIBRATE, np.where(u < held_out, EVALUATE, FIT)).astype(np.int8)


_GOLDEN, _MIX = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9)


def doc_hash(text: str, key: str | None = None) -> int:
    """A document's hash, from its ``text_key`` (pass ``key`` when it is known already)."""
    return int((key or text_key(text))[:16], 16)


def part_of(hash_: int, seed: int, held_out: float) -> int:
    """``Chunk.parts`` for one document: known before the pipeline runs, so that training can
    check every part has both labels before any long work."""
    mixed = ((hash_ + seed * int(_GOLDEN)) * int(_MIX)) & 0xFFFFFFFFFFFFFFFF
    u = (mixed >> 11) / float(1 << 53)
    return CALIBRATE if u < held_out / 2 else EVALUATE if u < held_out else FIT


@dataclass
class Extracted:
    files: list[Path]
    documents: int
    df: dict = field(default_factory=dict)     # part -> document frequency per column (fit rows)
    rows: dict = field(default_factory=dict)   # part -> fit rows counted
    context_rows_by_class: dict = field(default_factory=dict)  # (part, military) -> context rows
    names: dict = field(default_factory=dict)  # column -> (word key, word text), the first seen


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


def import_in_background(modules) -> threading.Thread:
    """Import ``modules`` in a thread (started here) and return it, to be joined before use."""
    def run():
        for name in modules:
            try:
                importlib.import_module(name)
            except ImportError:  # raised again, with its message, where the module is used
                pass

    thread = threading.Thread(target=run, daemon=True, name="dualuse-import-ahead")
    thread.start()
    return thread


def extract(docs: Iterable[LabelledDoc], nlp, folder: Path, *, seed: int, held_out: float, jobs: int = 1,
            progress: Callable[[int], None] | None = None,
            on_workers_started: Callable[[], None] | None = None) -> Extracted:
    """Pass 1: chunk files in ``folder`` (reused when already there) and the counts of their fit rows.

    ``on_workers_started`` is called once the worker processes exist, after the first chunk is
    handed out (with one job, after that chunk has gone through the pipeline here): this process
    then mostly waits, and threads started from then on cannot be copied into a forked worker."""
    import joblib

    vocab = HashedVocabulary(N_FEATURES)
    salt = _salt(nlp)
    stream = iter(docs)
    out = Extracted(files=[], documents=0)
    df = {p: np.zeros(N_FEATURES, dtype=np.int64) for p in PARTS}
    rows = dict.fromkeys(PARTS, 0)
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
        doc_present = chunk.doc[np.flatnonzero(fit_docs)]
        df["document"] += np.bincount(doc_present.indices, minlength=N_FEATURES)
        rows["document"] += doc_present.shape[0]
        ctx_fit = np.flatnonzero(fit_docs[chunk.ctx_doc])
        ctx_present = chunk.ctx[ctx_fit]
        df["context"] += np.bincount(ctx_present.indices, minlength=N_FEATURES)
        rows["context"] += ctx_present.shape[0]
        ctx_part = part[chunk.ctx_doc]
        ctx_mil = chunk.military[chunk.ctx_doc]
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
        out.names.update(zip(chunk.name_cols[new].tolist(),
                             zip(chunk.name_keys[new].tolist(), chunk.name_texts[new].tolist())))
        account(chunk)
        out.files.append(path)
        out.documents += len(batch)
        if progress is not None:
            progress(out.documents)

    # Chunks already in the folder are read back; the others go to the workers in pieces, and
    # this process reads the next chunk while they work. Two chunks are in flight at most.
    window: deque = deque()
    started = on_workers_started is None
    with RowWorkers(nlp, jobs) as workers:
        for batch, path in chunks():
            futures = None if path.exists() else [
                workers.submit([d.text for d in batch[i:i + WORKER_CHUNK]]) for i in range(0, len(batch), WORKER_CHUNK)]
            if not started and (futures or workers.jobs <= 1):
                started = True
                on_workers_started()
            window.append((batch, path, futures))
            while len(window) > 1:
                finish(*window.popleft())
        while window:
            finish(*window.popleft())
    out.df, out.rows, out.context_rows_by_class = df, rows, by_class
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


# ---------------------------------------------------------------- learning


def _idf(df: np.ndarray, n: int) -> np.ndarray:
    """TfidfTransformer's smooth idf."""
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


def _tfidf(idf: np.ndarray):
    from sklearn.feature_extraction.text import TfidfTransformer

    tfidf = TfidfTransformer(sublinear_tf=True)
    tfidf.idf_ = idf
    tfidf.n_features_in_ = len(idf)
    return tfidf


def _rows(chunk: Chunk, part_name: str, parts: np.ndarray, which: int, with_docs: bool):
    """(count rows, military, weights) of one part of a chunk for one model."""
    keep_docs = np.flatnonzero(parts == which)
    if part_name == "document":
        return chunk.doc[keep_docs], chunk.military[keep_docs], chunk.weights[keep_docs]
    keep = np.flatnonzero(parts[chunk.ctx_doc] == which)
    X, y, w = chunk.ctx[keep], chunk.military[chunk.ctx_doc[keep]], chunk.weights[chunk.ctx_doc[keep]]
    if with_docs:
        X = vstack([X, chunk.doc[keep_docs]], format="csr")
        y = np.concatenate([y, chunk.military[keep_docs]])
        w = np.concatenate([w, chunk.weights[keep_docs]])
    return X, y, w


def learn(extracted: Extracted, *, seed: int, held_out: float, epochs: int | None = None, min_context_rows: int = 10,
          progress: Callable[[int, int], None] | None = None) -> tuple[dict, dict]:
    """Pass 2 and 3: the calibrated models ({"document": part, "context": part}, as ``fit_models``
    returns) and, per model, the evaluation part's labels, probabilities and families."""
    import joblib
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.metrics import log_loss
    from sklearn.pipeline import Pipeline

    from .fit import check_export

    rng = np.random.default_rng(seed)
    # Too few mention contexts of a class to fit on, or none of a class to calibrate on: whole
    # documents serve as contexts too (as in memory).
    counts = extracted.context_rows_by_class
    with_docs = (min(counts[FIT, True], counts[FIT, False]) < min_context_rows
                 or min(counts[CALIBRATE, True], counts[CALIBRATE, False]) == 0)
    idf = {"document": _idf(extracted.df["document"], extracted.rows["document"])}
    ctx_df, ctx_n = extracted.df["context"], extracted.rows["context"]
    if with_docs:
        ctx_df, ctx_n = ctx_df + extracted.df["document"], ctx_n + extracted.rows["document"]
    idf["context"] = _idf(ctx_df, ctx_n)
    tfidf = {p: _tfidf(idf[p]) for p in PARTS}
    learners = {p: [SGDClassifier(loss="log_loss", alpha=a, random_state=seed, average=AVERAGE) for a in ALPHAS]
                for p in PARTS}
    classes = np.array(["civilian", "military"], dtype=object)
    steps = 0
    n_epochs = epochs_for(extracted.rows["document"]) if epochs is None else epochs
    total_steps = n_epochs * -(-len(extracted.files) // BUFFER_CHUNKS)
    for epoch in range(n_epochs):
        order = rng.permutation(len(extracted.files))
        for start in range(0, len(order), BUFFER_CHUNKS):
            loaded = [joblib.load(extracted.files[i]) for i in order[start:start + BUFFER_CHUNKS]]
            for p in PARTS:
                pieces = [_rows(c, p, c.parts(seed, held_out), FIT, with_docs) for c in loaded]
                X = tfidf[p].transform(vstack([x for x, _, _ in pieces], format="csr"))
                y = np.concatenate([y for _, y, _ in pieces])
                w = np.concatenate([w for _, _, w in pieces])
                if not len(y):
                    continue
                shuffle = rng.permutation(len(y))
                X, y, w = X[shuffle], classes[y[shuffle].astype(np.int64)], w[shuffle]
                for learner in learners[p]:
                    learner.partial_fit(X, y, classes=classes, sample_weight=w)
            steps += 1
            if progress is not None:
                progress(steps, total_steps)

    # Decision values of the calibration and evaluation parts, a few numbers per document.
    held = {p: {CALIBRATE: ([], [], [], []), EVALUATE: ([], [], [], [])} for p in PARTS}
    check_rows = {}
    for path in extracted.files:
        chunk = joblib.load(path)
        parts = chunk.parts(seed, held_out)
        for p in PARTS:
            for which in (CALIBRATE, EVALUATE):
                # Mention metrics come from mention contexts only, never from the documents
                # that stand in for them.
                X, y, w = _rows(chunk, p, parts, which, with_docs and which == CALIBRATE)
                if not len(y):
                    continue
                Xw = tfidf[p].transform(X)
                decisions, labels, families, weights = held[p][which]
                decisions.append(np.stack([lrn.decision_function(Xw) for lrn in learners[p]], axis=1))
                labels.append(y)
                weights.append(w)
                if p == "document":
                    families.extend(frozenset(f.split("|")) - {""} for f in chunk.families[parts == which].tolist())
                if which == EVALUATE and p not in check_rows:
                    check_rows[p] = X[:200]

    models, evaluation = {}, {}
    for p in PARTS:
        decisions = {w: np.concatenate(held[p][w][0]) if held[p][w][0] else np.zeros((0, len(ALPHAS)))
                     for w in (CALIBRATE, EVALUATE)}
        labels = {w: np.concatenate(held[p][w][1]) if held[p][w][1] else np.zeros(0, bool)
                  for w in (CALIBRATE, EVALUATE)}
        if len(set(labels[CALIBRATE].tolist())) < 2:
            raise CorpusError(f"the calibration part of the {p} rows holds a single class; "
                             "give more documents or a larger held-out share")
        names = np.where(labels[CALIBRATE], "military", "civilian")
        cal_weights = np.concatenate(held[p][CALIBRATE][3])
        best, best_loss, best_cal = 0, np.inf, None
        for i in range(len(ALPHAS)):
            cal = LogisticRegression(C=1e4).fit(decisions[CALIBRATE][:, [i]], names, sample_weight=cal_weights)
            loss = log_loss(labels[CALIBRATE], cal.predict_proba(decisions[CALIBRATE][:, [i]])[:, 1],
                            sample_weight=cal_weights, labels=[False, True])
            if loss < best_loss:
                best, best_loss, best_cal = i, loss, cal
        sgd = _finished(learners[p][best])
        part = {"vocabulary": _named_vocabulary(extracted.names, sgd.coef_[0]).to_state(),
                "pipeline": Pipeline([("tfidf", tfidf[p]), ("classify", sgd)]),
                "calibrator": best_cal, "C": None, "alpha": ALPHAS[best]}
        if p in check_rows:
            check_export(part, check_rows[p])
        models[p] = part
        probs = best_cal.predict_proba(decisions[EVALUATE][:, [best]])[:, 1] if len(labels[EVALUATE]) else np.zeros(0)
        evaluation[p] = {"military": labels[EVALUATE], "probs": probs,
                         "families": held[p][EVALUATE][2], "calibration_rows": len(labels[CALIBRATE])}
    return models, evaluation


def epochs_for(fit_docs: int) -> int:
    """Passes over the fit part: enough for a learner to see ``MIN_SEEN`` documents, between
    ``MIN_EPOCHS`` and ``MAX_EPOCHS``. On the SBIR year split (5,800 fit documents) two passes
    scored as three (2012-2013 AUC 0.9859 either way) at two thirds of the learning time; on
    the team corpus (1,700) the third pass gained a little (held-out F1 0.987 -> 0.992). So
    three passes below 8,000 fit documents, two from there on (all of SBIR: 8,200)."""
    return max(MIN_EPOCHS, min(MAX_EPOCHS, -(-MIN_SEEN // max(fit_docs, 1))))


def _finished(sgd):
    """The learner without the state that only serves further ``partial_fit`` calls: the
    running weights behind the averaged ones (two more arrays of ``N_FEATURES``) and the loss
    object, which is not a type bundles trust."""
    for name in ("_standard_coef", "_standard_intercept", "_average_coef", "_average_intercept",
                 "_loss_function_"):
        if hasattr(sgd, name):
            delattr(sgd, name)
    return sgd


def _named_vocabulary(names: dict, coef: np.ndarray) -> HashedVocabulary:
    """The hashed vocabulary, with the text of the ``MAX_NAMED`` word columns that weigh most
    (words of letters only: the others never explain a score)."""
    cols = np.array([c for c, (_, text) in names.items() if text.isalpha()], dtype=np.int64)
    if len(cols) > MAX_NAMED:
        cols = cols[np.argsort(-np.abs(coef[cols]), kind="stable")[:MAX_NAMED]]
    cols = np.sort(cols)
    return HashedVocabulary(N_FEATURES, cols, np.array([names[c][1] for c in cols.tolist()], dtype=object),
                            np.array([names[c][0] for c in cols.tolist()], dtype=np.uint64))


class WorkFolder:
    """Where chunk files go: the cache folder (kept), or a temporary folder removed afterwards."""

    def __init__(self, cache: str | Path | None) -> None:
        self.keep = cache is not None
        self.path = Path(cache) / "chunks" if self.keep else Path(tempfile.mkdtemp(prefix="dualuse-train-"))
        self.path.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc) -> None:
        if not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)
