"""Building the spaCy extraction pipeline: blank English, sentences, technology and cue rulers."""

from __future__ import annotations

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the factories when the package is not installed)
from .components import CUES_KEY, TECH_KEY
from .taxonomy import Taxonomy


def build_pipeline(taxonomy: Taxonomy | None = None, cues: Taxonomy | None = None) -> Language:
    """A fresh pipeline over ``taxonomy`` and ``cues`` (the packaged lists when omitted)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("dualuse_sentences")
    nlp.add_pipe(TECH_KEY)
    nlp.add_pipe(CUES_KEY)
    nlp.get_pipe(TECH_KEY).initialize(nlp=nlp, terms=taxonomy)
    nlp.get_pipe(CUES_KEY).initialize(nlp=nlp, terms=cues)
    return nlp
