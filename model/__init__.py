"""Runtime: the spaCy extraction pipeline, the classifier and the tagger.

    from dualuse.model import load
    tagger = load()                      # the shipped default bundle
    for record in tagger.tag([("a", "The Navy tested UAVs.")]):
        print(record["flag"], record["mentions"])
"""

from __future__ import annotations


def load(path=None):
    """A Tagger for the bundle at ``path`` (the shipped default bundle when None).

    The bundle's files are checked against their SHA-256 in its manifest before anything is
    loaded; a tampered or incomplete bundle raises ``BundleError``. The tagger's own spaCy
    pipeline (``tagger.nlp``) computes only the lexical attributes dualuse reads (see
    ``pipeline.lean_lexemes``): for spaCy's full token attributes use ``spacy.load(path)``.
    """
    from .spacy_import import import_spacy

    import_spacy()  # before any module of ours imports it
    from .bundle import load_pipeline
    from .tagger import Tagger
    from .taxonomy import packaged

    nlp, manifest = load_pipeline(packaged("default") if path is None else path, lean=True)
    return Tagger(nlp, name=manifest.get("name", "dualuse"), version=manifest.get("version", "?"),
                  manifest=manifest)


def tag_partition(pairs, model=None, *, batch_size: int = 64, thresholds=None):
    """Tag (id, text) pairs with the bundle at ``model``, loaded once per process (for Spark
    ``mapPartitions``, Ray ``map_batches``, Dask or any worker pool). Yields records in order."""
    from .parallel import tag_partition as run

    return run(pairs, model, batch_size=batch_size, thresholds=thresholds)


__all__ = ["load", "tag_partition"]
