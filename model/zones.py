"""Running nlp.pipe over an endless stream with flat memory.

Documents are processed inside ``nlp.memory_zone()`` blocks, so the strings and lexemes of
each block are freed when it ends. spaCy's tokenizer never caches inside a memory zone,
though, and an empty cache makes tokenization several times slower. So the first
``WARM_DOCS`` documents a pipeline ever sees run outside any zone, with the tokenizer cache
raised to ``TOKENIZER_CACHE`` entries: their words fill the cache once (a bounded amount of
memory, some tens of megabytes) and every later zone reuses it.
"""

from __future__ import annotations

import weakref
from itertools import islice
from typing import Iterable, Iterator

from spacy.language import Language

WARM_DOCS = 10_000
ZONE_DOCS = 2000
TOKENIZER_CACHE = 200_000

_warmed: "weakref.WeakKeyDictionary[Language, int]" = weakref.WeakKeyDictionary()


def pipe_in_zones(nlp: Language, pairs: Iterable[tuple], *, batch_size: int = 64,
                  zone_size: int = ZONE_DOCS, consume=None, zone_end=None) -> Iterator:
    """Yield ``consume(doc, context)`` for each (text, context) pair, in order.

    ``consume`` turns the Doc into plain data inside the zone (a Doc must not outlive its zone);
    without it the (doc, context) pairs are yielded, valid only until the next item.
    ``zone_end()`` is called after the last item of each zone is consumed, while the zone's
    strings still exist (to look up, at once, the strings of keys ``consume`` kept).
    """
    consume = consume or (lambda doc, context: (doc, context))
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
            for doc, context in nlp.pipe(chunk(), as_tuples=True, batch_size=batch_size):
                yield consume(doc, context)
            if zone_end is not None:
                zone_end()
            _warmed[nlp] = _warmed.get(nlp, 0) + taken
        else:
            with nlp.memory_zone():
                for doc, context in nlp.pipe(chunk(), as_tuples=True, batch_size=batch_size):
                    yield consume(doc, context)
                if zone_end is not None:
                    zone_end()
        if taken < size:
            return
