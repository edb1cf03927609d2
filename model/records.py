"""From an annotated spaCy Doc to the output record (plain data, no spaCy objects)."""

from __future__ import annotations

import bisect

import numpy as np
from spacy.tokens import Doc

from .components import CUES_KEY, IDX_COL, IS_SPACE_COL, LENGTH_COL, TECH_KEY, columns_with_sent_starts
from .features import first_non_space


def mention_rows(doc: Doc) -> list[dict]:
    """One dict per technology mention, with its sentence and the cue phrases in that sentence.

    Offsets come from one token-array read: spaCy's ``span.sent`` and ``span.start_char``
    build Token objects, which made this the slowest step of a record.
    """
    mentions = list(doc.spans.get(TECH_KEY, []))
    if not mentions:
        return []
    arr = columns_with_sent_starts(doc, (None, IDX_COL, LENGTH_COL, IS_SPACE_COL))
    starts = np.flatnonzero(arr[:, 0].astype(np.int64) == 1)
    if not len(starts) or starts[0] != 0:
        starts = np.concatenate([[0], starts])
    ends = np.concatenate([starts[1:], [len(doc)]])
    char_start = arr[:, 1].astype(np.int64)
    char_end = char_start + arr[:, 2].astype(np.int64)
    first_text = first_non_space(arr[:, 3].astype(bool))
    cues = sorted((c.start, c.end, c.text) for c in doc.spans.get(CUES_KEY, []))
    cue_starts = [a for a, _, _ in cues]
    sent_of = np.searchsorted(starts, [m.start for m in mentions], side="right") - 1
    rows = []
    for span, s in zip(mentions, sent_of.tolist()):
        s_lo, s_hi = int(starts[s]), int(ends[s])
        ext = span._
        row = {
            "text": span.text,
            "start": int(char_start[span.start]),
            "end": int(char_end[span.end - 1]),
            "term": ext.dualuse_term,
            "term_id": span.id_,
            "family": span.label_,
            "category": ext.dualuse_category,
        }
        prob = ext.dualuse_military_prob
        if prob is not None:
            row["military_prob"] = round(prob, 4)
        row["sentence"] = [int(char_start[min(first_text[s_lo], s_hi - 1)]), int(char_end[s_hi - 1])]
        row["cues"] = [text for a, b, text in cues[bisect.bisect_left(cue_starts, s_lo):
                                                   bisect.bisect_left(cue_starts, s_hi)] if b <= s_hi]
        rows.append(row)
    return rows


def error_record(doc_id: str, source: str, error: str, model: str) -> dict:
    return {"id": doc_id, "source": source, "mentions": [], "codes": [], "model": model, "error": error}
