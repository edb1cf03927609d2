"""spaCy components that mark technology mentions and context cues.

``dualuse_tech`` writes one span per technology mention to ``doc.spans["dualuse_tech"]``
(label = family, id = term id); ``dualuse_cues`` writes military and civilian context phrases
to ``doc.spans["dualuse_cues"]`` (label = "military" or "civilian"). Both are one class,
``TermRuler``, fed a different term list. Words match case-insensitively; single-token
acronyms ("AI", "GPS", "GaN") match by exact case so they do not fire inside ordinary words
or on lower-case noise. Overlapping matches keep the longest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Optional

import srsly
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList, ensure_path, filter_spans

from .taxonomy import Taxonomy, default_cues, default_taxonomy, is_case_sensitive, parse_lines, surface_forms

TECH_KEY = "dualuse_tech"
CUES_KEY = "dualuse_cues"
_DATA_FILE = "terms.jsonl"


def register_extensions() -> None:
    """Extension attributes written by the rulers and, when a classifier is present, the tagger."""
    for name, default in (("dualuse_term", None), ("dualuse_category", None),
                          ("dualuse_military_prob", None)):
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name in ("dualuse_military_prob", "dualuse_flag"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.factory(TECH_KEY, default_config={"spans_key": TECH_KEY})
def make_tech_ruler(nlp: Language, name: str, spans_key: str) -> "TermRuler":
    return TermRuler(nlp, name=name, spans_key=spans_key, label_field="family",
                     default_terms=default_taxonomy)


@Language.factory(CUES_KEY, default_config={"spans_key": CUES_KEY})
def make_cue_ruler(nlp: Language, name: str, spans_key: str) -> "TermRuler":
    return TermRuler(nlp, name=name, spans_key=spans_key, label_field="label",
                     default_terms=default_cues)


class TermRuler:
    """Phrase matcher over a term list, writing non-overlapping spans to ``doc.spans``."""

    def __init__(self, nlp: Language, *, name: str, spans_key: str, label_field: str,
                 default_terms: Callable[[], Taxonomy]) -> None:
        register_extensions()
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.label_field = label_field
        self._default_terms = default_terms
        self.terms: Optional[Taxonomy] = None
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._label_of: dict[int, int] = {}

    # -------------------------------------------------------------- data in
    def initialize(self, get_examples: Optional[Callable[[], Iterable]] = None, *,
                   nlp: Optional[Language] = None, path: Optional[str] = None,
                   terms: Optional[Taxonomy] = None) -> None:
        """Load the term list: ``terms`` if given, else the file at ``path``, else the packaged one."""
        if terms is None:
            if path is not None:
                from .taxonomy import read
                terms = read(path, label_field=self.label_field)
            else:
                terms = self._default_terms()
        self.set_terms(terms)

    def set_terms(self, terms: Taxonomy) -> None:
        self.terms = terms
        self._lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self._label_of = {}
        strings = self.nlp.vocab.strings
        for entry in terms.entries:
            exact, lower = [], []
            for pattern in entry.patterns:
                target = exact if is_case_sensitive(pattern) else lower
                target.extend(self.nlp.make_doc(form) for form in surface_forms(pattern))
            if exact:
                self._exact.add(entry.id, exact)
            if lower:
                self._lower.add(entry.id, lower)
            self._label_of[strings.add(entry.id)] = strings.add(entry.label)

    # -------------------------------------------------------------- annotate
    def __call__(self, doc: Doc) -> Doc:
        if self.terms is None:
            raise ValueError(f"The '{self.name}' component has no terms: call nlp.initialize() first.")
        matches = self._lower(doc) + self._exact(doc)
        spans = filter_spans(
            Span(doc, start, end, label=self._label_of[match_id], span_id=match_id)
            for match_id, start, end in matches
        )
        doc.spans[self.spans_key] = spans
        by_id = self.terms.by_id
        for span in spans:
            entry = by_id[span.id_]
            span._.dualuse_term = entry.name
            if entry.category is not None:
                span._.dualuse_category = entry.category
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    # -------------------------------------------------------------- serialisation
    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        return srsly.msgpack_dumps({"terms": self._lines(), "spans_key": self.spans_key})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()) -> "TermRuler":
        payload = srsly.msgpack_loads(data)
        self.spans_key = payload["spans_key"]
        self.set_terms(parse_lines(payload["terms"], label_field=self.label_field, origin=self.name))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / _DATA_FILE).write_text("\n".join(self._lines()) + "\n", encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> "TermRuler":
        from .taxonomy import read
        self.set_terms(read(ensure_path(path) / _DATA_FILE, label_field=self.label_field))
        return self

    def _lines(self) -> list[str]:
        if self.terms is None:
            raise ValueError(f"The '{self.name}' component has no terms to save.")
        return self.terms.to_lines(self.label_field)


def term_table(nlp: Language) -> dict[str, object]:
    """Term id -> taxonomy entry for the pipeline's technology ruler."""
    ruler = nlp.get_pipe(TECH_KEY)
    return ruler.terms.by_id if ruler.terms else {}


__all__ = ["TermRuler", "make_tech_ruler", "make_cue_ruler", "register_extensions",
           "TECH_KEY", "CUES_KEY", "term_table"]
