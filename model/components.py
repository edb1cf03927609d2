"""spaCy components that mark technology mentions and context cues.

``dualuse_tech`` writes one span per technology mention to ``doc.spans["dualuse_tech"]``
(label = family, id = term id); ``dualuse_cues`` writes military and civilian context phrases
to ``doc.spans["dualuse_cues"]`` (label = "military" or "civilian"). Both are one class,
``TermRuler``, fed a different term list. Words match case-insensitively; single-token
acronyms ("AI", "GPS", "GaN") match by exact case so they do not fire inside ordinary words
or on lower-case noise. Overlapping matches keep the longest.
"""

from __future__ import annotations

import itertools
import os
import re
import weakref
from pathlib import Path
from typing import Callable, Iterable, Optional

import numpy as np
import srsly
from spacy.attrs import FLAG19, IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList, ensure_path, filter_spans, minibatch

from .taxonomy import (FORMS_VERSION, Taxonomy, TaxonomyError, default_cues, default_taxonomy, is_case_sensitive,
                       parse_lines, surface_forms)

TECH_KEY = "dualuse_tech"
CUES_KEY = "dualuse_cues"
_DATA_FILE = "terms.jsonl"
_FORMS_FILE = "forms.json"
_EXCLUDE = "dualuse_not_a_mention"
CONTEXT_WINDOW = 150  # tokens either side of a context pattern in which a context word must be


def context_key(entry_id: str) -> str:
    """The matcher key of an entry's context patterns."""
    return entry_id + "|context"


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def register_extensions() -> None:
    """Extension attributes written by the rulers and, when a classifier is present, the tagger."""
    for name, default in (("dualuse_term", None), ("dualuse_category", None),
                          ("dualuse_military_prob", None)):
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name in ("dualuse_military_prob", "dualuse_flag"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.factory(TECH_KEY, default_config={"spans_key": TECH_KEY})
def make_tech_ruler(nlp: Language, name: str, spans_key: str) -> "TermRuler":
    return TermRuler(nlp, name=name, spans_key=spans_key, label_field="family",
                     default_terms=default_taxonomy)


@Language.factory(CUES_KEY, default_config={"spans_key": CUES_KEY})
def make_cue_ruler(nlp: Language, name: str, spans_key: str) -> "TermRuler":
    return TermRuler(nlp, name=name, spans_key=spans_key, label_field="label",
                     default_terms=default_cues)


@Language.factory("dualuse_sentences")
def make_sentence_splitter(nlp: Language, name: str) -> "SentenceSplitter":
    return SentenceSplitter(nlp, name=name)


class SentenceSplitter:
    """Sentence boundaries by spaCy's ``sentencizer`` rule, computed a batch at a time.

    A sentence starts at the first word token after a sentence-final character. spaCy's
    sentencizer applies the rule token by token in Python; here it is a few numpy operations
    over a whole batch, with one array read and one array write per document.
    """

    def __init__(self, nlp: Language, *, name: str) -> None:
        from spacy.lang.lex_attrs import is_punct
        from spacy.pipeline import Sentencizer

        self.name = name
        self._final = np.array(sorted(nlp.vocab.strings.add(c) for c in Sentencizer.default_punct_chars),
                               dtype=np.uint64)
        # All of them are punctuation (IS_PUNCT): then only punctuation tokens need a look-up.
        self._all_punct = all(is_punct(c) for c in Sentencizer.default_punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for batch in minibatch(stream, size=batch_size):
            self.set_annotations(batch)
            yield from batch

    def set_annotations(self, docs: list[Doc]) -> None:
        docs = [d for d in docs if len(d)]
        if not docs:
            return
        arrays = [token_columns(d)[:, (ORTH_COL, IS_PUNCT_COL)] for d in docs]
        sizes = np.array([len(a) for a in arrays])
        arr = np.concatenate(arrays)
        if self._all_punct:
            final = np.zeros(len(arr), dtype=bool)
            punct = np.flatnonzero(arr[:, 1])
            final[punct] = np.isin(arr[punct, 0].astype(np.uint64), self._final)
        else:
            final = np.isin(arr[:, 0].astype(np.uint64), self._final)
        word = ~(arr[:, 1].astype(bool) | final)
        firsts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        # A word starts a sentence when a sentence-final character came after the previous
        # word of the same document.
        index = np.arange(len(arr))
        last_word = np.maximum.accumulate(np.where(word, index, -1))
        prev_word = np.concatenate([[-1], last_word[:-1]])
        doc_first = np.repeat(firsts, sizes)
        prev_word = np.where(prev_word >= doc_first, prev_word, doc_first - 1)
        finals = np.concatenate([[0], np.cumsum(final)])
        start = word & (finals[index] > finals[prev_word + 1])
        start[firsts] = True
        values = np.where(start, 1, -1).astype(np.uint64).reshape(-1, 1)
        for doc, lo, n in zip(docs, firsts.tolist(), sizes.tolist()):
            doc.from_array([SENT_START], values[lo:lo + n])


class TermRuler:
    """Phrase matcher over a term list, writing non-overlapping spans to ``doc.spans``."""

    def __init__(self, nlp: Language, *, name: str, spans_key: str, label_field: str,
                 default_terms: Callable[[], Taxonomy]) -> None:
        register_extensions()
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.label_field = label_field
        self._default_terms = default_terms
        self.terms: Optional[Taxonomy] = None
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._label_of: dict[int, int] = {}
        self._context_of: dict[int, tuple] = {}  # context-pattern key -> (entry id, context word hashes)
        self._has_exclusions = False
        self._exclude_key = 0
        self.forms: dict = {}
        self.resolve_acronyms = label_field == "family"

    # -------------------------------------------------------------- data in
    def initialize(self, get_examples: Optional[Callable[[], Iterable]] = None, *,
                   nlp: Optional[Language] = None, path: Optional[str] = None,
                   terms: Optional[Taxonomy] = None) -> None:
        """Load the term list: ``terms`` if given, else the file at ``path``, else the packaged one."""
        if terms is None:
            if path is not None:
                from .taxonomy import read
                terms = read(path, label_field=self.label_field)
            else:
                terms = self._default_terms()
        self.set_terms(terms)

    def set_terms(self, terms: Taxonomy, forms: Optional[dict] = None) -> None:
        """Build the matchers. ``forms`` are the tokenized surface forms saved with the
        component (see ``token_forms``); without them every form is tokenized here, which is
        most of the time it takes to load a bundle."""
        self.terms = terms
        if forms is None:
            forms = self._shipped_forms(terms)
        forms = forms if forms is not None else token_forms(terms, _private_tokenizer(self.nlp))
        # Kept as tuples: the collector stops walking a tuple of strings after its first pass, and
        # the 45,000 forms held as lists made every full collection while tagging slower.
        self.forms = {key: (tuple(map(tuple, exact)), tuple(map(tuple, lower))) for key, (exact, lower) in forms.items()}
        vocab = self.nlp.vocab
        self._joinable_table = None  # made on first use (``_joinable``): a pipeline that only saves needs none
        self._entry_words: dict = {}  # entry id -> its words, made on first use (``_words_of``)
        self._around_words = None  # made on first use (``_words_around``)
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        self._label_of = {}
        strings = vocab.strings
        self._context_of = {}
        for entry in terms.entries:
            keys = [entry.id] + ([context_key(entry.id)] if entry.context_patterns else [])
            for key in keys:
                exact, lower = self.forms.get(key, ([], []))
                if exact:
                    self._exact.add(key, [_exact_pattern(words) for words in exact if words])
                if lower:
                    self._lower.add(key, [_lower_pattern(words) for words in lower if words])
                self._label_of[strings.add(key)] = strings.add(entry.label)
            if entry.context_patterns:
                self._context_of[strings[context_key(entry.id)]] = (
                    strings.add(entry.id), np.array([get_string_id(w) for w in entry.context], dtype=np.uint64))
        # Defence funders' SBIR/STTR topic numbers name the entry of their funder (a cue list
        # without that entry reads none of them).
        self._topic_cues = {} if self.label_field == "family" else {
            prefix: (strings.add(terms.by_id[cue].label), strings.add(cue))
            for prefix, cue in _TOPIC_FUNDER_CUE.items() if cue in terms.by_id}
        # The words that let a document's topic numbers be read are matched with the cues (no
        # second pass over the document); their matches are taken out before the cue spans are made.
        self._topic_gate = strings.add(_TOPIC_GATE) if self._topic_cues else 0
        if self._topic_gate:
            self._lower.add(_TOPIC_GATE, [_lower_pattern([w]) for w in _TOPIC_WORDS])
        # Phrases in which a pattern names something else ("frigate tuna"): they win as the
        # longer match and are then dropped.
        self._exclude_key = strings.add(_EXCLUDE)
        self._label_of[self._exclude_key] = self._exclude_key
        exclusions = self.forms.get(_EXCLUDE, ([], []))[1]
        self._has_exclusions = bool(exclusions)
        if exclusions:
            self._lower.add(_EXCLUDE, [_lower_pattern(words) for words in exclusions if words])

    def _joinable(self) -> "_Joinable":
        """The term words a hyphen inside a word may split ("ener-gy"), made once.

        A word written with a common prefix and a hyphen ("multi-sensor", "anti-tamper") is
        most of them: for those the matchers get the hyphenated forms as patterns of their own
        (tokens "multi", "-", "sensor"), found on the document itself, and only the other
        splits need a view (``_hyphen_joined_matches``)."""
        if self._joinable_table is None:
            words = self._form_words()
            splits = {w: [(p, w[len(p):]) for p in _PREFIXES_BY_START.get(w[:2], ())
                          if w.startswith(p) and len(w) - len(p) >= 3] for w in words}
            splits = {w: s for w, s in splits.items() if s}
            for key, (exact, lower) in self.forms.items():
                for matcher, forms, pattern in ((self._exact, exact, _exact_pattern),
                                                (self._lower, lower, _lower_pattern)):
                    variants = [v for form in forms for v in _prefix_variants(form, splits)]
                    if variants:
                        matcher.add(key, [pattern(v) for v in variants])
            self._joinable_table = _Joinable(words, {pair for pairs in splits.values() for pair in pairs})
        return self._joinable_table

    def _cue_joinable(self) -> "_Joinable":
        """The cue words a hyphen may split ("mil-\\nitary"), made once; no patterns added."""
        if self._joinable_table is None:
            self._joinable_table = _Joinable(self._form_words())
        return self._joinable_table

    def _form_words(self) -> set:
        """The lower-case words of five letters or more in the ruler's forms: those a hyphen may
        split (``_joinable``, ``_cue_joinable``)."""
        return {w.lower() for exact, lower in self.forms.values()
                for form in (*exact, *lower) for w in form if len(w) >= 5 and w.isalpha()}

    def _words_around(self) -> tuple[frozenset, frozenset]:
        """The pairs of words that follow each other in a form, as hashes of their lower case, and
        the first words of the pairs, made once: only an acronym in parentheses between such a
        pair can stand inside a term."""
        if self._around_words is None:
            written = {(a.lower(), b.lower()) for exact, lower in self.forms.values()
                       for form in (*exact, *lower) for a, b in zip(form, form[1:])}
            # a word with a common prefix may be written with it hyphenated ("infra-red
            # countermeasure", "manned un-manned teaming"): its last part, or the prefix, stands
            # next to the parenthesis
            ids = _LOWER_IDS
            lasts, starts = {}, {}
            for a, b in written:
                if a not in lasts:
                    lasts[a] = [ids[a]] + [ids[a[len(p):]] for p in _PREFIXES_BY_START.get(a[:2], ()) if a.startswith(p)]
                if b not in starts:
                    starts[b] = [ids[b]] + [ids[p] for p in _PREFIXES_BY_START.get(b[:2], ()) if b.startswith(p)]
            hashed = frozenset((x, y) for a, b in written for x in lasts[a] for y in starts[b])
            self._around_words = (hashed, frozenset(a for a, _ in hashed))
        return self._around_words

    def _words_of(self, entry_id: str) -> frozenset:
        """The lower-case words of an entry's name and patterns (to tell whether a phrase is
        about the same thing), computed once per entry."""
        if entry_id not in self._entry_words:
            entry = self.terms.by_id[entry_id]
            text = " ".join([entry.name, *entry.patterns, *entry.context_patterns]).lower()
            self._entry_words[entry_id] = frozenset(re.findall(r"[a-z0-9]+", text))
        return self._entry_words[entry_id]

    def _entry_of(self, phrase: Span) -> tuple[int, int] | None:
        """(label, id) of the term that ``phrase`` names exactly, by itself (the ruler's own
        matchers run over just that phrase); None if none does."""
        for matcher in (self._exact, self._lower):
            for match_id, start, end in matcher(phrase):
                if start == phrase.start and end == phrase.end and match_id != self._exclude_key:
                    return self._label_of[match_id], match_id
        return None

    # -------------------------------------------------------------- annotate
    def __call__(self, doc: Doc) -> Doc:
        return self._annotate(doc, _ALL_MARKS)

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for batch in minibatch(stream, size=batch_size):
            # cue phrases read no acronym or designation, and hyphens only where a document has
            # space tokens: for them the pass would cost more than it spares
            marks = _marks_of(batch) if self.label_field == "family" else itertools.repeat(_ALL_MARKS)
            for doc, doc_marks in zip(batch, marks):
                yield self._annotate(doc, doc_marks)

    def _annotate(self, doc: Doc, marks: tuple[bool, bool, bool]) -> Doc:
        """``marks``: whether ``doc`` may hold an opening parenthesis, a hyphen (a token, or a
        word ending with one) and the "AN" of an equipment designation (``_marks_of``); the
        readings that start from such a token are skipped where it has none."""
        if self.terms is None:
            raise ValueError(f"The '{self.name}' component has no terms: call nlp.initialize() first.")
        has_open, has_hyphen, has_an = marks
        # Technology terms: made before matching, as it adds the hyphenated-prefix patterns to the
        # matchers. Cue phrases get no such patterns; they are joined only where a document has
        # space tokens, where a line end may break a word ("mil-\nitary").
        joinable = self._joinable() if self.label_field == "family" else None
        # the shared token array serves the hyphen and line-break views and the acronym checks
        arrays = token_columns(doc)
        spaces = arrays[:, IS_SPACE_COL]
        has_space = bool(spaces.any())
        if joinable is None and has_space:
            joinable = self._cue_joinable()
        gapless = _gapless_view(doc, spaces) if has_space else None
        if gapless is None:
            matches = self._lower(doc) + self._exact(doc)
        else:  # the view holds every word of the document: matched once, there
            matches = _matches_through(gapless, (self._lower, self._exact))
        # technology terms around an acronym in parentheses (cue phrases are not read so: they are
        # seldom written so)
        groups = (_acronym_groups(doc, arrays[:, 1:4], *self._words_around())
                  if self.resolve_acronyms and has_open else [])
        across = (_matches_across_groups(doc, arrays[:, 1], groups, (self._lower, self._exact), gapless)
                  if groups else [])
        if joinable is not None and has_hyphen:
            joined, inside_words = _hyphen_joined_matches(doc, (self._lower, self._exact), joinable, arrays[:, :4],
                                                          gapless, line_ends_only=self.label_field != "family")
            if inside_words:
                matches = [m for m in matches if m[1] not in inside_words]
                across = [m for m in across if m[1] not in inside_words]
            matches += joined
        topic_words = False
        if self._topic_gate:
            kept = [m for m in matches if m[0] != self._topic_gate]
            topic_words, matches = len(kept) < len(matches), kept
        spans = self._spans_of(doc, matches + across, topic_words, arrays, has_an)
        if self.resolve_acronyms and spans:
            definers = spans
            if across:
                # a technology read across an acronym in parentheses: split at it (``_split_at_groups``);
                # acronyms are defined as the spans read without such matches define them
                definers = self._spans_of(doc, matches, topic_words, arrays, has_an)
                spans = _split_at_groups(doc, spans, definers, groups)
            spans = _with_defined_acronyms(doc, spans, self._entry_of, definers)
            spans = _without_redefined_acronyms(doc, spans, self._words_of, arrays[:, 1])
        doc.spans[self.spans_key] = spans
        if self.label_field == "family":
            # Only technology spans carry term attributes: span extension values are keyed by
            # offsets, and a cue with the same offsets must not overwrite them.
            by_id = self.terms.by_id
            for span in spans:
                entry = by_id[span.id_]
                span._.dualuse_term = entry.name
                if entry.category is not None:
                    span._.dualuse_category = entry.category
        return doc

    def _spans_of(self, doc: Doc, matches: list, topic_words: bool, arrays: np.ndarray,
                  has_an: bool) -> list[Span]:
        """The spans of ``matches``: the longest win; exclusions, context patterns without their
        context words and capitalised words inside company names are dropped; equipment
        designations (technology terms) or the funders' topic numbers (cues) are added."""
        label_of = self._label_of
        spans = [Span(doc, start, end, label=label_of[match_id], span_id=match_id)
                 for match_id, start, end in _longest_matches(matches)]
        if self._has_exclusions:
            spans = [s for s in spans if s.id != self._exclude_key]
        if self._context_of and spans:
            spans = _in_context(doc, spans, self._context_of)
        if self.label_field == "family" and spans:
            spans = _outside_company_names(doc, spans)
        if self.label_field == "family" and has_an:
            designations = _equipment_designations(doc, arrays[:, 1], self.terms.by_id)
            if designations:
                spans = filter_spans(spans + designations)
        elif topic_words:
            topics = _topic_numbers(doc, self._topic_cues)
            if topics:
                spans = filter_spans(spans + topics)
        return spans

    # -------------------------------------------------------------- serialisation
    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        return srsly.msgpack_dumps({"terms": self._lines(), "spans_key": self.spans_key})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()) -> "TermRuler":
        payload = srsly.msgpack_loads(data)
        self.spans_key = payload["spans_key"]
        self.set_terms(parse_lines(payload["terms"], label_field=self.label_field, origin=self.name))
        return self

    def _shipped_forms(self, terms: Taxonomy) -> Optional[dict]:
        """The forms saved in the shipped bundle, when ``terms`` are its very terms (building a
        pipeline over the packaged lists, as training does, then tokenizes nothing)."""
        from .taxonomy import packaged

        return _saved_forms(packaged("default") / self.name / _FORMS_FILE,
                            "\n".join(terms.to_lines(self.label_field)) + "\n", version=FORMS_VERSION)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        text = "\n".join(self._lines()) + "\n"
        (path / _DATA_FILE).write_text(text, encoding="utf-8")
        srsly.write_json(path / _FORMS_FILE, {"terms_sha256": _sha256(text), "forms_version": FORMS_VERSION,
                                              "forms": self.forms})

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> "TermRuler":
        from .taxonomy import parse_lines

        path = ensure_path(path)
        text = (path / _DATA_FILE).read_text(encoding="utf-8")
        terms = parse_lines(text.splitlines(), label_field=self.label_field, origin=str(path / _DATA_FILE))
        self.set_terms(terms, _saved_forms(path / _FORMS_FILE, text))
        return self

    def _lines(self) -> list[str]:
        if self.terms is None:
            raise ValueError(f"The '{self.name}' component has no terms to save.")
        return self.terms.to_lines(self.label_field)


def _saved_forms(path: Path, terms_text: str, *, version: Optional[str] = None) -> Optional[dict]:
    """The tokenized forms saved at ``path`` (``to_disk``), only if they were made from these
    very terms (``terms_text``, the term file's text) and, when ``version`` is given, by that
    version of the written-forms rules; None otherwise. A bundle loaded from disk keeps its own
    forms whatever rules made them (it matches as it was trained); a new pipeline built over the
    packaged lists reuses the shipped forms only if today's rules made them."""
    if not path.exists():
        return None
    saved = srsly.read_json(path)
    if saved.get("terms_sha256") != _sha256(terms_text):
        return None
    if version is not None and saved.get("forms_version") != version:
        return None
    return {key: (value[0], value[1]) for key, value in saved["forms"].items()}


def token_forms(terms: Taxonomy, tokenizer: Callable) -> dict:
    """Entry id -> (exact-case forms, lower-case forms), each form a list of token texts; the same
    for an entry's context patterns under ``context_key(entry id)``; the exclusion phrases of all
    entries under ``_EXCLUDE``."""
    forms: dict = {}
    exclusions: dict[str, str] = {}  # lower-case form -> the form as written
    owners: dict[tuple[bool, str], str] = {}  # (exact case?, written form) -> the entry it belongs to
    for entry in terms.entries:
        for key, patterns in ((entry.id, entry.patterns), (context_key(entry.id), entry.context_patterns)):
            if not patterns:
                continue
            exact, lower = set(), {}  # lower: lower-case form -> the form as written
            for pattern in patterns:
                if is_case_sensitive(pattern):
                    exact.update(surface_forms(pattern))
                else:
                    for form in surface_forms(pattern):
                        lower.setdefault(form.lower(), form)
            for case, written in ((True, exact), (False, lower)):
                for form in written:
                    other = owners.setdefault((case, form), entry.id)
                    if other != entry.id:
                        raise TaxonomyError(f"{terms.title}: {form!r} is a written form of both {other!r} and "
                                            f"{entry.id!r} (a plural, or a hyphen written as a space): keep it in one")
            forms[key] = ([[t.text for t in tokenizer(f)] for f in sorted(exact)],
                          [_lower_tokens(tokenizer, lower[f]) for f in sorted(lower)])
        for phrase in entry.exclude:
            for form in surface_forms(phrase):
                exclusions.setdefault(form.lower(), form)
    forms[_EXCLUDE] = ([], [_lower_tokens(tokenizer, exclusions[f]) for f in sorted(exclusions)])
    return forms


def _lower_tokens(tokenizer: Callable, form: str) -> list[str]:
    """The lower-case texts of ``form``'s tokens, tokenized as written: lower-casing first would
    split "IM explosive" as "im" is split (a tokenizer exception: "I", "m"), and documents,
    tokenized as written, never hold those two tokens."""
    return [t.text.lower() for t in tokenizer(form)]


def _private_tokenizer(nlp: Language) -> Callable:
    """A copy of the pipeline's tokenizer for tokenizing patterns.

    spaCy's tokenizer caches at most 10,000 chunks and never evicts: tokenizing thousands of
    pattern variants with the pipeline's own tokenizer would fill that cache and make every
    later document tokenize several times slower.
    """
    from spacy.tokenizer import Tokenizer

    tokenizer = Tokenizer(nlp.vocab)
    tokenizer.from_bytes(nlp.tokenizer.to_bytes())
    return tokenizer


def _exact_pattern(words: list[str]) -> tuple:
    """A pattern for the ORTH matcher: the hash of each token's text.

    ``PhraseMatcher.add`` takes such a sequence of attribute values in place of a Doc (it is
    what it keeps of a Doc pattern anyway). Building 20,000 pattern Docs instead, each word
    made a lexeme, was most of the time a bundle took to load."""
    return tuple(map(_ORTH_IDS.__getitem__, words))


def _lower_pattern(words: list[str]) -> tuple:
    """A pattern for the LOWER matcher: what a token's LOWER is, the hash of ``text.lower()``."""
    return tuple(map(_LOWER_IDS.__getitem__, words))


class _Ids(dict):
    """word -> its hash, computed on first use and kept: the 20,000 patterns share their words,
    and a training run builds its pipeline twice (hashing every word of every pattern was a
    third of building one)."""

    def __init__(self, lower: bool) -> None:
        super().__init__()
        self.lower = lower

    def __missing__(self, word: str) -> int:
        value = self[word] = get_string_id(word.lower() if self.lower else word)
        return value


_ORTH_IDS, _LOWER_IDS = _Ids(lower=False), _Ids(lower=True)


def _longest_matches(matches: list) -> list:
    """spaCy's ``filter_spans`` on (match id, start, end) tuples: the longest match wins (in the
    tokens it would have on one line, where a fourth item gives it: a match across a line break or
    a broken hyphen holds tokens its words do not), then
    the earliest, then the first found; the kept ones in document order. Only these become
    Span objects (a document has two to three times as many matches as mentions)."""
    ordered = sorted(matches, key=lambda m: (m[3] if len(m) > 3 else m[2] - m[1], -m[1]), reverse=True)
    kept, seen = [], set()
    for match in ordered:
        start, end = match[1], match[2]
        if start not in seen and end - 1 not in seen:
            kept.append(match[:3])
            seen.update(range(start, end))
    kept.sort(key=lambda m: m[1])
    return kept


def _is_hyphen_word(text: str) -> bool:
    """A lexical flag: a word ending with its hyphen ("satellite-")."""
    return len(text) > 1 and text[-1] == "-" and text[-2].isalpha()


def _hyphen_flag(vocab) -> int:
    """The attribute id of ``_is_hyphen_word`` in ``vocab``, added once per vocabulary (spaCy
    computes it once per word type, so a document is checked with one ``to_array``; reading
    ``doc.text`` for every document cost a fifth of the extraction time)."""
    for key, getter in vocab.lex_attr_getters.items():
        if getter is _is_hyphen_word:
            return key
    # A bit of the user range (FLAG19-FLAG63), never spaCy's own: left to choose, add_flag takes
    # the lowest bit without a getter, and a pipeline with lean lexemes has none for IS_ALPHA
    # (bit 1), so lexemes made before (tokenizer exceptions: "can" of "cannot") read as flagged.
    free = next(bit for bit in range(FLAG19, 64) if bit not in vocab.lex_attr_getters)
    return vocab.add_flag(_is_hyphen_word, free)


# "short- and long-term": a hyphen held over to the next word, not a broken one.
_SUSPENDED = frozenset(("and", "or", "to", "nor", "versus", "vs"))
_HYPHEN_WINDOW = 8  # tokens either side of a broken hyphen that a term may span


# Characters that end a line; a form feed or a paragraph separator ends a paragraph too.
_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_PARAGRAPH_BREAKS = ("\x0c", "\u2029")
# A term does not run on past the end of a sentence or clause.
_CLAUSE_ENDS = frozenset(".!?;:")
# Characters a line holds before a break for the break to be a hard wrap inside prose: shorter
# lines are list items, headings or table rows ("Laser\nRadar\nSonar"), not one phrase.
_MIN_WRAPPED_LINE = 25


def _in_line(token) -> bool:
    """A space token that may stand inside a phrase: a no-break space, a second space, or one
    line break (hard-wrapped text). Not a tab (it separates the cells of a table), nor a blank
    line, a form feed or a paragraph separator (they end a paragraph)."""
    if not token.is_space:
        return False
    text = token.text.replace("\r\n", "\n")
    if "\t" in text or any(c in text for c in _PARAGRAPH_BREAKS):
        return False
    return sum(text.count(c) for c in _LINE_BREAKS) <= 1


def _ends_phrase(token) -> bool:
    """A space token that a phrase does not run across: a tab, a blank line, a page or paragraph
    break (``_in_line``)."""
    return token.is_space and not _in_line(token)


def _skip_space(doc: Doc, i: int) -> int:
    """``i``, or the token after it when ``doc[i]`` is a space within a line (``_in_line``)."""
    return i + 1 if i < len(doc) and _in_line(doc[i]) else i


def _phrase_gaps(doc: Doc, is_space: np.ndarray) -> list[int]:
    """The space tokens a term's words may stand across (``_in_line``), between two tokens that
    are not spaces, not after the end of a clause, and, for a line break, after a line long
    enough to be wrapped prose (``_MIN_WRAPPED_LINE``). Line starts are followed from the space
    tokens themselves (only they hold line breaks), without building the document's text."""
    n = len(doc)
    gaps, line_start = [], 0
    for i in np.flatnonzero(is_space).tolist():
        token = doc[i]
        text = token.text
        breaks = [text.rfind(c) for c in _LINE_BREAKS]
        last_break = max(breaks)
        if (0 < i < n - 1 and _in_line(token) and not doc[i - 1].is_space and not doc[i + 1].is_space
                and doc[i - 1].text not in _CLAUSE_ENDS
                and (last_break < 0 or token.idx + min(b for b in breaks if b >= 0) - line_start >= _MIN_WRAPPED_LINE)):
            gaps.append(i)
        if last_break >= 0:
            line_start = token.idx + last_break + 1
    return gaps


# The token columns every component reads, per document, read once (``token_columns``) by the
# first that needs them and shared by the others (weakly held: they go with their document).
# spaCy's ``to_array`` costs about as much per column as the call itself: four components each
# reading their own columns were a seventh of the time it takes to tag a document.
_COLUMNS: "weakref.WeakKeyDictionary[Doc, np.ndarray]" = weakref.WeakKeyDictionary()
# The columns' order: the technology ruler reads the first five as they stand.
HYPHEN_COL, ORTH_COL, SPACY_COL, LOWER_COL, IS_SPACE_COL, IS_PUNCT_COL, IDX_COL, LENGTH_COL = range(8)


def token_columns(doc: Doc) -> np.ndarray:
    """(n, 8) uint64 array of ``doc``'s tokens: the broken-hyphen flag (``_hyphen_flag``),
    ORTH, SPACY, LOWER, IS_SPACE, IS_PUNCT, IDX and LENGTH (``*_COL``), read from the Doc once
    and kept while the Doc lives. None of them changes as the components annotate; a Doc
    retokenized since (a component of a caller's own between ours) has another length and is
    read again. Not to be written to: copy first."""
    columns = _COLUMNS.get(doc)
    if columns is None or len(columns) != len(doc):
        columns = doc.to_array([_hyphen_flag(doc.vocab), ORTH, SPACY, LOWER, IS_SPACE, IS_PUNCT, IDX,
                                LENGTH]).reshape(-1, 8)
        _COLUMNS[doc] = columns
    return columns


def columns_with_sent_starts(doc: Doc, columns: tuple) -> np.ndarray:
    """A copy of ``doc``'s token ``columns`` (``*_COL``), in that order, where None stands for
    SENT_START: the sentence splitter sets it after the shared read, so it is read from the Doc."""
    picked = token_columns(doc)[:, [ORTH_COL if c is None else c for c in columns]]
    picked[:, columns.index(None)] = doc.to_array(SENT_START)
    return picked


# The view without phrase gaps, per document, made by the first ruler that needs it and read by
# the other (weakly held: it goes with its document).
_GAPLESS: "weakref.WeakKeyDictionary[Doc, tuple | None]" = weakref.WeakKeyDictionary()


def _gapless_view(doc: Doc, is_space: np.ndarray) -> tuple[Doc, np.ndarray] | None:
    """(view, index): ``doc`` without its phrase gaps (``_phrase_gaps``), and the index in ``doc``
    of each of the view's tokens; None when the document has no gap."""
    try:
        return _GAPLESS[doc]
    except KeyError:
        pass
    gaps = _phrase_gaps(doc, is_space)
    found = None
    if gaps:
        keep = np.ones(len(doc), dtype=bool)
        keep[gaps] = False
        index = np.flatnonzero(keep)
        strings = doc.vocab.strings
        columns = token_columns(doc)
        words = [strings[orth] for orth in columns[index, ORTH_COL].tolist()]
        spaces = columns[index, SPACY_COL].astype(bool)
        spaces[np.searchsorted(index, np.array(gaps) - 1)] = True  # the word before a gap is followed by a space
        found = (Doc(doc.vocab, words=words, spaces=spaces.tolist()), index)
    _GAPLESS[doc] = found
    return found


def _matches_through(gapless: tuple[Doc, np.ndarray], matchers) -> list:
    """The matches of a document with phrase gaps, found on its view without them
    (``_gapless_view``), in the document's token indices: (match id, start, end, length), the
    length in words. spaCy keeps every run of whitespace other than one plain space as a token of
    its own, so on the document itself the words of a term across a line break ("synthetic
    aperture\nradar"), a no-break space or two spaces never follow each other; the view holds
    every other token, so every match of the document is found there too."""
    view, index = gapless
    found = []
    for match_id, start, end in (m for matcher in matchers for m in matcher(view)):
        found.append((match_id, int(index[start]), int(index[end - 1]) + 1, end - start))
    return found


# Tokens of a term's words kept on each side of an acronym in parentheses (``_matches_across_groups``):
# more than the longest term has.
_GROUP_WINDOW = 10
_SENTINEL = "\x00"


def _acronym_groups(doc: Doc, columns: np.ndarray, pairs: frozenset, firsts: frozenset) -> list[tuple[int, int]]:
    """(open, close) token indices of each acronym in parentheses written between two words that
    may stand inside a term ("Over-the-Horizon (OTH) radar", "electric (E-) field sensing"): two
    words that follow each other in a term's form (``pairs`` of hashes of lower-case words;
    ``firsts``, the first words of the pairs, to skip most parentheses at once); spaces on both
    sides, at most 12 characters and no space within, a capital among them. A parenthesis glued
    to a word is part of a name or formula ("Zr(O)C", "AN/SQQ-89(V)15") and is not one.
    ``columns``: ORTH, SPACY and LOWER of each token."""
    orths = columns[:, 0]
    opens = np.flatnonzero(orths == _OPEN)
    if not opens.size:
        return []
    n, lowers, open_, close = len(doc), columns[:, 2], int(_OPEN), int(_CLOSE)
    groups = []
    for o in opens.tolist():
        if (o == 0 or o + 3 >= n or int(lowers[o - 1]) not in firsts or not columns[o - 1, 1]
                or orths[o + 1] == close or orths[o + 1] == open_):
            continue
        inner = orths[o + 2:o + 2 + _MAX_ACRONYM_TOKENS].tolist()
        c = next((o + 2 + k for k, orth in enumerate(inner) if orth == close or orth == open_), None)
        if (c is None or inner[c - o - 2] != close or c + 1 >= n or not columns[c, 1]
                or (int(lowers[o - 1]), int(lowers[c + 1])) not in pairs):
            continue
        text = doc[o + 1:c].text
        if len(text) <= 12 and " " not in text and any(ch.isupper() for ch in text):
            groups.append((o, c))
    return groups


def _matches_across_groups(doc: Doc, orths: np.ndarray, groups: list, matchers,
                           gapless: tuple[Doc, np.ndarray] | None) -> list:
    """Matches of terms whose words stand on both sides of an acronym in parentheses
    (``_acronym_groups``), in ``doc``'s token indices: (match id, start, end, length in words).
    The matchers run on a view of the few words around each group, without the groups (and
    without the phrase gaps, ``_phrase_gaps``); only matches that hold a group are kept, the
    others are found on the document itself."""
    n = len(doc)
    drop = np.zeros(n, dtype=bool)
    for o, c in groups:
        drop[o:c + 1] = True
    if gapless is not None:
        gap = np.ones(n, dtype=bool)
        gap[gapless[1]] = False
        drop |= gap
    near = np.zeros(n, dtype=bool)
    for o, c in groups:
        near[max(0, o - _GROUP_WINDOW):min(n, c + 1 + _GROUP_WINDOW)] = True
    keep = np.flatnonzero(near & ~drop).tolist()
    far = np.cumsum(~near)  # a token outside every window between two kept ones: they do not meet
    strings = doc.vocab.strings
    words, index = [], []
    for i in keep:
        if index and far[i] != far[index[-1]]:
            words.append(_SENTINEL)
            index.append(-1)
        words.append(strings[int(orths[i])])
        index.append(i)
    # matched and mapped back as on the view without phrase gaps; no match holds a sentinel
    found = _matches_through((Doc(doc.vocab, words=words), index), matchers)
    return [m for m in found if any(m[1] < o and c < m[2] - 1 for o, c in groups)]


def _split_at_groups(doc: Doc, spans: list[Span], plain: list[Span], groups: list) -> list[Span]:
    """``spans`` with each one read across an acronym in parentheses (``_matches_across_groups``)
    split at it: the words before it, as a span of the same technology ("Over-the-Horizon" of
    "Over-the-Horizon (OTH) radar"), then the spans of ``plain`` (the document's spans read
    without such matches) in and after it ("radar"): the acronym means what it means without
    the whole phrase. One mention per written name, as an annotator marks a long form and its
    acronym, with the specific technology the whole phrase names."""
    out = []
    direct = {(s.start, s.end) for s in plain}  # a pattern that holds the parentheses itself
    for span in spans:
        group = next(((o, c) for o, c in groups if span.start < o and c < span.end), None)
        if group is None or (span.start, span.end) in direct:
            out.append(span)
            continue
        out.append(Span(doc, span.start, group[0], label=span.label, span_id=span.id))
        out.extend(s for s in plain if s.start > group[0] and s.end <= span.end)
    return out


def _broken_after(doc: Doc, i: int, line_ends_only: bool = False) -> int | None:
    """The index of the word that goes on after ``doc[i]`` when ``doc[i]`` is a word broken after
    its hyphen ("satellite-" of "satellite-\\nbased"); None when it is not. The break is a line
    end (one space token within a line, ``_in_line``: not a blank line, a page break or a tab) or,
    unless ``line_ends_only``, a plain space ("satellite- based"); the next word is lower-case and
    not one that a held-over hyphen comes before ("short- and long-term"). The rulers and the
    classifier's words (``features.mend_broken_words``) read breaks by this one test."""
    token = doc[i]
    if not _is_hyphen_word(token.text):
        return None
    j, n = i + 1, len(doc)
    if j < n and doc[j].is_space:
        if not _in_line(doc[j]):
            return None
        j += 1
    elif line_ends_only or not token.whitespace_:
        return None
    if j < n and doc[j].text[:1].islower() and doc[j].lower_ not in _SUSPENDED:
        return j
    return None


def _hyphen_joined_matches(doc: Doc, matchers, joinable: "_Joinable", arrays: np.ndarray,
                           gapless: tuple[Doc, np.ndarray] | None = None,
                           line_ends_only: bool = False) -> tuple[list, set]:
    """Matches of terms written across a broken hyphen, in ``doc``'s token indices: a hyphen
    at a line end ("satellite-\\nbased navigation", "synthetic aperture ra-\\ndar") or inside a
    word ("directed ener-gy"); and the tokens that go on a word joined here (a match on the
    document that starts there starts inside a word: "combust-\\nion engines" names no ion
    engine).

    spaCy keeps "satellite-" as one token, and a line break as another, so the term's tokens
    ("satellite", "-", "based", ...) never follow each other. Around each word broken after its
    hyphen (``_broken_after``) the matchers also run over a view in which the word is split at
    its hyphen and the break left out; only matches that cross a broken hyphen and begin and end
    on whole tokens of ``doc`` are kept (a term cut at the hyphen, "satellite" alone, is not a
    mention: the word goes on). A word split by a hyphen inside it ("ener", "-", "gy", with no
    space) is joined in the view when the joined word is a word of some term (``joinable``), so
    "semi-conductor lasers" and "infra-red detectors" are found too; so is a word broken at a
    line end ("ra-\\ndar"), where the joined word is a term word and the split one is not a
    pattern. The view leaves out the document's other phrase gaps too (``gapless``: its view
    without them), so a term broken at a hyphen and at a line break is whole there. Each match
    carries its length in the tokens it would have on one line ("ener-gy" is three, "ra-\\ndar"
    one), for ``_longest_matches``.
    ``arrays``: the document's columns of the broken-hyphen flag, ORTH, SPACY and LOWER.
    ``line_ends_only``: only words broken at a line end, as for cue phrases, which are looked
    for only in documents that have space tokens."""
    n = len(doc)
    broken = []
    for i in np.flatnonzero(arrays[:, 0]).tolist():  # a flag is cheap to read; the few it marks are checked
        j = _broken_after(doc, i, line_ends_only)
        if j is not None:
            broken.append((i, j))
    split = [] if line_ends_only else _split_words(doc, arrays[:, 1:], joinable)
    if not broken and not split:
        return [], set()
    found = []
    nexts = dict(broken)
    joins = {i: (joined, i + 2, 3) for i, joined in split}  # first part -> (word, last part, tokens on one line)
    if len(joinable):  # a word broken at a line end, joined where the whole is a term word
        for i, j in broken:
            head, tail = doc[i].text[:-1], doc[j].text
            joined = head + tail
            if (joined.isalpha() and get_string_id(joined.lower()) in joinable.words
                    and (get_string_id(head.lower()), get_string_id(tail.lower())) not in joinable.covered):
                del nexts[i]
                joins[i] = (joined, j, 1)
    inside_words = {tail for _, tail, _ in joins.values()}
    gaps = frozenset()
    if gapless is not None:
        keep = np.zeros(n, dtype=bool)
        keep[gapless[1]] = True
        gaps = frozenset(np.flatnonzero(~keep).tolist())
    for window_start, window_end in _windows(sorted(broken + [(i, i + 2) for i, _ in split]), n):
        words, spaces, first, last, dashes, weight = [], [], [], [], [], []
        i = window_start
        while i < window_end:
            token = doc[i]
            if i in gaps and words:  # a line break or a second space inside a phrase
                spaces[-1] = True
                i += 1
                continue
            if i in nexts:
                dashes.append(len(words) + 1)
                words += [token.text[:-1], "-"]
                spaces += [False, False]
                first += [i, i]
                last += [i, i]
                weight += [1, 1]
                i = nexts[i]
                continue
            if i in joins and joins[i][1] < window_end:
                joined, tail, tokens = joins[i]
                dashes.append(len(words))
                words.append(joined)
                spaces.append(bool(doc[tail].whitespace_))
                first.append(i)
                last.append(tail)
                weight.append(tokens)
                i = tail + 1
                continue
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
            first.append(i)
            last.append(i)
            weight.append(1)
            i += 1
        view = Doc(doc.vocab, words=words, spaces=spaces)
        for match_id, start, end in (m for matcher in matchers for m in matcher(view)):
            if not any(start <= d < end and (last[d] > first[d] or start < d < end - 1) for d in dashes):
                continue  # crosses no broken hyphen: already matched on the document itself
            if start and first[start] == last[start - 1]:
                continue
            if end < len(words) and last[end - 1] == first[end]:
                continue
            if (start == 0 and window_start > 0) or (end == len(words) and window_end < n):
                continue  # may run on beyond the window; a wider window would see it whole
            found.append((match_id, first[start], last[end - 1] + 1, sum(weight[start:end])))
    return found, inside_words


_HYPHEN = np.uint64(get_string_id("-"))
_OPEN, _CLOSE = np.uint64(get_string_id("(")), np.uint64(get_string_id(")"))


# Prefixes written with a hyphen or without ("multi-sensor", "multisensor"); a term word that
# begins with one also gets its hyphenated form as a pattern (``TermRuler._joinable``).
_PREFIXES = ("aero", "anti", "astro", "auto", "bi", "bio", "co", "counter", "cross", "cyber", "de",
             "dual", "electro", "exo", "geo", "hydro", "hyper", "infra", "inter", "intra", "long",
             "macro", "magneto", "mega", "meta", "micro", "mid", "milli", "mini", "mono", "multi",
             "nano", "non", "opto", "over", "para", "photo", "poly", "post", "pre", "pseudo",
             "quasi", "radio", "re", "self", "semi", "short", "space", "sub", "super", "tele",
             "thermo", "trans", "tri", "ultra", "un", "under", "uni", "wide")

_PREFIXES_BY_START: dict = {}
for _prefix in _PREFIXES:
    _PREFIXES_BY_START.setdefault(_prefix[:2], []).append(_prefix)


def _prefix_variants(form: list[str], splits: dict) -> list[list[str]]:
    """``form`` with its words written with their prefix and a hyphen ("multisensor data fusion"
    -> "multi - sensor data fusion"), in every combination ("infra - red photo - detector" too:
    the view no longer joins a covered split, so a form whose two words are both hyphenated
    needs its own variant); ``splits``: lower-case word -> its (prefix, rest) pairs."""
    options = [[[word]] + [[prefix, "-", rest] for prefix, rest in splits.get(word, ())] for word in form]
    if all(len(o) == 1 for o in options):
        return []
    return [[w for part in choice for w in part] for choice in itertools.product(*options)][1:]  # [0]: the form


class _Joinable:
    """The term words that a hyphen may split ("energy" of "ener-gy"), as hashes, less the
    splits the matchers already have as patterns (``covered``: (prefix, rest) pairs)."""

    def __init__(self, words: set, covered: set = frozenset()) -> None:
        self.words = frozenset(get_string_id(w) for w in words)
        self.covered = frozenset((get_string_id(head), get_string_id(tail)) for head, tail in covered)

    def __len__(self) -> int:
        return len(self.words)


def _split_words(doc: Doc, arrays: np.ndarray, joinable: _Joinable) -> list[tuple[int, str]]:
    """(index of the first part, joined word) of each word split by a hyphen inside it: two
    lower-case parts with a hyphen between and no space ("ener", "-", "gy") that join into a
    word of ``joinable``. ``arrays``: the document's ORTH, SPACY and LOWER columns."""
    if not len(joinable):
        return []
    # one pass over the document, the rest on the few hyphens between two words
    hyphens = np.flatnonzero(arrays[1:-1, 0] == _HYPHEN) + 1
    if not hyphens.size:
        return []
    hyphens = hyphens[(arrays[hyphens, 1] == 0) & (arrays[hyphens - 1, 1] == 0)]
    out = []
    strings = doc.vocab.strings  # the parts' lower-case text from their hashes, without Token objects
    for h, head, tail in zip(hyphens.tolist(), arrays[hyphens - 1, 2].tolist(), arrays[hyphens + 1, 2].tolist()):
        joined = strings[head] + strings[tail]
        if (get_string_id(joined) not in joinable.words or not joined.isalpha()
                or (head, tail) in joinable.covered):
            continue
        left, right = doc[h - 1].text, doc[h + 1].text
        if right[0].islower() and left[-1].islower():
            out.append((h - 1, left + right))
    return out


def _windows(broken: list, n: int) -> list:
    """Token ranges around the broken hyphens, merged where they overlap."""
    ranges = []
    for i, j in broken:
        start, end = max(0, i - _HYPHEN_WINDOW), min(n, j + _HYPHEN_WINDOW)
        if ranges and start <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], end))
        else:
            ranges.append((start, end))
    return ranges


# The last word of a company's name ("Laser Technology Inc.", "Data Fusion Corporation"), or of a
# government body's or laboratory's ("Integrated Circuits Laboratory", "Space Vehicles
# Directorate"), as written (all-caps text has "LIMITED" and "COMPANY" as ordinary words).
_COMPANY_SUFFIXES = frozenset({"Inc", "Inc.", "Corp", "Corp.", "Co.", "Corporation", "LLC", "L.L.C.", "LLP", "Ltd",
                               "Ltd.", "GmbH", "PLC", "plc", "AG",
                               "Laboratory", "Laboratories", "Office", "Directorate", "Agency", "Commission",
                               "Bureau", "Committee", "Council", "Association", "Institute", "Society", "Foundation",
                               "Consortium", "Alliance", "Center", "Centre", "Department"})
# (word before, suffix) of names given after the system they serve, which stays a mention:
# "SM3 Program Office".
_NAMED_FOR_THEIR_SYSTEM = frozenset({("Program", "Office")})
# Suffixes that are also ordinary title-case words ("Limited User Test", "Company-Level Training"):
# only when no capitalised word or hyphen follows.
_COMPANY_WORDS = frozenset({"Company", "Limited", "Incorporated"})
_COMPANY_GAP = 4  # capitalised words and ampersands that may stand between a term and the suffix


def _is_company_suffix(doc: Doc, i: int) -> bool:
    text = doc[i].text
    if text in _COMPANY_SUFFIXES:
        return i == 0 or (doc[i - 1].text, text) not in _NAMED_FOR_THEIR_SYSTEM
    if text not in _COMPANY_WORDS:
        return False
    following = doc[i + 1].text if i + 1 < len(doc) else ""
    return not (following[:1].isupper() or following == "-")


def _outside_company_names(doc: Doc, spans: list[Span]) -> list[Span]:
    """Spans without the capitalised ones that are part of a company's or a body's name: followed,
    within ``_COMPANY_GAP`` capitalised words or ampersands, by one of ``_COMPANY_SUFFIXES``, a
    comma allowed just before it ("Honeybee Robotics Spacecraft Mechanisms Corporation",
    "Knowledge Based Systems, Inc.", "Space Vehicles Directorate"; not "UXO, Physical Optics
    Corporation", "Night Vision Limited User Test", "SM3 Program Office")."""
    kept = []
    n = len(doc)
    for span in spans:
        company = False
        first = span.text[:1]
        if first.isupper() or first.isdigit():
            i, words = span.end, 0
            while i < n and words <= _COMPANY_GAP:
                token = doc[i]
                if token.is_space and _in_line(token):  # a line break or a second space inside the name
                    i += 1
                    continue
                words += 1
                text = token.text
                if _is_company_suffix(doc, i):
                    company = True
                    break
                if text == ",":  # only just before the suffix ("Systems, Inc.")
                    after = _skip_space(doc, i + 1)
                    if not (after < n and _is_company_suffix(doc, after)):
                        break
                elif not (text == "&" or text[:1].isupper()):
                    break
                i += 1
        if not company:
            kept.append(span)
    return kept


def _in_context(doc: Doc, spans: list[Span], context_of: dict) -> list[Span]:
    """Spans of context patterns kept, as their entry's, only where one of the entry's context
    words is within ``CONTEXT_WINDOW`` tokens; every other span as it is."""
    if not any(s.id in context_of for s in spans):
        return spans
    lowers = token_columns(doc)[:, LOWER_COL]
    kept = []
    for span in spans:
        if span.id not in context_of:
            kept.append(span)
            continue
        entry_id, words = context_of[span.id]
        window = lowers[max(0, span.start - CONTEXT_WINDOW):span.end + CONTEXT_WINDOW]
        if np.isin(window, words).any():
            kept.append(Span(doc, span.start, span.end, label=span.label, span_id=entry_id))
    return kept


# SBIR and STTR topic numbers of the defence funders: "N08-053" (Navy), "AF081-068" (Air Force),
# "A09-081" (Army), "MDA07-008", "SOCOM08-002", "SB082-007" (DARPA), "N08-T029" (an STTR topic).
# The letters name the funder, so the number is a cue of that funder's entry, as if the funder
# had been named: an abstract may give no other sign that the Navy asked for the work. The digits
# are the year (00-29), then the solicitation round (1-3) where there is one: "A330-200" (an
# aircraft model) is not a topic. Read only in documents that speak of a topic, a solicitation,
# SBIR, STTR or a phase.
_TOPIC_FUNDER_CUE = {"N": "mil_navy", "AF": "mil_air_force", "A": "mil_army", "MDA": "mil_missile_defense",
                     "SOCOM": "mil_defense_program", "SB": "mil_defense_program", "DARPA": "mil_defense_program",
                     "OSD": "mil_dod", "DTRA": "mil_dod", "CBD": "mil_dod", "DLA": "mil_dod", "DHP": "mil_dod",
                     "DHA": "mil_dod", "NGA": "mil_dod"}
_TOPIC_NUMBER = re.compile(r"\b(%s)[0-2]\d[1-3]?-T?\d{2,4}\b" % "|".join(sorted(_TOPIC_FUNDER_CUE, key=len, reverse=True)))
_TOPIC_WORDS = ("sbir", "sttr", "topic", "topics", "solicitation", "phase")
_TOPIC_GATE = "dualuse_topic_words"


def _topic_numbers(doc: Doc, cues: dict) -> list[Span]:
    """Cue spans of the defence funders' topic numbers in ``doc`` (see ``_TOPIC_FUNDER_CUE``), for
    a document that has one of ``_TOPIC_WORDS`` (the caller knows from its matches)."""
    spans = []
    for m in _TOPIC_NUMBER.finditer(doc.text):
        if m.group(1) not in cues:
            continue
        label, cue = cues[m.group(1)]
        # whole tokens: a quote glued to the number ('A09-081"Identity') leaves its last token longer
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None:
            spans.append(Span(doc, span.start, span.end, label=label, span_id=cue))
    return spans


_MAX_ACRONYM_TOKENS = 5

# US military equipment designations ("AN/APS-147", "AN/SQQ-89"): the second of the three letters
# says what kind of equipment it is. The kinds the taxonomy names, by that letter (entries a
# taxonomy lacks are skipped): radar, sonar, radio, countermeasures, infrared and laser.
_DESIGNATION = re.compile(r"[A-Z]{3}-\d+")
_DESIGNATED_KIND = {"P": "radar", "Q": "sonar", "R": "tactical_radio", "L": "electronic_warfare",
                    "A": "infrared_detector", "E": "laser"}
_AN = get_string_id("AN")


_ALL_MARKS = (True, True, True)


def _marks_of(docs: list[Doc]) -> list[tuple[bool, bool, bool]]:
    """Per document of a batch: whether it has an opening parenthesis, a hyphen (a token of its
    own, or a word ending with one: ``_hyphen_flag``) and an "AN" token. Found for the whole
    batch with one pass over its token columns: most documents have no hyphen to join and no
    designation, and the per-document calls that would find so cost more than the pass."""
    columns = [token_columns(d) for d in docs]
    sizes = [len(c) for c in columns]
    if not sum(sizes):
        return [(False, False, False)] * len(docs)
    arr = np.concatenate(columns)
    orths = arr[:, ORTH_COL]
    hits = np.stack([orths == _OPEN, (orths == _HYPHEN) | (arr[:, HYPHEN_COL] != 0),
                     orths == np.uint64(_AN)], axis=1)
    counts = np.concatenate([np.zeros((1, 3), dtype=np.int64), np.cumsum(hits, axis=0)])
    bounds = np.cumsum([0] + sizes)
    return [tuple(row) for row in (counts[bounds[1:]] > counts[bounds[:-1]]).tolist()]


def _equipment_designations(doc: Doc, orths: np.ndarray, by_id: dict) -> list[Span]:
    """Spans of "AN/XYZ-n" designations whose kind letter names a taxonomy entry, as that entry."""
    found = []
    for i in np.flatnonzero(orths == np.array(_AN, dtype=orths.dtype)).tolist():
        if i + 2 >= len(doc) or doc[i + 1].text != "/" or doc[i + 1].whitespace_ or doc[i].whitespace_:
            continue
        code = doc[i + 2].text
        entry = by_id.get(_DESIGNATED_KIND.get(code[1:2], ""))
        if entry is not None and _DESIGNATION.match(code):
            end = i + 3
            if code.count("(") > code.count(")") and end < len(doc) and doc[end].text == ")":
                end += 1  # "AN/SPY-1D(V)": the tokenizer left the closing parenthesis apart
            found.append(Span(doc, i, end, label=entry.label, span_id=entry.id))
    return found


def _defined_acronym(doc: Doc, span: Span, entry_of: Callable) -> tuple[int, int, int, int] | None:
    """(start, end, label, id) of "ACRONYM" when ``span`` is followed by "(ACRONYM)" that
    abbreviates it; label and id are those of the term the acronym stands for.

    An acronym has at least two capitals and its letters appear in order in the long form, the
    first one starting it, as in "synthetic aperture radar (SAR)" or "trinitrotoluene (TNT)".
    The long form ends where the term ends but may start a few words before it ("Ballistic
    Missile Defense System (BMDS)", where the term found is "missile defense system"): within
    the sentence, not across punctuation other than a hyphen or slash nor across a function word
    ("International Technology Roadmap for Semiconductors (ITRS)" is not a semiconductor), and
    with at least the acronym's last letter inside the term. It may also start inside the term
    ("infrared focal plane array (FPA)"): the acronym then stands for what that shorter phrase
    names alone (``entry_of``), or, when it names nothing alone, for what a longer long form
    gives, or for nothing ("radiation-hardened integrated circuit (IC)" does not make every IC
    radiation-hardened).
    """
    open_at = _skip_space(doc, span.end)  # "(" may open the next line
    if open_at >= len(doc):
        return None
    if doc[open_at].text == ")":
        return _acronym_before_long_form(doc, span)
    if doc[open_at].text != "(":
        return _acronym_of_longer_phrase(doc, span)
    for close in range(open_at + 2, min(open_at + 2 + _MAX_ACRONYM_TOKENS, len(doc))):
        if doc[close].text == ")":
            break
    else:
        return None
    inner = doc[open_at + 1:close]
    text = inner.text
    if len(text) > 12:
        return None
    core = _singular(text)
    if not _is_acronym(core):
        return None
    for start in _long_form_starts(doc, span, core):
        long_form = doc[start:span.end]
        term_at = max(0, span.start_char - long_form.start_char)
        if not _abbreviates(core, long_form.text, term_at):
            continue
        if start <= span.start:
            return inner.start, inner.end, span.label, span.id
        found = entry_of(long_form)
        if found:
            return inner.start, inner.end, *found
        # a phrase inside the term that names nothing alone: a longer one may still abbreviate
        # ("spectroscopy" spells S-E-R-S, but "surface-enhanced Raman spectroscopy (SERS)" is the term)
    return None


_FUNCTION_WORDS = frozenset("a an and at by for from in into of on or the to with".split())
# Words after a term that make the phrase name someone or something other than the technology
# ("laser safety officer (LSO)", "radar program office (RPO)"): its acronym is not the term's.
_NOT_THE_TECHNOLOGY = frozenset(
    # people and their roles
    "analyst author engineer inspector instructor manager officer operator owner pilot scientist specialist "
    "technician trainee user vendor supplier "
    # bodies, places and events
    "administration agency association board branch center centre committee community company conference "
    "consortium corporation council course department directorate division facility forum group industry "
    "institute journal laboratory lab league magazine market office panel school site society squadron "
    "symposium team workshop world "
    # documents, rules and work about a technology rather than the technology
    "act analysis architecture area assessment certificate certification convention database evaluation event "
    "guidance guide handbook initiative licence license list manual operation permit plan policy program "
    "programme project regime regulation report request requirement review rule service solution standard "
    "storage strategy study toolkit training treaty working".split())


def _names_other_than_technology(word: str) -> bool:
    word = word.lower()
    forms = {word}
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")  # facilities, laboratories, policies
    if word.endswith("es"):
        forms.add(word[:-2])
    if word.endswith("s"):
        forms.add(word[:-1])
    return not forms.isdisjoint(_NOT_THE_TECHNOLOGY)


_MAX_TAIL_WORDS = 2
_MAX_LEADING_WORDS = 6  # tokens before the term inside "ACRONYM (long form)"


def _acronym_of_longer_phrase(doc: Doc, span: Span) -> tuple[int, int, int, int] | None:
    """(start, end, label, id) of "ACRONYM" when the term is followed by one or two more words
    and then "(ACRONYM)" that abbreviates the whole phrase, with letters from those words: a
    "switchable beam splitter device (BSD)" is a beam splitter, and a "scene projector
    polarization controller (SPPC)" part of a scene projector, so a later "BSD" or "SPPC" is
    the same mention. Not when the words name a person, an office or a rule
    (``_NOT_THE_TECHNOLOGY``): a "laser safety officer (LSO)" is no laser."""
    n = len(doc)
    tail_end, words = span.end, 0
    while words < _MAX_TAIL_WORDS:
        i = _skip_space(doc, tail_end)
        if i >= n or not doc[i].text.isalpha() or doc[i].lower_ in _FUNCTION_WORDS:
            break
        if _names_other_than_technology(doc[i].text):
            return None
        tail_end, words = i + 1, words + 1
    open_at = _skip_space(doc, tail_end)
    if not words or open_at >= n or doc[open_at].text != "(":
        return None
    close = open_at + 2
    if close >= n or doc[close].text != ")":
        return None
    core = _singular(doc[open_at + 1].text)
    if not _is_acronym(core) or not core.isalnum():
        return None
    long_form = doc[span.start:tail_end]
    tail_at = doc[_skip_space(doc, span.end)].idx - long_form.start_char
    if not _abbreviates(core, long_form.text, tail_at):
        return None
    return open_at + 1, close, span.label, span.id


def _acronym_before_long_form(doc: Doc, span: Span) -> tuple[int, int, int, int] | None:
    """(start, end, label, id) of "ACRONYM" written before its long form: "ACRONYM (long form)",
    where the term ends the parenthesis ("ABL (Airborne Laser)", "AIS (Automatic Identification
    System)"). The parenthesis holds the long form alone: from its opening to the term, a few
    words, none a function word or punctuation other than a hyphen or slash ("GNSS (Galileo and
    GLONASS)" names two systems, not one)."""
    open_at, words = span.start - 1, 0
    while open_at > 0 and doc[open_at].text != "(" and words < _MAX_LEADING_WORDS:
        word = doc[open_at]
        if (word.is_punct and word.text not in ("-", "/")) or _ends_phrase(word) or word.lower_ in _FUNCTION_WORDS:
            return None
        words += not word.is_space
        open_at -= 1
    if open_at < 1 or doc[open_at].text != "(":
        return None
    at = open_at - 1
    if at > 0 and _in_line(doc[at]):
        at -= 1  # the acronym ends the line before: "MTAR\n(Mobile Tactical Airborne Radar)"
    if at > 1 and doc[at - 1].text in ("-", "/") and not doc[at - 1].whitespace_ and not doc[at - 2].text.islower():
        return None  # the last part of a longer name ("SPURC-MT (Microwave Terahertz)"), not "multi-VED (...)"
    core = _singular(doc[at].text)
    if not _is_acronym(core):
        return None
    long_form = doc[open_at + 1:span.end]
    if not _abbreviates(core, long_form.text, span.start_char - long_form.start_char):
        return None
    return at, at + 1, span.label, span.id


def _long_form_starts(doc: Doc, span: Span, acronym: str) -> Iterable[int]:
    """Where the long form of ``acronym`` may start, nearest the term's end first: each word of
    the term, then up to one word per letter of the acronym before it."""
    yield from range(span.end - 1, span.start - 1, -1)
    letters = sum(c.isalnum() for c in acronym)
    start, words = span.start, 0
    while start > 0 and words < letters and doc[start].is_sent_start is not True:
        previous = doc[start - 1]
        if ((previous.is_punct and previous.text not in ("-", "/")) or _ends_phrase(previous)
                or previous.lower_ in _FUNCTION_WORDS):
            return
        start -= 1
        words += not previous.is_space  # a space between words takes no letter's place
        if not (previous.is_punct or previous.is_space):
            yield start


def _abbreviates(acronym: str, long_form: str, last_from: int = 0) -> bool:
    """The acronym's letters appear in order in the long form, the first one starting it and
    the last one at ``last_from`` or after."""
    letters = [c.lower() for c in acronym if c.isalnum()]
    long_form = long_form.lower()
    if not letters or letters[0] != long_form[:1]:
        return False
    pos = 1
    for i, c in enumerate(letters[1:], 1):
        pos = long_form.find(c, max(pos, last_from) if i == len(letters) - 1 else pos)
        if pos < 0:
            return False
        pos += 1
    return len(letters) > 1 or last_from == 0


def _compound_tail(acronym: str, term: Span) -> str | None:
    """The last part of a hyphenated acronym when it abbreviates the term alone: in
    "electrospray ionization ion mobility spectrometry (ESI-IMS)", where the term is "ion mobility
    spectrometry", a later "IMS" stands for the term too."""
    if "-" not in acronym:
        return None
    tail = acronym.rsplit("-", 1)[1]
    if sum(c.isupper() for c in tail) < 2 or not tail.isalnum() or not tail[0].isalpha():
        return None
    return tail if _abbreviates(tail, term.text) else None


def _with_defined_acronyms(doc: Doc, spans: list[Span], entry_of: Callable,
                           definers: Optional[list[Span]] = None) -> list[Span]:
    """Add every use of an acronym the document defines for a matched term ("... radar (SAR)").
    The definitions are read after ``definers`` (by default ``spans``).

    The document's own definition wins over any other reading of the same letters.
    """
    defined: dict[str, tuple[int, int, int]] = {}
    for span in spans if definers is None else definers:
        found = _defined_acronym(doc, span, entry_of)
        if found:
            start, end, label, span_id = found
            text = _singular(doc[start:end].text)
            defined.setdefault(text, (label, span_id, end - start, doc[start].orth))
            tail = _compound_tail(text, span) if span_id == span.id else None
            if tail:
                defined.setdefault(tail, (label, span_id, 1, get_string_id(tail)))
    if not defined:
        return spans
    added = []
    orths = token_columns(doc)[:, ORTH_COL]
    strings = doc.vocab.strings
    for acronym, (label, span_id, n, first) in defined.items():
        forms = (acronym, acronym + "s")
        if n == 1:  # the usual case: one token, found by its hash in the token array
            keys = [strings[form] for form in forms if form in strings]
            starts = np.flatnonzero(np.isin(orths, np.array(keys, dtype=orths.dtype))).tolist()
        else:  # several tokens ("C-UAS"): candidates by the first token's hash, then checked
            candidates = np.flatnonzero(orths == np.array(first, dtype=orths.dtype)).tolist()
            starts = [i for i in candidates if i + n <= len(doc) and doc[i:i + n].text in forms]
        added.extend(Span(doc, i, i + n, label=label, span_id=span_id) for i in starts)
    # A span within an acronym's use is another reading of those letters: it gives way. A longer
    # span that holds the acronym ("MEMS gyroscopes") is a more specific mention: the longest wins.
    covered = {t for s in added for t in range(s.start, s.end)}
    kept = [s for s in spans if not covered.issuperset(range(s.start, s.end))]
    return filter_spans(kept + added)


def _is_acronym(text: str) -> bool:
    return 2 <= len(text) <= 12 and " " not in text and text[0].isalpha() and sum(c.isupper() for c in text) >= 2


def _without_redefined_acronyms(doc: Doc, spans: list[Span], words_of: Callable, orths: np.ndarray) -> list[Span]:
    """Drop the mentions of an acronym that the document defines as something unrelated: where
    it writes "Alcoholic Liver Disease (ALD)" or "Steam Methane Reforming (SMR)", its "ALD" is
    not atomic layer deposition nor its "SMR" a reactor. A definition is "(ACRONYM)" after words
    that abbreviate it (``_abbreviates``), in the same sentence. It is another reading only when
    no word of it is a word of the term's entry (``words_of``: its name and patterns), or only
    one is and not its last word, the thing it names ("artificial insemination (AI)",
    "School-Based Active Surveillance (SBAS)"), so that a variant spelling of the term's own
    long form ("Field Programmable Gates Arrays (FPGAs)", "Unmanned Air System (UAS)",
    "High Velocity Oxygen Fueled (HVOF)") keeps it; the cost is that a reading sharing its last
    word or two words stays ("Dual Node Network (DNN)")."""
    n = len(doc)
    # only a mention in parentheses can be a definition: found from the token array, without text
    defined = [s for s in spans if 0 < s.start and s.end < n and orths[s.start - 1] == _OPEN and orths[s.end] == _CLOSE]
    redefined = set()
    for use in defined:
        text = _singular(use.text)
        if not _is_acronym(text) or text in redefined:
            continue
        long_form = _foreign_long_form(doc, use.start - 1, text)
        if long_form is None or any(s.id == use.id and s.start < long_form.end and long_form.start < s.end
                                    for s in spans):
            continue
        vocabulary = words_of(use.id_)
        words = [t.lower_ for t in long_form if t.text.isalpha() and t.lower_ not in _FUNCTION_WORDS]
        shared = [any(_same_word(w, v) for v in vocabulary) for w in words]
        if words and (not any(shared) or (len(words) > 1 and sum(shared) == 1 and not shared[-1])):
            redefined.add(text)
    if not redefined:
        return spans
    return [s for s in spans if _singular(s.text) not in redefined]


def _singular(text: str) -> str:
    return text[:-1] if text.endswith("s") and text[-2:-1].isupper() else text


def _same_word(a: str, b: str) -> bool:
    """Equal, or (both of five letters or more) one inside the other, or the same word with
    another ending: a shared start of five letters or more that leaves at most three letters
    of the shorter word ("detector" and "detection", "navigation" and "navigational"; not
    "interface" and "interception", which share only a prefix)."""
    if a == b:
        return True
    if len(a) < 5 or len(b) < 5:
        return False
    if a in b or b in a:
        return True
    shared = len(os.path.commonprefix([a, b]))
    return shared >= 5 and shared >= min(len(a), len(b)) - 3


def _foreign_long_form(doc: Doc, open_at: int, acronym: str) -> Span | None:
    """The words before ``doc[open_at]`` ("(") that ``acronym`` abbreviates, nearest first,
    starting with a word that is not a function word ("a single reliable component (ASIC)" is
    not a definition): at most two words more than it has letters, within the sentence, not
    across punctuation other than a hyphen, slash or ampersand."""
    letters = sum(c.isalnum() for c in acronym)
    start = open_at
    words = 0
    while start > 0 and words < letters + 2:
        previous = doc[start - 1]
        if (previous.is_punct and previous.text not in ("-", "/", "&")) or _ends_phrase(previous):
            return None
        start -= 1
        if not (previous.is_punct or previous.is_space):
            words += 1
            if previous.lower_ not in _FUNCTION_WORDS and _abbreviates(acronym, doc[start:open_at].text):
                return doc[start:open_at]
        if doc[start].is_sent_start:
            return None
    return None


__all__ = ["TermRuler", "make_tech_ruler", "make_cue_ruler", "register_extensions",
           "TECH_KEY", "CUES_KEY"]
