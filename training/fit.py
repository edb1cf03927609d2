"""Stage 2, fit: two calibrated scikit-learn pipelines (document and mention context) and thresholds."""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from dualuse.model.classifier import POSITIVE, _frame
from dualuse.model.features import CUES, TAGS, TEXT

from .prepare import Prepared


def _features(max_features: int) -> ColumnTransformer:
    tokens = dict(token_pattern=r"\S+", lowercase=False, binary=True)
    return ColumnTransformer([
        # Rows arrive lower-cased and tokenized by spaCy: no second lower-casing here.
        ("text", TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True,
                                 lowercase=False, max_features=max_features, dtype=np.float32), TEXT),
        ("cue", CountVectorizer(**tokens), CUES),
        ("tag", CountVectorizer(**tokens), TAGS),
    ])


def make_pipeline(*, C: float = 4.0, max_features: int = 200_000, cv: int = 5, seed: int = 0) -> Pipeline:
    """Features -> logistic regression, calibrated by cross-validated sigmoid scaling."""
    lr = LogisticRegression(C=C, max_iter=3000, solver="liblinear", random_state=seed)
    return Pipeline([
        ("features", _features(max_features)),
        ("classify", CalibratedClassifierCV(lr, method="sigmoid", cv=cv, ensemble=False)),
    ])


MIN_CONTEXT_ROWS = 10


def fit_models(prepared: Prepared, *, seed: int = 0, C: float = 4.0) -> dict:
    doc_model = make_pipeline(C=C, seed=seed).fit(_frame(prepared.doc_rows), prepared.labels)
    ctx_rows, ctx_labels = list(prepared.ctx_rows), list(prepared.ctx_labels)
    # A corpus with few mentions in one class still needs a context model: whole documents
    # then serve as contexts too.
    if min(ctx_labels.count(lab) for lab in set(prepared.labels)) < MIN_CONTEXT_ROWS:
        ctx_rows += prepared.doc_rows
        ctx_labels += list(prepared.labels)
    ctx_model = make_pipeline(C=C, seed=seed).fit(_frame(ctx_rows), np.array(ctx_labels, dtype=object))
    return {"document": doc_model, "context": ctx_model}


def military_probs(model: Pipeline, rows: list[tuple]) -> np.ndarray:
    classes = list(model.classes_)
    return model.predict_proba(_frame(rows))[:, classes.index(POSITIVE)]


def choose_thresholds(y_military: np.ndarray, probs: np.ndarray, *, target_precision: float = 0.9) -> dict:
    """The review band: as wide as needed for each flag to reach ``target_precision`` on held-out data.

    ``military`` is the lowest threshold at or above 0.5 whose military flags are at least
    ``target_precision`` precise; ``civilian`` the highest at or below 0.5 whose civilian flags
    are. Where the target cannot be met, the threshold stays at 0.5.
    """
    y = np.asarray(y_military, dtype=bool)
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    upper = 0.5
    for t in grid[grid >= 0.5]:
        flagged = probs >= t
        if flagged.sum() and y[flagged].mean() >= target_precision:
            upper = float(t)
            break
    lower = 0.5
    for t in grid[grid <= 0.5][::-1]:
        flagged = probs < t
        if flagged.sum() and (~y[flagged]).mean() >= target_precision:
            lower = float(t)
            break
    return {"military": upper, "civilian": lower, "target_precision": target_precision}
