"""The fitted classifier as plain numbers, for scoring without scikit-learn.

Training fits scikit-learn pipelines (TF-IDF weighting, logistic regression, sigmoid
calibration) and the bundle keeps them in a skops file. Scoring needs only their numbers: the
IDF weights, the coefficients and the two calibration constants. ``LinearScorer`` holds those
and computes the same probabilities with numpy; it is read from a ``.npz`` file with
``allow_pickle=False``, which cannot run code, and spares every ``dualuse tag`` the import of
scikit-learn and skops (more than half a second of start-up). ``from_sklearn`` is checked
against scikit-learn's own ``predict_proba`` when a bundle is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from .vocabulary import Counts, HashedVocabulary, KeyVocabulary, vocabulary_from_state

POSITIVE = "military"
FLAGS = ("military", "civilian", "review")


def flag_for(prob: float, thresholds: dict) -> str:
    """military at or above the upper threshold, civilian below the lower one, review between."""
    if prob >= thresholds["military"]:
        return "military"
    if prob < thresholds["civilian"]:
        return "civilian"
    return "review"


@dataclass
class LinearScorer:
    vocabulary: KeyVocabulary | HashedVocabulary
    idf: np.ndarray
    sublinear: bool
    coef: np.ndarray
    intercept: float
    calib_a: float
    calib_b: float
    positive_is_second: bool  # whether the calibrated class (classes_[1]) is "military"

    # ---------------------------------------------------------------- scoring
    def weighted(self, counts) -> Counts:
        """TF-IDF weights of a count matrix (``Counts``, or SciPy's canonical ``csr_matrix``),
        rows scaled to unit length (as TfidfTransformer)."""
        counts = Counts.of(counts)
        data = counts.data.astype(np.float64)
        if self.sublinear:
            data = np.log(data) + 1.0
        data = data * self.idf[counts.indices]
        rows = counts.row_ids
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=counts.shape[0]))
        norms[norms == 0] = 1.0
        weighted = Counts(data / norms[rows], counts.indices, counts.indptr, counts.shape)
        weighted.row_ids = rows  # the same rows: computed once
        return weighted

    def military_probs(self, weighted: Counts) -> np.ndarray:
        contributions = weighted.data * self.coef[weighted.indices]
        decision = np.bincount(weighted.row_ids, weights=contributions, minlength=weighted.shape[0]) + self.intercept
        calibrated = 1.0 / (1.0 + np.exp(self.calib_a * decision + self.calib_b))
        return calibrated if self.positive_is_second else 1.0 - calibrated

    # ---------------------------------------------------------------- storage
    def to_arrays(self, prefix: str) -> dict:
        vocab = self.vocabulary
        if isinstance(vocab, HashedVocabulary):
            # One string of words joined by newlines: an array of strings takes the longest one's
            # width for every entry.
            texts = vocab.name_texts.tolist()
            if any("\n" in t for t in texts):
                raise ValueError("a word name holds a newline")
            arrays = {f"{prefix}n_features": np.array([vocab.n_features]), f"{prefix}name_cols": vocab.name_cols,
                      f"{prefix}name_keys": vocab.name_keys, f"{prefix}names": np.array(["\n".join(texts)])}
        else:
            arrays = {f"{prefix}keys": vocab.keys, f"{prefix}names": vocab.names}
        return {**arrays, f"{prefix}idf": self.idf, f"{prefix}coef": self.coef,
                f"{prefix}scalars": np.array([self.intercept, self.calib_a, self.calib_b,
                                              float(self.sublinear), float(self.positive_is_second)])}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> "LinearScorer":
        intercept, a, b, sublinear, second = arrays[f"{prefix}scalars"].tolist()
        if f"{prefix}n_features" in arrays:
            joined = str(arrays[f"{prefix}names"][0])
            vocabulary = HashedVocabulary(int(arrays[f"{prefix}n_features"][0]), arrays[f"{prefix}name_cols"],
                                          np.array(joined.split("\n") if joined else [], dtype=object),
                                          arrays[f"{prefix}name_keys"])
        else:
            vocabulary = KeyVocabulary(arrays[f"{prefix}keys"].astype(np.uint64), arrays[f"{prefix}names"])
        return cls(vocabulary, arrays[f"{prefix}idf"].astype(np.float64), bool(sublinear),
                   arrays[f"{prefix}coef"].astype(np.float64), intercept, a, b, bool(second))

    @classmethod
    def from_sklearn(cls, part: dict) -> "LinearScorer":
        """From a fitted part: {"vocabulary": state, "pipeline": TfidfTransformer -> calibrated LR},
        or, from out-of-core training, {"vocabulary": state, "pipeline": TfidfTransformer ->
        SGDClassifier, "calibrator": LogisticRegression on the SGD decision values}."""
        pipeline = part["pipeline"]
        tfidf, last = pipeline[0], pipeline[-1]
        if tfidf.norm != "l2":
            raise ValueError("expected an l2-normalised TF-IDF")
        vocabulary = vocabulary_from_state(part["vocabulary"])
        idf = np.asarray(tfidf.idf_, dtype=np.float64)
        if "calibrator" in part:
            # sigmoid calibration is p = 1 / (1 + exp(a f + b)); a logistic regression on the
            # decision value f is p = 1 / (1 + exp(-(w f + c))).
            calibrator = part["calibrator"]
            return cls(vocabulary, idf, bool(tfidf.sublinear_tf), np.asarray(last.coef_[0], dtype=np.float64),
                       float(last.intercept_[0]), -float(calibrator.coef_[0, 0]), -float(calibrator.intercept_[0]),
                       list(calibrator.classes_).index(POSITIVE) == 1)
        if len(last.calibrated_classifiers_) != 1:
            raise ValueError("expected a calibrated classifier fitted with ensemble=False")
        inner = last.calibrated_classifiers_[0]
        (calibrator,) = inner.calibrators
        classes = list(last.classes_)
        return cls(vocabulary, idf, bool(tfidf.sublinear_tf), np.asarray(inner.estimator.coef_[0], dtype=np.float64),
                   float(inner.estimator.intercept_[0]), float(calibrator.a_), float(calibrator.b_),
                   classes.index(POSITIVE) == 1)


def sklearn_probs(part: dict, X) -> np.ndarray:
    """Military probabilities of count rows ``X`` by a fitted part, with scikit-learn itself."""
    pipeline = part["pipeline"]
    if "calibrator" in part:
        calibrator = part["calibrator"]
        probs = calibrator.predict_proba(pipeline.decision_function(X).reshape(-1, 1))
        return probs[:, list(calibrator.classes_).index(POSITIVE)]
    return pipeline.predict_proba(X)[:, list(pipeline.classes_).index(POSITIVE)]


def check_export(part: dict, X) -> None:
    """Scoring uses the models' numbers without scikit-learn: they must give its probabilities."""
    scorer = LinearScorer.from_sklearn(part)
    ours = scorer.military_probs(scorer.weighted(X))
    theirs = sklearn_probs(part, X)
    worst = float(np.max(np.abs(ours - theirs))) if len(ours) else 0.0
    if worst > 1e-5:
        raise RuntimeError(f"exported model differs from scikit-learn's by {worst:.2e}")


@dataclass
class Exported:
    """Fitted models in the form a bundle keeps them: the scorers (``classifier.npz``) and the
    skops file's bytes. Made where scikit-learn is imported (the out-of-core learner's own
    process), so that the process writing the bundle needs neither scikit-learn nor skops."""

    scorers: dict
    skops: bytes

    @classmethod
    def of(cls, models: dict) -> "Exported":
        from .safe import dumps

        return cls({name: LinearScorer.from_sklearn(part) for name, part in models.items()}, dumps(models))
