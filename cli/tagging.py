"""`dualuse tag` as a function: inputs in, records out."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Optional


def tag_inputs(inputs: Iterable[str], *, model: Optional[Path] = None, batch_size: int = 64,
               stdin=None) -> Iterator[dict]:
    """Load the bundle now (so a bad bundle fails before any output), then stream records."""
    from dualuse.corpora.readers import iter_documents
    from dualuse.model import load

    tagger = load(model)
    return tagger.tag(iter_documents(inputs, stdin=stdin), batch_size=batch_size)
