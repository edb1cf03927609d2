"""Running nlp.pipe over an endless stream with flat memory, one document's failure not
stopping the rest.

Documents are processed inside ``nlp.memory_zone()`` blocks, so the strings and lexemes of
each block are freed when it ends. spaCy's tokenizer never caches inside a memory zone,
though, and an empty cache makes tokenization several times slower. So the first
``WARM_DOCS`` documents a pipeline ever sees run outside any zone, with the tokenizer cache
raised to ``TOKENIZER_CACHE`` entries: their words fill the cache once (a bounded amount of
memory, some tens of megabytes) and every later zone reuses it.

Two guards keep one document from stalling or ending a run over a whole archive:
- spaCy's tokenizer peels punctuation off a chunk one character at a time, in time quadratic
  in the chunk's length (100,000 commas take hours). A run of ``LONG_RUN`` or more characters
  without a space is cut into pieces of ``RUN_PIECE`` by this module instead (``safe_doc``);
  the text, and so every offset, is unchanged.
- When a batch raises, its documents are run again one by one, and a document that still
  raises is handed to ``on_error`` (or the error is raised, without it).
"""

from __future__ import annotations

import re
import weakref
from itertools import islice
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

WARM_DOCS = 10_000
ZONE_DOCS = 2000
TOKENIZER_CACHE = 200_000

_warmed: "weakref.WeakKeyDictionary[Language, int]" = weakref.WeakKeyDictionary()


LONG_RUN = 1000
RUN_PIECE = 100
_LONG_RUN = re.compile(r"\S{%d,}" % LONG_RUN)


def safe_doc(nlp: Language, text: str) -> str | Doc:
    """``text`` itself, or, when it holds a run of ``LONG_RUN`` characters without a space, a
    Doc of the same text in which each such run is tokens of ``RUN_PIECE`` characters and the
    rest is tokenized as usual."""
    if len(text) < LONG_RUN or not _LONG_RUN.search(text):
        return text
    parts, pos = [], 0
    for match in _LONG_RUN.finditer(text):
        if match.start() > pos:
            parts.append(nlp.tokenizer(text[pos:match.start()]))
        run = match.group(0)
        pieces = [run[i:i + RUN_PIECE] for i in range(0, len(run), RUN_PIECE)]
        parts.append(Doc(nlp.vocab, words=pieces, spaces=[False] * len(pieces)))
        pos = match.end()
    if pos < len(text):
        parts.append(nlp.tokenizer(text[pos:]))
    return Doc.from_docs(parts, ensure_whitespace=False)


def _processed(nlp: Language, batch: list, batch_size: int) -> list:
    """The Docs of a batch of (text, context) pairs; an exception in place of a document that
    cannot be processed."""
    texts = [safe_doc(nlp, text) for text, _ in batch]
    try:
        return list(nlp.pipe(texts, batch_size=batch_size))
    except Exception:  # one bad document: find it, keep the others
        docs = []
        for text in texts:
            try:
                docs.extend(nlp.pipe([text]))
            except Exception as exc:
                docs.append(exc)
        return docs


def _piped(nlp: Language, pairs: Iterable[tuple], batch_size: int, on_error) -> Iterator[tuple]:
    """(doc, context) pairs, or (exception, context) for a document that failed when
    ``on_error`` is given."""
    stream = iter(pairs)
    while True:
        batch = list(islice(stream, batch_size))
        if not batch:
            return
        for doc, (_, context) in zip(_processed(nlp, batch, batch_size), batch):
            if isinstance(doc, Exception) and on_error is None:
                raise doc
            yield doc, context


def pipe_in_zones(nlp: Language, pairs: Iterable[tuple], *, batch_size: int = 64,
                  zone_size: int = ZONE_DOCS, consume=None, zone_end=None, on_error=None) -> Iterator:
    """Yield ``consume(doc, context)`` for each (text, context) pair, in order.

    ``consume`` turns the Doc into plain data inside the zone (a Doc must not outlive its zone);
    without it the (doc, context) pairs are yielded, valid only until the next item.
    ``zone_end()`` is called after the last item of each zone is consumed, while the zone's
    strings still exist (to look up, at once, the strings of keys ``consume`` kept).
    ``on_error(exception, context)`` gives what to yield for a document the pipeline raised on;
    without it the exception is raised.
    """
    consume = consume or (lambda doc, context: (doc, context))

    def handled(doc, context):
        return on_error(doc, context) if isinstance(doc, Exception) else consume(doc, context)

    stream = iter(pairs)
    while True:
        warm_left = WARM_DOCS - _warmed.get(nlp, 0)
        size = warm_left if warm_left > 0 else zone_size
        taken = 0

        def chunk():
            nonlocal taken
            for pair in islice(stream, size):
                taken += 1
                yield pair

        if warm_left > 0:
            nlp.tokenizer.max_cache_size = max(nlp.tokenizer.max_cache_size, TOKENIZER_CACHE)
            for doc, context in _piped(nlp, chunk(), batch_size, on_error):
                yield handled(doc, context)
            if zone_end is not None:
                zone_end()
            _warmed[nlp] = _warmed.get(nlp, 0) + taken
        else:
            with nlp.memory_zone():
                for doc, context in _piped(nlp, chunk(), batch_size, on_error):
                    yield handled(doc, context)
                if zone_end is not None:
                    zone_end()
        if taken < size:
            return
