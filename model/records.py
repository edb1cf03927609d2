"""From an annotated spaCy Doc to the output record (plain data, no spaCy objects)."""

from __future__ import annotations

from spacy.tokens import Doc

from .components import CUES_KEY, TECH_KEY


def mention_rows(doc: Doc) -> list[dict]:
    """One dict per technology mention, with its sentence and the cue phrases in that sentence."""
    cues = list(doc.spans[CUES_KEY]) if CUES_KEY in doc.spans else []
    rows = []
    for span in doc.spans.get(TECH_KEY, []):
        sent = span.sent
        rows.append({
            "text": span.text,
            "start": span.start_char,
            "end": span.end_char,
            "term": span._.dualuse_term,
            "term_id": span.id_,
            "family": span.label_,
            "category": span._.dualuse_category,
            "sentence": [sent.start_char, sent.end_char],
            "cues": [c.text for c in cues if c.start >= sent.start and c.end <= sent.end],
        })
    return rows


def cue_rows(doc: Doc) -> list[dict]:
    return [{"text": c.text, "start": c.start_char, "end": c.end_char, "polarity": c.label_}
            for c in doc.spans.get(CUES_KEY, [])]


def error_record(doc_id: str, source: str, error: str, model: str) -> dict:
    return {"id": doc_id, "source": source, "mentions": [], "model": model, "error": error}
