"""Classifier inputs from an annotated Doc, as plain strings (no spaCy objects reach sklearn).

A row is a 3-tuple of strings: (text, cue ids, technology tags). The document row holds the
whole text; a context row holds the words around one mention (or one cue sentence). Training
and inference build rows with these same functions.
"""

from __future__ import annotations

from spacy.attrs import LOWER
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


def lower_tokens(doc: Doc) -> list[str]:
    """The lower-cased tokens of ``doc``, read from the token array.

    ``doc.text`` and ``span.text`` build a Python Token object per token, which costs more
    than the classifier itself; every row is built from this list instead.
    """
    strings = doc.vocab.strings
    return [strings[h] for h in doc.to_array(LOWER).tolist()]


def document_row(doc: Doc, tokens: list[str] | None = None) -> tuple[str, str, str]:
    tokens = lower_tokens(doc) if tokens is None else tokens
    return (" ".join(tokens), _cues(doc.spans.get(CUES_KEY, [])), _tags(doc.spans.get(TECH_KEY, [])))


def context_window(span: Span, window: int = WINDOW) -> Span:
    sent = span.sent
    start = max(sent.start, span.start - window)
    end = min(sent.end, span.end + window)
    return span.doc[start:end]


def _inside(spans, outer: Span) -> list[Span]:
    return [s for s in spans if s.start >= outer.start and s.end <= outer.end]


def mention_row(span: Span, cues, tokens: list[str], window: int = WINDOW) -> tuple[str, str, str]:
    ctx = context_window(span, window)
    return (" ".join(tokens[ctx.start:ctx.end]), _cues(_inside(cues, ctx)), _tags([span]))


def context_rows(doc: Doc, tokens: list[str] | None = None,
                 window: int = WINDOW) -> tuple[list[tuple], list[tuple[int, int]]]:
    """One row per mention; for a document without mentions, one row per sentence with cues.

    Returns the rows and, for each, the (start_char, end_char) of its sentence.
    """
    tokens = lower_tokens(doc) if tokens is None else tokens
    cues = list(doc.spans.get(CUES_KEY, []))
    mentions = list(doc.spans.get(TECH_KEY, []))
    rows, sentences = [], []
    for span in mentions:
        rows.append(mention_row(span, cues, tokens, window))
        sent = span.sent
        sentences.append((sent.start_char, sent.end_char))
    if mentions:
        return rows, sentences
    seen = set()
    for cue in cues:
        sent = cue.sent
        if sent.start in seen:
            continue
        seen.add(sent.start)
        rows.append((" ".join(tokens[sent.start:sent.end]), _cues(_inside(cues, sent)), NO_MENTION))
        sentences.append((sent.start_char, sent.end_char))
    return rows, sentences
