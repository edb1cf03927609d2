"""The ``dualuse_classifier`` spaCy component: military-context probabilities for documents and mentions.

It turns each annotated Doc into plain string rows (``features``), runs two fitted scikit-learn
pipelines in batches and writes:

- ``doc._.dualuse_military_prob`` and ``doc._.dualuse_flag`` (military / civilian / review),
- ``span._.dualuse_military_prob`` on every ``doc.spans["dualuse_tech"]`` mention,
- ``doc._.dualuse_evidence``: the sentences that drove the score, with their cue words,
- ``doc._.dualuse_drivers``: the words of the document that pushed the score most.

The fitted pipelines are stored with skops against an explicit trusted-type list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator, Optional

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import SimpleFrozenList, ensure_path, minibatch

from . import safe
from .components import CUES_KEY, TECH_KEY, register_extensions
from .features import context_rows, document_row, lower_tokens

MODEL_FILE = "classifier.skops"
CFG_FILE = "cfg.json"
POSITIVE = "military"
FLAGS = ("military", "civilian", "review")


def flag_for(prob: float, thresholds: dict) -> str:
    """military at or above the upper threshold, civilian below the lower one, review between."""
    if prob >= thresholds["military"]:
        return "military"
    if prob < thresholds["civilian"]:
        return "civilian"
    return "review"


def _register() -> None:
    register_extensions()
    for name in ("dualuse_evidence", "dualuse_drivers"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.factory("dualuse_classifier", default_config={"max_evidence": 3, "max_drivers": 5})
def make_classifier(nlp: Language, name: str, max_evidence: int, max_drivers: int) -> "MilitaryClassifier":
    return MilitaryClassifier(name=name, max_evidence=max_evidence, max_drivers=max_drivers)


class MilitaryClassifier:
    def __init__(self, *, name: str, max_evidence: int = 3, max_drivers: int = 5) -> None:
        _register()
        self.name = name
        self.max_evidence = max_evidence
        self.max_drivers = max_drivers
        self.models: Optional[dict] = None
        self.thresholds: dict = {"military": 0.5, "civilian": 0.5}
        self._weights = None

    def initialize(self, get_examples=None, *, nlp: Optional[Language] = None,
                   models: Optional[dict] = None, thresholds: Optional[dict] = None) -> None:
        if models is not None:
            self.set_models(models)
        if thresholds is not None:
            self.thresholds = dict(thresholds)

    def set_models(self, models: dict) -> None:
        missing = {"document", "context"} - set(models)
        if missing:
            raise ValueError(f"classifier models missing: {sorted(missing)}")
        self.models = models
        self._weights = _linear_weights(models["document"])

    # ---------------------------------------------------------------- inference
    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(stream, size=batch_size):
            self.set_annotations(batch)
            yield from batch

    def set_annotations(self, docs: list[Doc]) -> None:
        if self.models is None:
            raise ValueError(f"The '{self.name}' component has no fitted models: train a bundle first.")
        if not docs:
            return
        doc_model, ctx_model = self.models["document"], self.models["context"]
        tokens = [lower_tokens(d) for d in docs]
        doc_X = doc_model[:-1].transform(_frame([document_row(d, t) for d, t in zip(docs, tokens)]))
        doc_probs = _positive(doc_model[-1], doc_X)
        drivers = self._drivers(doc_X, doc_probs)
        per_doc, all_rows = [], []
        for doc, toks in zip(docs, tokens):
            rows, sentences = context_rows(doc, toks)
            per_doc.append((len(all_rows), len(rows), sentences))
            all_rows.extend(rows)
        ctx_probs = _positive(ctx_model, _frame(all_rows)) if all_rows else np.zeros(0)
        for i, doc in enumerate(docs):
            prob = float(doc_probs[i])
            doc._.dualuse_military_prob = prob
            doc._.dualuse_flag = flag_for(prob, self.thresholds)
            offset, n, sentences = per_doc[i]
            probs = ctx_probs[offset:offset + n]
            mentions = list(doc.spans.get(TECH_KEY, []))
            for span, p in zip(mentions, probs):
                span._.dualuse_military_prob = float(p)
            doc._.dualuse_evidence = self._evidence(doc, sentences, probs, prob)
            doc._.dualuse_drivers = drivers[i]

    def _evidence(self, doc: Doc, sentences, probs, doc_prob: float) -> list[dict]:
        best: dict[tuple[int, int], float] = {}
        toward_military = doc_prob >= 0.5
        for sent, p in zip(sentences, probs):
            keep = best.get(sent)
            if keep is None or (p > keep if toward_military else p < keep):
                best[sent] = float(p)
        ranked = sorted(best.items(), key=lambda kv: -kv[1] if toward_military else kv[1])
        cues = list(doc.spans.get(CUES_KEY, []))
        evidence = []
        for (start, end), p in ranked[: self.max_evidence]:
            evidence.append({"start": start, "end": end, "military_prob": round(p, 4),
                             "cues": [c.text for c in cues if c.start_char >= start and c.end_char <= end]})
        return evidence

    def _drivers(self, X, probs: np.ndarray) -> list[list[str]]:
        """Per document, the n-grams whose weight times value pushed its score the most."""
        if self._weights is None or self.max_drivers <= 0:
            return [[] for _ in range(X.shape[0])]
        names, coef = self._weights
        X = X.tocsr()
        contrib = X.data * coef[X.indices]
        out = []
        for i, prob in enumerate(probs):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            vals = contrib[lo:hi] if prob >= 0.5 else -contrib[lo:hi]
            order = np.argsort(-vals)[: self.max_drivers]
            out.append([names[X.indices[lo + j]] for j in order if vals[j] > 0])
        return out

    # ---------------------------------------------------------------- serialisation
    def to_disk(self, path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        if self.models is None:
            raise ValueError(f"The '{self.name}' component has no fitted models to save.")
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        safe.plain_vocabularies(self.models)
        safe.dump(self.models, path / MODEL_FILE)
        cfg = {"thresholds": self.thresholds, "max_evidence": self.max_evidence,
               "max_drivers": self.max_drivers}
        (path / CFG_FILE).write_text(json.dumps(cfg, indent=1), encoding="utf-8")

    def from_disk(self, path, *, exclude: Iterable[str] = SimpleFrozenList()) -> "MilitaryClassifier":
        from .bundle import verify_component_files

        path = ensure_path(path)
        verify_component_files(path, (MODEL_FILE, CFG_FILE))
        cfg = json.loads((path / CFG_FILE).read_text(encoding="utf-8"))
        self.thresholds = cfg["thresholds"]
        self.max_evidence = cfg.get("max_evidence", self.max_evidence)
        self.max_drivers = cfg.get("max_drivers", self.max_drivers)
        self.set_models(safe.load(path / MODEL_FILE))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        raise NotImplementedError("the classifier is saved to disk only (skops file with hashes)")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()):
        raise NotImplementedError("the classifier is loaded from disk only (skops file with hashes)")


def _frame(rows: list[tuple]) -> np.ndarray:
    frame = np.empty((len(rows), 3), dtype=object)
    for i, row in enumerate(rows):
        frame[i] = row
    return frame


def _positive(estimator, X) -> np.ndarray:
    classes = list(estimator.classes_)
    return estimator.predict_proba(X)[:, classes.index(POSITIVE)]


def _linear_weights(pipeline):
    """(feature names, weights toward military) of a features + calibrated linear model pipeline."""
    try:
        final = pipeline[-1]
        names = pipeline[:-1].get_feature_names_out()
        coefs = [c.estimator.coef_[0] for c in final.calibrated_classifiers_]
    except (AttributeError, TypeError, IndexError):
        return None
    coef = np.mean(coefs, axis=0)
    if list(final.classes_).index(POSITIVE) == 0:
        coef = -coef
    # Only words of the text are reported as drivers; cues and tags are reported as evidence.
    # Function-word n-grams ("will", "of the") carry weight but explain nothing to a reader.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    is_text = np.array([n.startswith("text__") and not set(n[6:].split()) <= ENGLISH_STOP_WORDS
                        for n in names])
    coef = np.where(is_text, coef, 0.0)
    return np.array([n.split("__", 1)[-1] for n in names], dtype=object), coef
