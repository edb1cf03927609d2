"""The ``dualuse_classifier`` spaCy component: military-context probabilities for documents and mentions.

It turns each batch of annotated Docs into feature-key rows (``features``), scores them with
two calibrated linear models (document and mention context) and writes:

- ``doc._.dualuse_military_prob`` and ``doc._.dualuse_flag`` (military / civilian / review),
- ``span._.dualuse_military_prob`` on every ``doc.spans["dualuse_tech"]`` mention,
- ``doc._.dualuse_evidence``: the sentences that drove the score, with their cue phrases' offsets,
- ``doc._.dualuse_drivers``: the words of the document that pushed the score most.

On disk the component holds the fitted scikit-learn pipelines as a skops file (checked against
an explicit trusted-type list when loaded with ``sklearn_models()``) and the same models as
plain numbers in a ``.npz`` file, which is what scoring loads (see ``linear``).
"""

from __future__ import annotations

import json
from typing import Iterable, Iterator, Optional

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import SimpleFrozenList, ensure_path, minibatch

from .components import TECH_KEY, register_extensions
from .features import DocArrays, build_rows
from .linear import FLAGS, POSITIVE, Exported, LinearScorer, flag_for

MODEL_FILE = "classifier.skops"
NUMBERS_FILE = "classifier.npz"
CFG_FILE = "cfg.json"
PARTS = ("document", "context")

__all__ = ["MilitaryClassifier", "flag_for", "make_classifier", "POSITIVE", "FLAGS"]


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
        self.models: Optional[dict] = None  # the scikit-learn parts, when trained in this process
        self.scorers: dict[str, LinearScorer] = {}
        self.thresholds: dict = {"military": 0.5, "civilian": 0.5}
        self._driver_weights = None
        self._path = None
        self._skops: Optional[bytes] = None  # the skops file, when the models came as ``Exported``

    def initialize(self, get_examples=None, *, nlp: Optional[Language] = None,
                   models: Optional[dict] = None, thresholds: Optional[dict] = None) -> None:
        if models is not None:
            self.set_models(models)
        if thresholds is not None:
            self.thresholds = dict(thresholds)

    def set_models(self, models) -> None:
        """``models``: {"document": part, "context": part}, each part a dict with "vocabulary"
        (KeyVocabulary state) and "pipeline" (fitted scikit-learn Pipeline on key counts); or
        the same already ``Exported`` (scorers and skops bytes)."""
        exported = isinstance(models, Exported)
        missing = set(PARTS) - set(models.scorers if exported else models)
        if missing:
            raise ValueError(f"classifier models missing: {sorted(missing)}")
        if exported:
            self.models, self._skops = None, models.skops
            self._set_scorers({name: models.scorers[name] for name in PARTS})
        else:
            self.models, self._skops = models, None
            self._set_scorers({name: LinearScorer.from_sklearn(models[name]) for name in PARTS})

    def _set_scorers(self, scorers: dict) -> None:
        self.scorers = scorers
        self._driver_weights = _driver_weights(scorers["document"])

    def sklearn_models(self) -> dict:
        """The fitted scikit-learn pipelines, loaded from the bundle's skops file when needed."""
        if self.models is None:
            from . import safe

            if self._skops is not None:  # trained elsewhere (``Exported``)
                self.models = safe.loads(self._skops)
            elif self._path is None:
                raise ValueError("this classifier was not loaded from a bundle")
            else:
                self.models = safe.load(self._path / MODEL_FILE)
        return self.models

    # ---------------------------------------------------------------- inference
    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(stream, size=batch_size):
            self.set_annotations(batch)
            yield from batch

    def set_annotations(self, docs: list[Doc]) -> None:
        if not self.scorers:
            raise ValueError(f"The '{self.name}' component has no fitted models: train a bundle first.")
        if not docs:
            return
        doc_scorer, ctx_scorer = self.scorers["document"], self.scorers["context"]
        known = getattr(doc_scorer.vocabulary, "knows", None)  # a hashed vocabulary knows every key
        rows = build_rows([DocArrays.of(d, known) for d in docs])
        doc_X = doc_scorer.weighted(doc_scorer.vocabulary.counts(rows.documents))
        doc_probs = doc_scorer.military_probs(doc_X)
        drivers = self._drivers(doc_X, doc_probs, rows.documents)
        ctx_probs = (ctx_scorer.military_probs(ctx_scorer.weighted(ctx_scorer.vocabulary.counts(rows.contexts)))
                     if len(rows.contexts) else np.zeros(0))
        bounds = np.searchsorted(rows.context_doc, np.arange(len(docs) + 1))
        for i, doc in enumerate(docs):
            prob = float(doc_probs[i])
            lo, hi = bounds[i], bounds[i + 1]
            probs = ctx_probs[lo:hi].tolist()
            if probs:
                for span, p in zip(doc.spans.get(TECH_KEY, []), probs):
                    span._.dualuse_military_prob = p
            sentences = [tuple(x) for x in rows.context_sentence[lo:hi].tolist()]
            ext = doc._
            ext.dualuse_military_prob = prob
            ext.dualuse_flag = flag_for(prob, self.thresholds)
            ext.dualuse_evidence = self._evidence(sentences, probs, prob, rows.context_cues[lo:hi])
            ext.dualuse_drivers = drivers[i]

    def _evidence(self, sentences, probs, doc_prob: float, cues) -> list[dict]:
        """The sentences that drove the score, strongest first, with the character offsets of
        their cue phrases (``cue_spans``)."""
        best: dict[tuple[int, int], tuple[float, list]] = {}
        toward_military = doc_prob >= 0.5
        for sent, p, sent_cues in zip(sentences, probs, cues):
            keep = best.get(sent)
            if keep is None or (p > keep[0] if toward_military else p < keep[0]):
                best[sent] = (float(p), sent_cues)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0] if toward_military else kv[1][0])
        return [{"start": start, "end": end, "military_prob": round(p, 4),
                 "cue_spans": [list(c) for c in sent_cues]}
                for (start, end), (p, sent_cues) in ranked[: self.max_evidence]]

    def _drivers(self, X, probs: np.ndarray, rows=None) -> list[list[str]]:
        """Per document, the words whose weight times value pushed its score the most."""
        if self._driver_weights is None or self.max_drivers <= 0:
            return [[] for _ in range(X.shape[0])]
        names, coef = self._driver_weights
        contrib = X.data * coef[X.indices]
        vocabulary = self.scorers["document"].vocabulary
        if rows is not None and hasattr(vocabulary, "named_present"):
            # Hashed columns are shared: a column's word explains a document only if it is in it.
            row_of = X.row_ids.astype(np.int64)
            present = np.isin(row_of * vocabulary.n_features + X.indices, vocabulary.named_present(rows))
            contrib = np.where(present, contrib, 0.0)
        out = []
        for i, prob in enumerate(probs):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            vals = contrib[lo:hi] if prob >= 0.5 else -contrib[lo:hi]
            order = np.argsort(-vals)[: self.max_drivers]
            out.append([str(names[X.indices[lo + j]]) for j in order if vals[j] > 0])
        return out

    # ---------------------------------------------------------------- serialisation
    def to_disk(self, path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        if self.models is None and self._skops is None:
            raise ValueError(f"The '{self.name}' component has no fitted models to save.")
        from . import safe

        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self._skops is not None:
            (path / MODEL_FILE).write_bytes(self._skops)
        else:
            safe.dump(self.models, path / MODEL_FILE)
        arrays = {}
        for name in PARTS:
            arrays.update(self.scorers[name].to_arrays(f"{name}_"))
        # Hashed (out-of-core) models are dense arrays of near-random floats: compressing them
        # costs seconds and saves little.
        hashed = any(key.endswith("n_features") for key in arrays)
        with open(path / NUMBERS_FILE, "wb") as fh:
            (np.savez if hashed else np.savez_compressed)(fh, **arrays)
        cfg = {"thresholds": self.thresholds, "max_evidence": self.max_evidence,
               "max_drivers": self.max_drivers}
        (path / CFG_FILE).write_text(json.dumps(cfg, indent=1), encoding="utf-8")

    def from_disk(self, path, *, exclude: Iterable[str] = SimpleFrozenList()) -> "MilitaryClassifier":
        from .bundle import verify_component_files

        path = ensure_path(path)
        verify_component_files(path, (NUMBERS_FILE, CFG_FILE, MODEL_FILE))
        cfg = json.loads((path / CFG_FILE).read_text(encoding="utf-8"))
        self.thresholds = cfg["thresholds"]
        self.max_evidence = cfg.get("max_evidence", self.max_evidence)
        self.max_drivers = cfg.get("max_drivers", self.max_drivers)
        with np.load(path / NUMBERS_FILE, allow_pickle=False) as arrays:
            self._set_scorers({name: LinearScorer.from_arrays(arrays, f"{name}_") for name in PARTS})
        self.models, self._skops = None, None
        self._path = path
        return self

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        raise NotImplementedError("the classifier is saved to disk only (files with hashes)")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()):
        raise NotImplementedError("the classifier is loaded from disk only (files with hashes)")


def _driver_weights(scorer: LinearScorer):
    """(names, weights toward military) of the document model, words only.

    Cues and tags are reported as evidence, and function words ("will", "the") carry weight
    but explain nothing to a reader.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    names = scorer.vocabulary.names
    coef = scorer.coef if scorer.positive_is_second else -scorer.coef
    named = np.flatnonzero(names != "")
    shown = np.zeros(len(names), dtype=bool)
    shown[named] = [n.isalpha() and len(n) > 2 and n not in STOP_WORDS for n in names[named].tolist()]
    return names, np.where(shown, coef, 0.0)
