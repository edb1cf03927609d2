"""The tagger: documents in, output records out, in input order."""

from __future__ import annotations

from typing import Iterable, Iterator, Union

from spacy.language import Language

from dualuse.corpora.documents import Document

from .classifier import flag_for
from .components import TECH_KEY

CLASSIFIER = "dualuse_classifier"
from .records import error_record, mention_rows
from .zones import pipe_in_zones

Item = Union[str, tuple, Document]


def as_document(item: Item, index: int) -> Document:
    """Accept a Document, an (id, text) pair or a bare string (id = its position)."""
    if isinstance(item, Document):
        return item
    if isinstance(item, tuple):
        doc_id, text = item
        return Document(id=str(doc_id), text=text, source=str(doc_id))
    if isinstance(item, str):
        return Document(id=str(index), text=item, source=str(index))
    raise TypeError(f"cannot tag {type(item).__name__}: give str, (id, text) or Document")


class Tagger:
    """Runs the extraction pipeline (and, when the bundle has one, the classifier)."""

    def __init__(self, nlp: Language, *, name: str, version: str, manifest: dict | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.version = version
        self.manifest = manifest or {}
        self.classifier = nlp.get_pipe(CLASSIFIER) if CLASSIFIER in nlp.pipe_names else None
        self._override: dict | None = None

    @property
    def thresholds(self) -> dict:
        if self._override is not None:
            return self._override
        return dict(self.classifier.thresholds) if self.classifier is not None else {}

    def set_thresholds(self, military: float, civilian: float | None = None) -> None:
        """Override the bundle's thresholds (one value means no review band)."""
        civilian = military if civilian is None else civilian
        if not 0.0 <= civilian <= military <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= civilian <= military <= 1")
        self._override = {"military": military, "civilian": civilian}

    @property
    def model(self) -> str:
        return f"{self.name} {self.version}"

    def tag(self, items: Iterable[Item], *, batch_size: int = 64) -> Iterator[dict]:
        """Yield one record per item, in input order, with flat memory over any stream length."""
        pairs = ((d.text if d.error is None else "", d)
                 for d in (as_document(item, i) for i, item in enumerate(items)))
        yield from pipe_in_zones(self.nlp, pairs, batch_size=batch_size, consume=self.record)

    def record(self, doc, document: Document) -> dict:
        if document.error is not None:
            return error_record(document.id, document.source, document.error, self.model)
        record = {"id": document.id, "source": document.source}
        if self.classifier is not None:
            ext = doc._
            prob = ext.dualuse_military_prob
            record["military_prob"] = round(prob, 4)
            record["flag"] = flag_for(prob, self._override) if self._override else ext.dualuse_flag
            record["mentions"] = mention_rows(doc)
            record["evidence"] = ext.dualuse_evidence
            record["drivers"] = ext.dualuse_drivers
        else:
            record["mentions"] = mention_rows(doc)
        if document.meta:
            record["meta"] = document.meta
        record["model"] = self.model
        record["error"] = None
        return record

    def extract(self, texts: Iterable[str], *, batch_size: int = 64):
        """The annotated spaCy Docs, for callers that want spans rather than records."""
        return self.nlp.pipe(texts, batch_size=batch_size)


def extraction_tagger(nlp: Language | None = None) -> Tagger:
    """A tagger that only extracts mentions (no classifier), over the packaged taxonomy."""
    from .pipeline import build_pipeline

    nlp = nlp or build_pipeline()
    version = nlp.get_pipe(TECH_KEY).terms.version
    return Tagger(nlp, name="dualuse-taxonomy", version=version)
