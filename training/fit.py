"""Stage 2, fit: two calibrated scikit-learn pipelines (document and mention context) and thresholds."""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from dualuse.model.linear import check_export, sklearn_probs
from dualuse.model.vocabulary import KeyRows, KeyVocabulary, vocabulary_from_state

from .prepare import Prepared

MIN_CONTEXT_ROWS = 10


def make_pipeline(*, C: float = 4.0, cv: int = 5, seed: int = 0, n_jobs: int = 1) -> Pipeline:
    """Key counts -> TF-IDF weighting -> logistic regression, calibrated by cross-validated
    sigmoid scaling."""
    lr = LogisticRegression(C=C, max_iter=3000, solver="liblinear", random_state=seed)
    return Pipeline([
        ("tfidf", TfidfTransformer(sublinear_tf=True)),
        ("classify", CalibratedClassifierCV(lr, method="sigmoid", cv=cv, ensemble=False,
                                            n_jobs=n_jobs if n_jobs > 1 else None)),
    ])


C_GRID = (1.0, 4.0, 16.0, 64.0)


def select_C(X, labels: np.ndarray, *, seed: int = 0, weights: np.ndarray | None = None, n_jobs: int = 1) -> float:
    """Regularisation chosen by 3-fold cross-validated log loss on the training rows."""
    search = GridSearchCV(LogisticRegression(max_iter=3000, solver="liblinear", random_state=seed),
                          {"C": list(C_GRID)}, cv=3, scoring="neg_log_loss", refit=False,
                          n_jobs=n_jobs if n_jobs > 1 else None)
    X = TfidfTransformer(sublinear_tf=True).fit_transform(X)
    fitted = search.fit(X, labels) if weights is None else search.fit(X, labels, sample_weight=weights)
    return float(fitted.best_params_["C"])


def fit_part(rows: KeyRows, labels: np.ndarray, names: dict, *, seed: int, C: float | None,
             weights: np.ndarray | None = None, n_jobs: int = 1) -> dict:
    """Vocabulary and calibrated pipeline for one kind of row; ``C=None`` selects it. The
    cross-validation fits run in ``n_jobs`` processes."""
    vocabulary = KeyVocabulary.fit(rows, names=names)
    X = vocabulary.transform(rows)
    if weights is not None and np.all(weights == 1.0):
        weights = None
    C = select_C(X, labels, seed=seed, weights=weights, n_jobs=n_jobs) if C is None else C
    pipeline = make_pipeline(C=C, seed=seed, n_jobs=n_jobs)
    pipeline = pipeline.fit(X, labels) if weights is None else pipeline.fit(X, labels, classify__sample_weight=weights)
    part = {"vocabulary": vocabulary.to_state(), "pipeline": pipeline, "C": C}
    check_export(part, X)
    return part


def fit_models(prepared: Prepared, *, seed: int = 0, C: float | None = None, n_jobs: int = 1) -> dict:
    doc_weights = prepared.weights
    doc_part = fit_part(prepared.doc_rows, prepared.labels, prepared.names, seed=seed, C=C, weights=doc_weights,
                        n_jobs=n_jobs)
    C = doc_part["C"]
    ctx_rows, ctx_labels = prepared.ctx_rows, prepared.ctx_labels
    ctx_weights = None if doc_weights is None else doc_weights[prepared.ctx_doc]
    # A corpus with few mentions in one class still needs a context model: whole documents
    # then serve as contexts too.
    if min(int((ctx_labels == lab).sum()) for lab in set(prepared.labels)) < MIN_CONTEXT_ROWS:
        ctx_rows = KeyRows.concat([ctx_rows, prepared.doc_rows])
        ctx_labels = np.concatenate([ctx_labels, prepared.labels])
        if ctx_weights is not None:
            ctx_weights = np.concatenate([ctx_weights, doc_weights])
    ctx_part = fit_part(ctx_rows, np.asarray(ctx_labels, dtype=object), prepared.names, seed=seed, C=C,
                        weights=ctx_weights, n_jobs=n_jobs)
    return {"document": doc_part, "context": ctx_part}


def military_probs(part: dict, rows: KeyRows) -> np.ndarray:
    return sklearn_probs(part, vocabulary_from_state(part["vocabulary"]).transform(rows))
