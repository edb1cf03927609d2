"""Runtime: the spaCy extraction pipeline, the classifier and the tagger.

    from dualuse.model import load
    tagger = load()                      # the shipped default bundle
    for record in tagger.tag([("a", "The Navy tested UAVs.")]):
        print(record["flag"], record["mentions"])
"""

from __future__ import annotations


def load(path=None):
    """A Tagger for the bundle at ``path`` (the shipped default bundle when None)."""
    from .tagger import extraction_tagger

    if path is None:
        return extraction_tagger()
    raise NotImplementedError("bundles arrive with the classifier")


__all__ = ["load"]
