"""The tagger: documents in, output records out, in input order.

A document longer than ``PART_CHARS`` is tagged in parts cut at line breaks (a 50 MB text
file would otherwise need gigabytes in one spaCy Doc) and its record is merged: mentions and
evidence keep their offsets in the whole text, and the document's probability is the highest
of its parts, so one military passage in a long report flags the report.
"""

from __future__ import annotations

import bisect
from contextlib import contextmanager
from typing import Iterable, Iterator, Union

from spacy.language import Language

from dualuse.corpora.documents import Document

from .classifier import flag_for
from .codes import find_codes
from .records import error_record, mention_rows
from .zones import pipe_in_zones

CLASSIFIER = "dualuse_classifier"
PART_CHARS = 100_000

Item = Union[str, tuple, Document]


def settle_loaded() -> None:
    """Put everything alive now, the loaded bundle above all, out of the garbage collector's
    reach (``gc.freeze``), for a process that loaded its tagger and now only tags: a full
    collection then walks only what the documents in flight made, not the model's tens of
    thousands of long-lived objects as well. Not done by ``load``: in a caller's own process
    it is the caller's choice (``settled`` undoes it when the tagging ends)."""
    import gc

    gc.collect()
    gc.freeze()


@contextmanager
def settled() -> Iterator[None]:
    """``settle_loaded`` for the length of a run, then the frozen objects are handed back to
    the collector (a process that tags several times frees each finished tagger)."""
    import gc

    settle_loaded()
    try:
        yield
    finally:
        gc.unfreeze()


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


def split_parts(text: str, size: int = PART_CHARS) -> list[tuple[int, str]]:
    """(offset, text) parts of at most ``size`` characters, cut after a line break or a space
    where one falls in the last fifth of a part, but not one that follows a word broken after
    its hyphen ("ra-\\ndar": the part would end inside the word)."""
    def last(sep: str, lo: int, hi: int) -> int:
        cut = text.rfind(sep, lo, hi)
        while cut >= 2 and text[cut - 1] == "-" and text[cut - 2].isalpha():
            cut = text.rfind(sep, lo, cut)
        return cut

    parts, start = [], 0
    while len(text) - start > size:
        end = start + size
        cut = last("\n", end - size // 5, end)
        if cut < 0:
            cut = last(" ", end - size // 5, end)
        end = cut + 1 if cut >= 0 else end
        parts.append((start, text[start:end]))
        start = end
    parts.append((start, text[start:]))
    return parts


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
        pending: list[dict] = []

        def pairs():
            for i, item in enumerate(items):
                document = as_document(item, i)
                if document.error is not None or len(document.text) <= PART_CHARS:
                    yield document.text if document.error is None else "", (document, 0, 1, 0)
                    continue
                parts = split_parts(document.text)
                for k, (offset, text) in enumerate(parts):
                    yield text, (document, k, len(parts), offset)

        def consume(doc, context):
            document, k, n, offset = context
            record = self.record(doc, document, offset=offset)
            if n == 1:
                return record
            pending.append(record)
            if k < n - 1:
                return None
            merged = self._merge(pending, document)
            pending.clear()
            return merged

        def failed(exc, context):
            document, k, n, offset = context
            message = f"could not be processed ({type(exc).__name__}: {str(exc)[:200]})"
            return consume(None, (document.failed_with(message), k, n, offset))

        for record in pipe_in_zones(self.nlp, pairs(), batch_size=batch_size, consume=consume, on_error=failed):
            if record is not None:
                yield record

    def record(self, doc, document: Document, *, offset: int = 0) -> dict:
        if document.error is not None:
            record = error_record(document.id, document.source, document.error, self.model)
            if document.meta:
                record["meta"] = _public_meta(document.meta)
            return record
        record = {"id": document.id, "source": document.source}
        mentions = mention_rows(doc)
        evidence = drivers = None
        if self.classifier is not None:
            ext = doc._
            prob = ext.dualuse_military_prob
            record["military_prob"] = round(prob, 4)
            record["flag"] = flag_for(prob, self._override) if self._override else ext.dualuse_flag
            text = document.text
            evidence = [{"start": e["start"], "end": e["end"], "military_prob": e["military_prob"],
                         "cues": [text[offset + a:offset + b] for a, b in e["cue_spans"]]}
                        for e in ext.dualuse_evidence]
            drivers = ext.dualuse_drivers
        if offset:
            _shift(mentions, evidence, offset)
        pages = document.meta.get("pages")
        if pages:
            _add_pages(mentions, evidence, pages)
        record["mentions"] = mentions
        # A long document's codes are found once in its whole text (_merge): a code may straddle parts.
        record["codes"] = _cited_codes(document) if len(document.text) <= PART_CHARS else []
        if self.classifier is not None:
            record["evidence"] = evidence
            record["drivers"] = drivers
        if document.meta:
            record["meta"] = _public_meta(document.meta)
        record["model"] = self.model
        record["error"] = None
        return record

    def _merge(self, parts: list[dict], document: Document) -> dict:
        failed = [r for r in parts if r.get("error")]
        if failed:  # a part the pipeline could not process: the document failed
            return {**failed[0], "meta": {**failed[0].get("meta", {}), "parts": len(parts)}}
        first = parts[0]
        merged = {"id": first["id"], "source": first["source"]}
        if self.classifier is not None:
            top = max(parts, key=lambda r: r["military_prob"])
            merged["military_prob"] = top["military_prob"]
            merged["flag"] = flag_for(top["military_prob"], self.thresholds)
            toward_military = top["military_prob"] >= 0.5
            evidence = sorted((e for r in parts for e in r["evidence"]),
                              key=lambda e: -e["military_prob"] if toward_military else e["military_prob"])
        merged["mentions"] = [m for r in parts for m in r["mentions"]]
        merged["codes"] = _cited_codes(document)
        if self.classifier is not None:
            merged["evidence"] = evidence[: self.classifier.max_evidence]
            merged["drivers"] = top["drivers"]
        merged["meta"] = {**first.get("meta", {}), "parts": len(parts)}
        merged["model"] = self.model
        merged["error"] = None
        return merged


def _shift(mentions: list[dict], evidence: list[dict] | None, offset: int) -> None:
    for m in mentions:
        m["start"] += offset
        m["end"] += offset
        m["sentence"] = [m["sentence"][0] + offset, m["sentence"][1] + offset]
    for e in evidence or []:
        e["start"] += offset
        e["end"] += offset


def _cited_codes(document: Document) -> list[dict]:
    """The control-list codes a document's text cites, with their page where it has pages."""
    codes = find_codes(document.text)
    if document.meta.get("pages"):
        _add_pages(codes, None, document.meta["pages"])
    return codes


def _add_pages(mentions: list[dict], evidence: list[dict] | None, pages: list) -> None:
    """Page number (1-based) of each mention (or code) and evidence sentence, from the pages'
    offsets."""
    starts = [p[0] for p in pages]
    for item in list(mentions) + list(evidence or []):
        item["page"] = max(1, bisect.bisect_right(starts, item["start"]))


def _public_meta(meta: dict) -> dict:
    """What a record says about its source: page offsets become a page count."""
    out = dict(meta)
    if isinstance(out.get("pages"), list):
        out["pages"] = len(out["pages"])
    return out
