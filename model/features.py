"""Classifier inputs from annotated Docs: rows of uint64 feature keys, built a batch at a time.

Keys are spaCy's own string hashes, read from the token arrays without building Python Token
objects: lower-cased words, word bigrams, cue ids and technology tags, each kind salted so the
kinds never collide. A vocabulary (``vocabulary``) maps keys to columns and turns rows into a sparse
count matrix; everything after that is a scikit-learn Pipeline. No spaCy object reaches
scikit-learn.

Two kinds of row: the document row holds every key of a document; a context row holds the
words of one mention's sentence (at most ``WINDOW`` tokens either side of it), the cues in
that window, the cues of the whole document (salted apart) and the mention's tags. A document without mentions gets one context row per
sentence that has cues instead, so that it can still show evidence. Training and inference
build rows with these same functions.

Work is split in two so that a batch is vectorized as a whole: ``DocArrays.of`` copies what
is needed out of one Doc (its shared token columns and the span offsets), and ``build_rows``
turns a list of them into rows with a handful of numpy operations.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable

import numpy as np
from spacy.strings import get_string_id
from spacy.tokens import Doc

from .components import (CUES_KEY, IDX_COL, IS_PUNCT_COL, IS_SPACE_COL, LENGTH_COL, LOWER_COL, TECH_KEY,
                         _broken_after, columns_with_sent_starts)
from .vocabulary import _EMPTY, KeyRows, _ranges

WINDOW = 40

_BIGRAM = np.uint64(0x9E3779B97F4A7C15)
_SALT_CUE = np.uint64(0x51A7C0E5C0E5C0E5)
_SALT_DOC_CUE = np.uint64(0x2D0C2D0C51A75EED)
_SALT_FAMILY = np.uint64(0x3A3A5F5F3A3A5F5F)
_SALT_TERM = np.uint64(0x7E7E1D1D7E7E1D1D)
# The control list a mention's category belongs to: the Military List (ML1-ML22) or a dual-use
# list (0A001 ... 9E003, 1C350): a tag that generalizes to terms the training corpus never named
# (a nerve agent by name in a list of chemicals).
MILITARY_LIST = np.uint64(0x4D4C4D4C1157A11D)
DUAL_USE_LIST = np.uint64(0x0D0A11C0DE11570D)
NO_MENTION = np.uint64(0x0DEC0DEC0DEC0DEC)
# LOWER, IS_PUNCT, IS_SPACE, SENT_START (None: ``columns_with_sent_starts``), IDX, LENGTH
_COLS = (LOWER_COL, IS_PUNCT_COL, IS_SPACE_COL, None, IDX_COL, LENGTH_COL)


@dataclass
class DocArrays:
    """Plain arrays copied out of one annotated Doc (valid after the Doc is gone)."""

    tokens: np.ndarray    # (n, 6) uint64: LOWER, IS_PUNCT, IS_SPACE, SENT_START, IDX, LENGTH
    mentions: np.ndarray  # (m, 5) uint64: start, end, family hash, term hash, control-list tag (0: none)
    cues: np.ndarray      # (k, 3) uint64: start, end, cue id hash

    @classmethod
    def of(cls, doc: Doc, known: Callable[[np.ndarray], np.ndarray] | None = None) -> "DocArrays":
        """``known``: which word keys the classifier knows (a boolean per key), to join a word
        broken at a line end (``mend_broken_words``)."""
        mentions = [(s.start, s.end, s.label, s.id, control_list(s._.dualuse_category))
                    for s in doc.spans.get(TECH_KEY, [])]
        cues = [(s.start, s.end, s.id) for s in doc.spans.get(CUES_KEY, [])]
        tokens = columns_with_sent_starts(doc, _COLS)  # a copy: ``mend_broken_words`` writes to it
        if tokens[:, 2].any():
            mend_broken_words(doc, tokens, known)
        return cls(tokens,
                   np.array(mentions, dtype=np.uint64).reshape(-1, 5),
                   np.array(cues, dtype=np.uint64).reshape(-1, 3))


def mend_broken_words(doc: Doc, tokens: np.ndarray, known: Callable[[np.ndarray], np.ndarray] | None) -> None:
    """Words of ``doc`` broken after a hyphen at a line end (``components._broken_after``), put
    back in ``tokens`` (its LOWER and IS_SPACE columns). spaCy keeps "synth-" and "satellite-" as
    words of their own, which clean text never has. The halves become one word where the
    classifier knows the joined word ("synth-\\netic": "synthetic"; the second half is then left
    out like a space); otherwise the first half loses its hyphen, as a compound written on one
    line gives ("satellite-\\nbased": "satellite", "based"). The new words go into the
    vocabulary's strings, so that a trained model can name them."""
    strings = doc.vocab.strings
    for i in np.flatnonzero(tokens[:, 2]).tolist():
        if i == 0 or doc[i - 1].text[-1:] != "-" or _broken_after(doc, i - 1, line_ends_only=True) != i + 1:
            continue
        first = doc[i - 1].text[:-1].lower()
        joined = first + doc[i + 1].text.lower()
        if known is not None and known(np.array([get_string_id(joined)], dtype=np.uint64))[0]:
            tokens[i - 1, 0] = strings.add(joined)
            tokens[i + 1, 2] = 1
        else:
            tokens[i - 1, 0] = strings.add(first)


def control_list(category: str | None) -> np.uint64:
    """The control-list tag of a category code: ``MILITARY_LIST`` for "ML10c" and the UK's
    national military entries ("PL5001"), ``DUAL_USE_LIST`` for "6A008d", "1C350" and the UK's
    national dual-use entries ("PL9002"), 0 for none."""
    if not category:
        return np.uint64(0)
    if category[:2] == "ML" and category[2:3].isdigit():
        return MILITARY_LIST
    if category[:2] == "PL" and category[2:3] in ("5", "9"):
        return MILITARY_LIST if category[2] == "5" else DUAL_USE_LIST
    if category[:1].isdigit() and category[1:2].isalpha():
        return DUAL_USE_LIST
    return np.uint64(0)


@dataclass
class Rows:
    documents: KeyRows
    contexts: KeyRows
    context_doc: np.ndarray        # document (index in the batch) of each context row
    context_sentence: np.ndarray   # (rows, 2) character offsets of each context row's sentence
    context_cues: list             # per context row: (start, end) characters of the cues in its sentence


def build_rows(batch: list[DocArrays], window: int = WINDOW) -> Rows:
    """Document and context rows for a batch of documents."""
    n_docs = len(batch)
    sizes = np.array([len(d.tokens) for d in batch], dtype=np.int64)
    tok_offset = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if n_docs else np.zeros(0, np.int64)
    tokens = np.concatenate([d.tokens for d in batch]) if n_docs else np.zeros((0, 6), np.uint64)
    doc_of_token = np.repeat(np.arange(n_docs), sizes)
    n_tokens = len(tokens)

    # Words (kept tokens) and the bigram starting at each word, batch-wide.
    kept = (tokens[:, 1] == 0) & (tokens[:, 2] == 0)
    word_pos = np.flatnonzero(kept)            # global token index of each word
    words = tokens[kept, 0]
    word_doc = doc_of_token[kept]
    with np.errstate(over="ignore"):
        bigrams = words[:-1] * _BIGRAM + words[1:]
    same_doc = word_doc[:-1] == word_doc[1:] if len(words) else np.zeros(0, bool)

    # Sentence boundaries: a doc's first token always starts one.
    starts_flag = tokens[:, 3].astype(np.int64) == 1
    starts_flag[tok_offset[sizes > 0]] = True
    sent_starts = np.flatnonzero(starts_flag)
    sent_ends = np.concatenate([sent_starts[1:], [n_tokens]]) if len(sent_starts) else sent_starts
    # A sentence never runs past its document.
    doc_end = tok_offset + sizes
    if len(sent_starts):
        sent_ends = np.minimum(sent_ends, doc_end[doc_of_token[sent_starts]])
    char_start = tokens[:, 4].astype(np.int64)
    char_end = char_start + tokens[:, 5].astype(np.int64)

    def word_range(lo_tok: np.ndarray, hi_tok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.searchsorted(word_pos, lo_tok), np.searchsorted(word_pos, hi_tok)

    # ---- document rows
    d_lo, d_hi = word_range(tok_offset, tok_offset + sizes)
    doc_extra = []
    for d in batch:
        extra = [c ^ _SALT_CUE for c in d.cues[:, 2]]
        extra += _tags(d.mentions)
        doc_extra.append(np.array(extra, dtype=np.uint64))
    documents = _assemble(words, bigrams, same_doc, d_lo, d_hi, doc_extra)

    # ---- context rows: one per mention; per cue sentence for documents without mentions
    m_doc = np.repeat(np.arange(n_docs), [len(d.mentions) for d in batch])
    m_all = np.concatenate([d.mentions for d in batch]) if n_docs else np.zeros((0, 5), np.uint64)
    m_start = m_all[:, 0].astype(np.int64) + tok_offset[m_doc]
    m_end = m_all[:, 1].astype(np.int64) + tok_offset[m_doc]
    m_sent = np.searchsorted(sent_starts, m_start, side="right") - 1
    m_lo = np.maximum(sent_starts[m_sent], m_start - window) if len(m_sent) else m_start
    m_hi = np.minimum(sent_ends[m_sent], m_end + window) if len(m_sent) else m_end
    r_doc, r_lo_tok, r_hi_tok, r_sent, r_extra, r_cues = [], [], [], [], [], []
    k = 0
    for i, d in enumerate(batch):
        base = tok_offset[i]
        cues = sorted((base + a, base + b, np.uint64(c) ^ _SALT_CUE) for a, b, c in d.cues.tolist())
        cue_starts = [a for a, _, _ in cues]
        # A mention's context also knows the cues of its whole document (an airworthiness
        # directive stays civilian even where a sentence about displays says nothing civil).
        doc_cues = [np.uint64(c) ^ _SALT_DOC_CUE for c in dict.fromkeys(d.cues[:, 2].tolist())]

        def within(lo: int, hi: int) -> list:
            out = []
            for j in range(bisect.bisect_left(cue_starts, lo), len(cues)):
                a, b, c = cues[j]
                if a >= hi:
                    break
                if b <= hi:
                    out.append(cues[j])
            return out

        if len(d.mentions):
            sentence_cues: dict = {}  # one list per sentence, shared by its mentions' rows
            for j in range(len(d.mentions)):
                lo, hi, s = int(m_lo[k]), int(m_hi[k]), int(m_sent[k])
                k += 1
                r_doc.append(i)
                r_lo_tok.append(lo)
                r_hi_tok.append(hi)
                r_sent.append(s)
                if s not in sentence_cues:
                    s_lo, s_hi = int(sent_starts[s]), int(sent_ends[s])
                    sentence_cues[s] = [(int(char_start[a]), int(char_end[b - 1])) for a, b, _ in within(s_lo, s_hi)]
                r_cues.append(sentence_cues[s])
                extra = [c for _, _, c in within(lo, hi)]
                r_extra.append(np.array(extra + doc_cues + _tags(d.mentions[j:j + 1]), dtype=np.uint64))
        elif cues:
            c_sent = np.searchsorted(sent_starts, cue_starts, side="right") - 1
            for s in dict.fromkeys(c_sent.tolist()):
                s_lo, s_hi = int(sent_starts[s]), int(sent_ends[s])
                r_doc.append(i)
                r_lo_tok.append(s_lo)
                r_hi_tok.append(s_hi)
                r_sent.append(s)
                inside = within(s_lo, s_hi)
                r_cues.append([(int(char_start[a]), int(char_end[b - 1])) for a, b, _ in inside])
                r_extra.append(np.array([c for _, _, c in inside] + doc_cues + [NO_MENTION], dtype=np.uint64))
    r_sent = np.array(r_sent, dtype=np.int64)
    first_text = first_non_space(tokens[:, 2].astype(bool))
    sent_first = np.minimum(first_text[sent_starts[r_sent]], sent_ends[r_sent] - 1) if len(r_sent) else r_sent
    sentence_chars = np.stack([char_start[sent_first], char_end[sent_ends[r_sent] - 1]], axis=1) \
        if len(r_sent) else np.zeros((0, 2), np.int64)
    c_lo, c_hi = word_range(np.array(r_lo_tok, dtype=np.int64), np.array(r_hi_tok, dtype=np.int64))
    contexts = _assemble(words, bigrams, same_doc, c_lo, c_hi, r_extra)
    return Rows(documents, contexts, np.array(r_doc, dtype=np.int64), sentence_chars, r_cues)


def first_non_space(is_space: np.ndarray) -> np.ndarray:
    """For each token, the index of the first token at or after it that is not whitespace
    (so that a sentence's offsets start at its first word, not at the blank lines before it)."""
    n = len(is_space)
    candidates = np.where(is_space, n, np.arange(n))
    return np.minimum.accumulate(candidates[::-1])[::-1] if n else candidates


def _tags(mentions: np.ndarray) -> list:
    if not len(mentions):
        return [NO_MENTION]
    keys = []
    for _, _, family, term, listed in mentions.tolist():
        keys.append(np.uint64(family) ^ _SALT_FAMILY)
        keys.append(np.uint64(term) ^ _SALT_TERM)
        if listed:
            keys.append(np.uint64(listed))
    return keys


def _assemble(words, bigrams, same_doc, lo, hi, extras) -> KeyRows:
    """Rows made of words[lo:hi], the bigrams inside that range and the row's extra keys."""
    n = len(lo)
    if n == 0:
        return KeyRows(_EMPTY, np.zeros(1, dtype=np.int64))
    w_idx = _ranges(lo, hi)
    w_row = np.repeat(np.arange(n), hi - lo)
    b_hi = np.maximum(hi - 1, lo)
    b_idx = _ranges(lo, b_hi)
    b_row = np.repeat(np.arange(n), b_hi - lo)
    if len(b_idx):
        keep = same_doc[b_idx]
        b_idx, b_row = b_idx[keep], b_row[keep]
    e_len = np.fromiter((len(e) for e in extras), dtype=np.int64, count=n)
    e_keys = np.concatenate(extras) if n else _EMPTY
    e_row = np.repeat(np.arange(n), e_len)
    keys = np.concatenate([words[w_idx], bigrams[b_idx] if len(b_idx) else _EMPTY, e_keys.astype(np.uint64)])
    rows = np.concatenate([w_row, b_row, e_row])
    order = np.argsort(rows, kind="stable")
    counts = np.bincount(rows, minlength=n)
    return KeyRows(keys[order], np.concatenate([[0], np.cumsum(counts)]))


MAX_NAME = 40


def word_names(keys: np.ndarray, strings, names: dict) -> None:
    """Remember the text of each word key in ``keys`` (LOWER values, any number of documents)
    that can explain a score, used while training: words of letters only, at most
    ``MAX_NAME`` long; other keys are remembered as "" (one long token would otherwise widen
    every entry of the name arrays). ``strings``: the StringStore that still holds them."""
    for key in set(np.unique(keys).tolist()).difference(names):
        text = strings[key]
        names[key] = text if len(text) <= MAX_NAME and text.isalpha() else ""
