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
import sklearn
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import SimpleFrozenList, ensure_path, minibatch

from . import safe
from .components import CUES_KEY, TECH_KEY, register_extensions
from .features import DocArrays, KeyVocabulary, build_rows

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
        self._parts: dict = {}

    def initialize(self, get_examples=None, *, nlp: Optional[Language] = None,
                   models: Optional[dict] = None, thresholds: Optional[dict] = None) -> None:
        if models is not None:
            self.set_models(models)
        if thresholds is not None:
            self.thresholds = dict(thresholds)

    def set_models(self, models: dict) -> None:
        """``models``: {"document": part, "context": part}, each part a dict with "vocabulary"
        (KeyVocabulary state) and "pipeline" (fitted scikit-learn Pipeline on key counts)."""
        missing = {"document", "context"} - set(models)
        if missing:
            raise ValueError(f"classifier models missing: {sorted(missing)}")
        self.models = models
        self._parts = {name: (KeyVocabulary.from_state(part["vocabulary"]), part["pipeline"])
                       for name, part in models.items()}
        vocab, pipeline = self._parts["document"]
        self._weights = _linear_weights(pipeline, vocab.names)

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
        (doc_vocab, doc_model), (ctx_vocab, ctx_model) = self._parts["document"], self._parts["context"]
        rows = build_rows([DocArrays.of(d) for d in docs])
        # The inputs are sparse matrices we built ourselves: scikit-learn's per-call input
        # validation would cost more than the prediction.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            doc_X = doc_model[:-1].transform(doc_vocab.transform(rows.documents))
            doc_probs = _positive(doc_model[-1], doc_X)
            ctx_probs = (_positive(ctx_model, ctx_vocab.transform(rows.contexts)) if len(rows.contexts)
                         else np.zeros(0))
        drivers = self._drivers(doc_X, doc_probs)
        bounds = np.searchsorted(rows.context_doc, np.arange(len(docs) + 1))
        for i, doc in enumerate(docs):
            prob = float(doc_probs[i])
            doc._.dualuse_military_prob = prob
            doc._.dualuse_flag = flag_for(prob, self.thresholds)
            lo, hi = bounds[i], bounds[i + 1]
            probs = ctx_probs[lo:hi]
            mentions = doc.spans.get(TECH_KEY, [])
            for span, p in zip(mentions, probs.tolist()):
                span._.dualuse_military_prob = p
            sentences = [tuple(x) for x in rows.context_sentence[lo:hi].tolist()]
            doc._.dualuse_evidence = self._evidence(doc, sentences, probs.tolist(), prob,
                                                    rows.context_cues[lo:hi])
            doc._.dualuse_drivers = drivers[i]

    def _evidence(self, doc: Doc, sentences, probs, doc_prob: float, cues) -> list[dict]:
        """The sentences that drove the score, strongest first, with their cue words."""
        best: dict[tuple[int, int], tuple[float, list]] = {}
        toward_military = doc_prob >= 0.5
        for sent, p, sent_cues in zip(sentences, probs, cues):
            keep = best.get(sent)
            if keep is None or (p > keep[0] if toward_military else p < keep[0]):
                best[sent] = (float(p), sent_cues)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0] if toward_military else kv[1][0])
        return [{"start": start, "end": end, "military_prob": round(p, 4),
                 "cues": [doc[a:b].text for a, b in sent_cues]}
                for (start, end), (p, sent_cues) in ranked[: self.max_evidence]]

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
            out.append([str(names[X.indices[lo + j]]) for j in order if vals[j] > 0])
        return out

    # ---------------------------------------------------------------- serialisation
    def to_disk(self, path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        if self.models is None:
            raise ValueError(f"The '{self.name}' component has no fitted models to save.")
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
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


def _positive(estimator, X) -> np.ndarray:
    classes = list(estimator.classes_)
    return estimator.predict_proba(X)[:, classes.index(POSITIVE)]


def _linear_weights(pipeline, names: np.ndarray):
    """(feature names, weights toward military) of a calibrated linear model; words only."""
    try:
        final = pipeline[-1]
        coefs = [c.estimator.coef_[0] for c in final.calibrated_classifiers_]
    except (AttributeError, TypeError, IndexError):
        return None
    coef = np.mean(coefs, axis=0)
    if list(final.classes_).index(POSITIVE) == 0:
        coef = -coef
    # Only single words with a known text are reported; cues and tags are reported as evidence,
    # and function words ("will", "the") carry weight but explain nothing to a reader.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    shown = np.array([bool(n) and n.isalpha() and len(n) > 2 and n not in ENGLISH_STOP_WORDS
                      for n in names.tolist()])
    return names, np.where(shown, coef, 0.0)
