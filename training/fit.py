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
from .scaling import nb_ratios, scaled_columns

MIN_CONTEXT_ROWS = 10


def make_classifier(*, C: float = 4.0, cv: int = 5, seed: int = 0, n_jobs: int = 1) -> CalibratedClassifierCV:
    """Logistic regression calibrated by cross-validated sigmoid scaling."""
    lr = LogisticRegression(C=C, max_iter=3000, solver="liblinear", random_state=seed)
    return CalibratedClassifierCV(lr, method="sigmoid", cv=cv, ensemble=False, n_jobs=n_jobs if n_jobs > 1 else None)


C_GRID = (1.0, 4.0, 16.0, 64.0)


def select_C(T, labels: np.ndarray, *, seed: int = 0, weights: np.ndarray | None = None, n_jobs: int = 1) -> float:
    """Regularisation chosen by 3-fold cross-validated log loss on the (scaled TF-IDF) training rows."""
    search = GridSearchCV(LogisticRegression(max_iter=3000, solver="liblinear", random_state=seed),
                          {"C": list(C_GRID)}, cv=3, scoring="neg_log_loss", refit=False,
                          n_jobs=n_jobs if n_jobs > 1 else None)
    fitted = search.fit(T, labels) if weights is None else search.fit(T, labels, sample_weight=weights)
    return float(fitted.best_params_["C"])


def fit_part(rows: KeyRows, labels: np.ndarray, names: dict, *, seed: int, C: float | None,
             weights: np.ndarray | None = None, n_jobs: int = 1, scaling: bool = True) -> dict:
    """Vocabulary and calibrated pipeline for one kind of row; ``C=None`` selects it. The
    cross-validation fits run in ``n_jobs`` processes.

    The classifier learns on TF-IDF columns scaled by ``nb_ratios``; the scaling is then folded
    into its coefficients (w * r on the unscaled columns gives the same decision as w on the
    scaled ones), so the bundle keeps a plain ``TfidfTransformer`` -> calibrated
    ``LogisticRegression`` pipeline of scikit-learn built-ins and the scorer needs nothing new.
    ``scaling=False`` leaves the columns as they are (for comparison: ``benchmarks/nb_scaling.py``)."""
    vocabulary = KeyVocabulary.fit(rows, names=names)
    X = vocabulary.transform(rows)
    if weights is not None and np.all(weights == 1.0):
        weights = None
    tfidf = TfidfTransformer(sublinear_tf=True).fit(X)
    ratios = nb_ratios(X, labels, weights) if scaling else np.ones(X.shape[1])
    T = scaled_columns(tfidf.transform(X).tocsr(), ratios)
    C = select_C(T, labels, seed=seed, weights=weights, n_jobs=n_jobs) if C is None else C
    classifier = make_classifier(C=C, seed=seed, n_jobs=n_jobs)
    classifier = classifier.fit(T, labels) if weights is None else classifier.fit(T, labels, sample_weight=weights)
    (calibrated,) = classifier.calibrated_classifiers_
    lr = calibrated.estimator
    lr.coef_ = lr.coef_ * ratios  # fold the scaling in: the model now reads unscaled TF-IDF columns
    pipeline = Pipeline([("tfidf", tfidf), ("classify", classifier)])
    part = {"vocabulary": vocabulary.to_state(), "pipeline": pipeline, "C": C}
    check_export(part, X)
    return part


def fit_models(prepared: Prepared, *, seed: int = 0, C: float | None = None, n_jobs: int = 1,
               scaling: bool = True) -> dict:
    doc_weights = prepared.weights
    doc_part = fit_part(prepared.doc_rows, prepared.labels, prepared.names, seed=seed, C=C, weights=doc_weights,
                        n_jobs=n_jobs, scaling=scaling)
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
                        weights=ctx_weights, n_jobs=n_jobs, scaling=scaling)
    return {"document": doc_part, "context": ctx_part}


def military_probs(part: dict, rows: KeyRows) -> np.ndarray:
    return sklearn_probs(part, vocabulary_from_state(part["vocabulary"]).transform(rows))
