"""Building the spaCy extraction pipeline: blank English, sentences, technology and cue rulers."""

from __future__ import annotations

import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER
from spacy.language import Language
from spacy.util import registry

from . import components  # noqa: F401  (registers the factories when the package is not installed)
from .components import CUES_KEY, TECH_KEY
from .taxonomy import Taxonomy

# The lexical attributes dualuse reads (ORTH and LENGTH are always set; IDX and SENT_START
# belong to tokens, not lexemes).
LEXEME_ATTRS = (LOWER, IS_PUNCT, IS_SPACE)


def lean_lexemes(nlp: Language) -> Language:
    """Make ``nlp`` compute only ``LEXEME_ATTRS`` for the lexemes it creates from now on.

    spaCy fills about twenty attributes (shape, stop word, like_num, norm...) the first time it
    meets a word, in Python: a quarter of the time it takes to tokenize new text. The tagger and
    training read none of them, so their private pipelines skip them; outputs are unchanged.
    A pipeline opened with ``spacy.load(bundle)`` keeps spaCy's full set.
    """
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attr: getters[attr] for attr in LEXEME_ATTRS if attr in getters}
    return nlp


@registry.callbacks("dualuse.lean_lexemes.v1")
def _lean_lexemes_callback():
    return lean_lexemes


@registry.tokenizers("dualuse.saved_tokenizer.v1")
def _saved_tokenizer():
    """A tokenizer without rules, for a pipeline whose saved tokenizer is loaded next.

    Loading a saved tokenizer replaces every setting and special case the factory made, so
    building spaCy's English defaults first (about 0.1 s) would be wasted.
    """
    from spacy.tokenizer import Tokenizer

    return lambda nlp: Tokenizer(nlp.vocab)


# The tagger's private pipeline: lean lexemes, and (where the bundle holds one) the tokenizer
# only as saved.
LEAN_CONFIG = {"nlp": {"after_creation": {"@callbacks": "dualuse.lean_lexemes.v1"}}}
SAVED_TOKENIZER = {"@tokenizers": "dualuse.saved_tokenizer.v1"}


# A closing parenthesis before a hyphenated word ("surface-enhanced Raman spectroscopy
# (SERS)-based assay") is split off with the hyphen, so that the acronym inside is a token of its
# own; spaCy's English rules leave "SERS)-based" whole.
# A double quote between two letters or a digit and a letter is split off too: the SBIR abstracts
# write most apostrophes as one ("the Navy"s ships", "FPGA"s", "can"t") and glue quotes to the
# next word ('titled"Weapons'), which left the term and the cue words inside longer tokens.
# An opening parenthesis glued to a small letter before a capital is split off as well: an acronym
# defined without a space ("signals intelligence(SIGINT)") was left inside one token.
# A full stop glued between an acronym and the next sentence ("on a UAV.The", "to the DOD.Phase II")
# is split off too: the acronym and the sentence end were inside one token. So is an opening
# parenthesis glued between an acronym and its capitalised long form ("an MRAP(Mine Resistant
# Ambush Protected) vehicle"); not one before a single capital ("DD(X)", "P(Y)") or a digit.
# A closing parenthesis after two capitals and before a slash ("Low Probability of Intercept (LPI)/
# Low Probability of Detection") is split off, and the slash after it: "LPI)/" was one token; units
# such as "rad(Si)/sec" stay whole. So is one after two capitals and before a small letter ("Pulse
# Detonation Engine (PDE)and its inlet", "Evolved Expendable Launch Vehicles (EELV)s"), where a lost
# space or a plural glued the acronym to the next word.
EXTRA_INFIXES = (r"\)(?=-[A-Za-z])", r"(?<=\))-(?=[A-Za-z])", r"(?<=[A-Z]{2})\)(?=/)", r"(?<=[A-Z]{2}\))/",
                 r'(?<=[A-Za-z0-9])"(?=[A-Za-z])', r"(?<=[a-z]{2})\((?=[A-Z]{2})", r"(?<=[A-Z]{2})\.(?=[A-Z][a-z])",
                 r"(?<=[A-Z]{2})\((?=[A-Z][a-z])", r"(?<=[A-Z]{2})\)(?=[a-z])")
# A full stop after a word ending in a capital that follows a small letter or a digit ("made of
# GaN.", "for the DoD.", "the EA-18G.", "F-35A. Then") is split off; spaCy's English rules split it
# after two capitals ("HEMT.") or a small letter, not after the mixed case of chemical formulas,
# many acronyms and model designations.
EXTRA_SUFFIXES = (r"(?<=[a-z0-9][A-Z])\.",)


def with_extra_rules(nlp: Language) -> Language:
    from spacy.util import compile_infix_regex, compile_suffix_regex

    nlp.tokenizer.infix_finditer = compile_infix_regex(list(nlp.Defaults.infixes) + list(EXTRA_INFIXES)).finditer
    nlp.tokenizer.suffix_search = compile_suffix_regex(list(nlp.Defaults.suffixes) + list(EXTRA_SUFFIXES)).search
    return nlp


def build_pipeline(taxonomy: Taxonomy | None = None, cues: Taxonomy | None = None, *,
                   lean: bool = True) -> Language:
    """A fresh pipeline over ``taxonomy`` and ``cues`` (the packaged lists when omitted);
    ``lean`` (the default, for training) as in ``lean_lexemes``."""
    nlp = with_extra_rules(spacy.blank("en"))
    if lean:
        lean_lexemes(nlp)
    nlp.add_pipe("dualuse_sentences")
    nlp.add_pipe(TECH_KEY)
    nlp.add_pipe(CUES_KEY)
    nlp.get_pipe(TECH_KEY).initialize(nlp=nlp, terms=taxonomy)
    nlp.get_pipe(CUES_KEY).initialize(nlp=nlp, terms=cues)
    return nlp
