"""The out-of-core learner (passes 2 and 3 of ``stream``), in a process of its own.

2. **learn**: a few epochs of ``SGDClassifier.partial_fit`` (logistic loss) over the chunk
   files in a new random order each epoch, several chunks shuffled together at a time, one
   learner per regularisation strength in ``ALPHAS``. The number of epochs comes from the
   size of the fit part (``epochs_for``): a small corpus gets more passes.
3. **calibrate**: every document falls by a hash of its text into the fit part, a
   calibration part or an evaluation part (``held_out`` of the corpus, split in two). The
   regularisation with the best calibration-part log loss is kept and a logistic regression
   on its decision values (Platt scaling) calibrates it. The evaluation part picks the flag
   thresholds and gives the reported metrics, as the held-out split does in memory.

``LearnerProcess`` runs this in a separate, freshly started interpreter. It is started before
the training process imports spaCy, and imports scikit-learn and skops (one to two seconds)
while that process reads the corpus and runs the spaCy pass; at the end it sends back the
thresholds, the report and the models already ``Exported`` (scorers and skops bytes), so the
process that writes the bundle never imports scikit-learn or skops. Nothing in this module
imports spaCy: keep it so, or the learner's start-up grows by spaCy's.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from scipy.sparse import csr_matrix, vstack

from dualuse.corpora.labelled import CorpusError, text_key
from dualuse.model.linear import Exported, check_export
from dualuse.model.vocabulary import HashedVocabulary

from .evaluate import binary_metrics, choose_thresholds, evaluate_predictions
from .scaling import ratios_from_presence, scaled_columns

N_FEATURES = 1 << 19
ALPHAS = (1e-6, 4e-6, 1.6e-5)
MIN_EPOCHS, MAX_EPOCHS = 2, 3
MIN_SEEN = 16_000  # fit documents a learner sees in all, at least (within the epochs above)
AVERAGE = True
BUFFER_CHUNKS = 4
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
    presence: dict = field(default_factory=dict)  # (model, military) -> weighted fit rows holding each column
    # Word names, one array per chunk: the columns first named there, their words' keys and texts.
    name_parts: list = field(default_factory=list)

    def names(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(columns, word keys, word texts) of every named column, in the order first seen."""
        if not self.name_parts:
            return np.zeros(0, np.int64), np.zeros(0, np.uint64), np.zeros(0, str)
        return tuple(np.concatenate(arrays) for arrays in zip(*self.name_parts))


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
    returns) and, per model, the evaluation part's labels, probabilities and families.

    The two models learn at the same time where this process can fork (``fork_safe``): the
    context model in a forked copy of this process, the document model here (two threads were
    slower than one after the other)."""
    from dualuse.model.parallel import fork_safe

    # Too few mention contexts of a class to fit on, or none of a class to calibrate on: whole
    # documents serve as contexts too (as in memory).
    counts = extracted.context_rows_by_class
    with_docs = (min(counts[FIT, True], counts[FIT, False]) < min_context_rows
                 or min(counts[CALIBRATE, True], counts[CALIBRATE, False]) == 0)
    common = dict(seed=seed, held_out=held_out, with_docs=with_docs,
                  epochs=epochs_for(extracted.rows["document"]) if epochs is None else epochs)
    context = Forked(_learn_part, extracted, "context", **common) if fork_safe() else None
    try:
        results = {"document": _learn_part(extracted, "document", progress=progress, **common)}
        results["context"] = context.result() if context is not None else _learn_part(extracted, "context", **common)
    finally:
        if context is not None:
            context.kill()  # ended already, unless the document model failed: then it is not waited for
    return {p: results[p][0] for p in PARTS}, {p: results[p][1] for p in PARTS}


class LearnerError(RuntimeError):
    """The learner's process (or its forked copy) ended without an answer: killed, out of memory."""


class RemoteTraceback(Exception):
    """The traceback of an error raised in another process (the ``__cause__`` of the error)."""

    def __str__(self) -> str:
        return self.args[0]


def _reraise(exc: BaseException, trace: str):
    exc.__cause__ = RemoteTraceback(trace)
    raise exc


_REPLY_FD: int | None = None  # the learner process's reply pipe to the training process (``serve``)


class Forked:
    """``fn(*args, **kwargs)`` in a forked copy of this process (Linux, ``fork_safe``): its
    result with ``result()``, its error raised there with its traceback. The copy closes its
    inherited end of the learner's reply pipe, so that the training process sees the learner
    end if it dies, and it is killed if the learner dies."""

    def __init__(self, fn, *args, **kwargs) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_run_forked, args=(child, fn, args, kwargs), daemon=True,
                                 name="dualuse-learner-copy")
        self._proc.start()
        child.close()

    def result(self):
        try:
            ok, value, trace = self._conn.recv()
        except EOFError:
            self._proc.join()
            raise LearnerError(f"the learner's forked copy ended unexpectedly (exit code {self._proc.exitcode})") \
                from None
        self._proc.join()
        if not ok:
            _reraise(value, trace)
        return value

    def kill(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._conn.close()


def _run_forked(conn, fn, args, kwargs) -> None:
    import os
    import traceback

    if _REPLY_FD is not None:
        os.close(_REPLY_FD)
    try:  # die with the learner (Linux: PR_SET_PDEATHSIG)
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))
    except (OSError, AttributeError):
        pass
    try:
        message = (True, fn(*args, **kwargs), None)
    except Exception as exc:
        message = (False, exc, traceback.format_exc())
    conn.send(message)
    conn.close()


def _learn_part(extracted: Extracted, p: str, *, seed: int, held_out: float, with_docs: bool, epochs: int,
                progress: Callable[[int, int], None] | None = None) -> tuple[dict, dict]:
    """One model (``p``: "document" or "context"): its calibrated part and its evaluation."""
    import joblib
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.metrics import log_loss
    from sklearn.pipeline import Pipeline

    rng = np.random.default_rng((seed, PARTS.index(p)))
    present = {mil: extracted.presence[p, mil] for mil in (True, False)}
    if p == "document":
        tfidf = _tfidf(_idf(extracted.df["document"], extracted.rows["document"]))
    else:
        ctx_df, ctx_n = extracted.df["context"], extracted.rows["context"]
        if with_docs:
            ctx_df, ctx_n = ctx_df + extracted.df["document"], ctx_n + extracted.rows["document"]
            present = {mil: present[mil] + extracted.presence["document", mil] for mil in (True, False)}
        tfidf = _tfidf(_idf(ctx_df, ctx_n))
    # TF-IDF columns scaled by the naive-Bayes ratios while learning; folded into the weights at the end.
    ratios = ratios_from_presence(present[True], present[False])
    learners = [SGDClassifier(loss="log_loss", alpha=a, random_state=seed, average=AVERAGE) for a in ALPHAS]
    classes = np.array(["civilian", "military"], dtype=object)
    steps = 0
    total_steps = epochs * -(-len(extracted.files) // BUFFER_CHUNKS)
    for epoch in range(epochs):
        order = rng.permutation(len(extracted.files))
        for start in range(0, len(order), BUFFER_CHUNKS):
            loaded = [joblib.load(extracted.files[i]) for i in order[start:start + BUFFER_CHUNKS]]
            pieces = [_rows(c, p, c.parts(seed, held_out), FIT, with_docs) for c in loaded]
            X = scaled_columns(tfidf.transform(vstack([x for x, _, _ in pieces], format="csr")), ratios)
            y = np.concatenate([y for _, y, _ in pieces])
            w = np.concatenate([w for _, _, w in pieces])
            if len(y):
                shuffle = rng.permutation(len(y))
                X, y, w = X[shuffle], classes[y[shuffle].astype(np.int64)], w[shuffle]
                for learner in learners:
                    learner.partial_fit(X, y, classes=classes, sample_weight=w)
            steps += 1
            if progress is not None:
                progress(steps, total_steps)

    # Decision values of the calibration and evaluation parts, a few numbers per document.
    held = {CALIBRATE: ([], [], [], []), EVALUATE: ([], [], [], [])}
    check_rows = None
    for path in extracted.files:
        chunk = joblib.load(path)
        parts = chunk.parts(seed, held_out)
        for which in (CALIBRATE, EVALUATE):
            # Mention metrics come from mention contexts only, never from the documents that
            # stand in for them.
            X, y, w = _rows(chunk, p, parts, which, with_docs and which == CALIBRATE)
            if not len(y):
                continue
            Xw = scaled_columns(tfidf.transform(X), ratios)
            decisions, labels, families, weights = held[which]
            decisions.append(np.stack([lrn.decision_function(Xw) for lrn in learners], axis=1))
            labels.append(y)
            weights.append(w)
            if p == "document":
                families.extend(frozenset(f.split("|")) - {""} for f in chunk.families[parts == which].tolist())
            if which == EVALUATE and check_rows is None:
                check_rows = X[:200]

    decisions = {w: np.concatenate(held[w][0]) if held[w][0] else np.zeros((0, len(ALPHAS)))
                 for w in (CALIBRATE, EVALUATE)}
    labels = {w: np.concatenate(held[w][1]) if held[w][1] else np.zeros(0, bool) for w in (CALIBRATE, EVALUATE)}
    if len(set(labels[CALIBRATE].tolist())) < 2:
        raise CorpusError(f"the calibration part of the {p} rows holds a single class; "
                         "give more documents or a larger held-out share")
    names = np.where(labels[CALIBRATE], "military", "civilian")
    cal_weights = np.concatenate(held[CALIBRATE][3])
    best, best_loss, best_cal = 0, np.inf, None
    for i in range(len(ALPHAS)):
        cal = LogisticRegression(C=1e4).fit(decisions[CALIBRATE][:, [i]], names, sample_weight=cal_weights)
        loss = log_loss(labels[CALIBRATE], cal.predict_proba(decisions[CALIBRATE][:, [i]])[:, 1],
                        sample_weight=cal_weights, labels=[False, True])
        if loss < best_loss:
            best, best_loss, best_cal = i, loss, cal
    sgd = _finished(learners[best])
    sgd.coef_ = sgd.coef_ * ratios  # the model now reads unscaled TF-IDF columns
    part = {"vocabulary": _named_vocabulary(extracted, sgd.coef_[0]).to_state(),
            "pipeline": Pipeline([("tfidf", tfidf), ("classify", sgd)]),
            "calibrator": best_cal, "C": None, "alpha": ALPHAS[best]}
    if check_rows is not None:
        check_export(part, check_rows)
    probs = best_cal.predict_proba(decisions[EVALUATE][:, [best]])[:, 1] if len(labels[EVALUATE]) else np.zeros(0)
    return part, {"military": labels[EVALUATE], "probs": probs, "families": held[EVALUATE][2],
                  "calibration_rows": len(labels[CALIBRATE])}


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


def _named_vocabulary(extracted: Extracted, coef: np.ndarray) -> HashedVocabulary:
    """The hashed vocabulary, with the text of the ``MAX_NAMED`` word columns that weigh most
    (words of letters only: the others never explain a score)."""
    cols, keys, texts = extracted.names()
    keep = np.flatnonzero(np.char.isalpha(texts)) if len(texts) else np.zeros(0, np.int64)
    if len(keep) > MAX_NAMED:
        keep = keep[np.argsort(-np.abs(coef[cols[keep]]), kind="stable")[:MAX_NAMED]]
    keep = keep[np.argsort(cols[keep])]
    return HashedVocabulary(N_FEATURES, cols[keep], texts[keep].astype(object), keys[keep])


def learn_and_report(extracted: Extracted, *, seed: int, held_out: float, review_cost: float, documents: int,
                     progress: Callable[[int, int], None] | None = None) -> dict:
    """``learn``, then the thresholds and the report on the evaluation part: {"models":
    ``Exported``, "thresholds", "report"}. ``documents``: all the corpus's documents."""
    models, evaluation = learn(extracted, seed=seed, held_out=held_out, progress=progress)
    ev = evaluation["document"]
    if len(ev["military"]) < 2 or len(set(ev["military"].tolist())) < 2:
        raise CorpusError("too few held-out documents of each label to choose thresholds; "
                          "give more documents or a larger --held-out")
    thresholds = choose_thresholds(ev["military"], ev["probs"], review_cost=review_cost)
    labels = np.where(ev["military"], "military", "civilian").astype(object)
    report = evaluate_predictions(labels, ev["probs"], ev["families"], thresholds)
    ctx = evaluation["context"]
    if len(ctx["military"]):
        report["mentions"] = binary_metrics(ctx["military"], ctx["probs"])
    held_docs = len(ev["military"])
    cal_docs = ev["calibration_rows"]
    report["split"] = {"fit": documents - held_docs - cal_docs, "held_out": held_docs, "calibration": cal_docs,
                       "seed": seed, "out_of_core": True}
    report["C"] = None
    report["alpha"] = models["document"]["alpha"]
    return {"models": Exported.of(models), "thresholds": thresholds, "report": report}


# ---------------------------------------------------------------- the learner's process

LATER_IMPORTS = ("sklearn.linear_model", "sklearn.metrics", "sklearn.pipeline", "sklearn.feature_extraction.text",
                 "skops.io")


def serve(reply_fd: int) -> None:
    """The learner process (``LearnerProcess``): import what learning needs, then answer one
    request read from stdin, replies written to ``reply_fd`` (the process's stdout, taken over
    before any import so that nothing else writes there; pickled: both ends are this module).
    Ctrl-C reaches this process too: the training process reports it, so it ends quietly."""
    import gc

    global _REPLY_FD
    _REPLY_FD = reply_fd
    try:
        _serve(reply_fd)
    except KeyboardInterrupt:
        return
    gc.freeze()  # exit without the collector scanning scikit-learn's objects first (as ``cli.main.main``)


def _serve(reply_fd: int) -> None:
    import importlib
    import os
    import pickle
    import sys
    import traceback

    replies = os.fdopen(reply_fd, "wb")

    def send(message) -> None:
        pickle.dump(message, replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()

    for name in LATER_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:  # raised again, with its message, where the module is used
            pass
    try:
        request = pickle.load(sys.stdin.buffer)
    except EOFError:  # the training process gave up (bad input, interrupted): nothing to do
        return
    try:
        result = learn_and_report(**request, progress=lambda done, total: send(("progress", done, total)))
    except Exception as exc:  # sent back, and raised in the training process
        trace = traceback.format_exc()
        try:
            send(("error", exc, trace))
        except Exception:  # not picklable: its text then
            send(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), trace))
    else:
        send(("done", result))


class LearnerProcess:
    """``learn_and_report`` in a new interpreter (``python -c``: nothing of the caller's
    ``__main__`` is run again, whatever threads the caller has, on every platform). Start it
    early; ``submit`` hands it the extracted chunks, ``result`` waits, relaying progress (``run``:
    both); ``close`` ends it, also when training stopped before asking anything."""

    def __init__(self) -> None:
        import os
        import subprocess
        import sys

        # One BLAS thread: the learning is sparse, and an idle BLAS helper thread spins for a
        # while after each call, taking the core from the other model's learner (``learn``).
        env = {**os.environ, **dict.fromkeys(("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), "1")}
        # The replies go to the process's stdout, taken over before any import; -P: a module in
        # the current folder must not shadow the real one.
        code = ("import os, sys; fd = os.dup(1); os.dup2(2, 1); "
                "from dualuse.training.learner import serve; serve(fd)")
        flags = ["-P"] if sys.version_info >= (3, 11) else []
        self._proc = subprocess.Popen([sys.executable, *flags, "-c", code], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, env=env)

    def run(self, extracted: Extracted, *, progress: Callable[[int, int], None] | None = None, **kwargs) -> dict:
        self.submit(extracted, **kwargs)
        return self.result(progress=progress)

    def submit(self, extracted: Extracted, **kwargs) -> None:
        """Hand the learner its work; ``result`` waits for it (this process may work meanwhile)."""
        import pickle

        try:
            pickle.dump({"extracted": extracted, **kwargs}, self._proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._proc.stdin.close()
        except OSError:  # it is gone: say how
            self._receive()
            raise

    def result(self, *, progress: Callable[[int, int], None] | None = None) -> dict:
        """The learner's result, relaying its progress; its error raised here."""
        while True:
            kind, *payload = self._receive()
            if kind == "progress":
                if progress is not None:
                    progress(*payload)
            elif kind == "error":
                _reraise(*payload)
            else:
                return payload[0]

    def _receive(self):
        import pickle

        try:
            return pickle.load(self._proc.stdout)
        except EOFError:
            code = self._proc.wait()
            raise LearnerError(f"the learner process ended unexpectedly (exit code {code})") from None
        except Exception as exc:  # unreadable: it is not waited for, it is ended
            self._proc.kill()
            self._proc.wait()
            raise LearnerError(f"the learner process sent what could not be read ({type(exc).__name__}: "
                               f"{exc})") from None

    def close(self) -> None:
        import subprocess

        for pipe in (self._proc.stdin, self._proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        try:
            self._proc.wait(timeout=1)
        except subprocess.TimeoutExpired:  # still importing: it has nothing left to do
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> "LearnerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
