"""Classifier inputs from an annotated Doc, as plain strings (no spaCy objects reach sklearn).

A row is a 3-tuple of strings: (text, cue ids, technology tags). The document row holds the
whole text; a context row holds the words around one mention (or one cue sentence). Training
and inference build rows with these same functions.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from .components import CUES_KEY, TECH_KEY

TEXT, CUES, TAGS = 0, 1, 2
NO_MENTION = "no_mention"
WINDOW = 40  # tokens either side of a mention, inside its sentence


def _tags(spans) -> str:
    tags = []
    for s in spans:
        tags.append(f"fam_{s.label_}")
        tags.append(f"term_{s.id_}")
    return " ".join(dict.fromkeys(tags)) or NO_MENTION


def _cues(spans) -> str:
    return " ".join(c.id_ for c in spans)


def document_row(doc: Doc) -> tuple[str, str, str]:
    return (doc.text, _cues(doc.spans.get(CUES_KEY, [])), _tags(doc.spans.get(TECH_KEY, [])))


def context_window(span: Span, window: int = WINDOW) -> Span:
    sent = span.sent
    start = max(sent.start, span.start - window)
    end = min(sent.end, span.end + window)
    return span.doc[start:end]


def _inside(spans, outer: Span) -> list[Span]:
    return [s for s in spans if s.start >= outer.start and s.end <= outer.end]


def mention_row(span: Span, cues, window: int = WINDOW) -> tuple[str, str, str]:
    ctx = context_window(span, window)
    return (ctx.text, _cues(_inside(cues, ctx)), _tags([span]))


def context_rows(doc: Doc, window: int = WINDOW) -> tuple[list[tuple], list[tuple[int, int]]]:
    """One row per mention, then one row per sentence that has cues but no mention.

    Returns the rows and, for each, the (start_char, end_char) of its sentence.
    """
    cues = list(doc.spans.get(CUES_KEY, []))
    mentions = list(doc.spans.get(TECH_KEY, []))
    rows, sentences = [], []
    with_mentions = set()
    for span in mentions:
        rows.append(mention_row(span, cues, window))
        sent = span.sent
        sentences.append((sent.start_char, sent.end_char))
        with_mentions.add(sent.start)
    for cue in cues:
        sent = cue.sent
        if sent.start in with_mentions:
            continue
        with_mentions.add(sent.start)
        rows.append((sent.text, _cues(_inside(cues, sent)), NO_MENTION))
        sentences.append((sent.start_char, sent.end_char))
    return rows, sentences
