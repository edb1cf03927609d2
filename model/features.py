"""Classifier inputs from annotated Docs: rows of uint64 feature keys, built a batch at a time.

Keys are spaCy's own string hashes, read from the token arrays without building Python Token
objects: lower-cased words, word bigrams, cue ids and technology tags, each kind salted so the
kinds never collide. ``KeyVocabulary`` maps keys to columns and turns rows into a sparse
count matrix; everything after that is a scikit-learn Pipeline. No spaCy object reaches
scikit-learn.

Two kinds of row: the document row holds every key of a document; a context row holds the
words of one mention's sentence (at most ``WINDOW`` tokens either side of it), the cues in
that window, the cues of the whole document (salted apart) and the mention's tags. A document without mentions gets one context row per
sentence that has cues instead, so that it can still show evidence. Training and inference
build rows with these same functions.

Work is split in two so that a batch is vectorized as a whole: ``DocArrays.of`` copies what
is needed out of one Doc (one ``to_array`` call and the span offsets), and ``build_rows``
turns a list of them into rows with a handful of numpy operations.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, SENT_START
from spacy.tokens import Doc

from .components import CUES_KEY, TECH_KEY

WINDOW = 40

_BIGRAM = np.uint64(0x9E3779B97F4A7C15)
_SALT_CUE = np.uint64(0x51A7C0E5C0E5C0E5)
_SALT_DOC_CUE = np.uint64(0x2D0C2D0C51A75EED)
_SALT_FAMILY = np.uint64(0x3A3A5F5F3A3A5F5F)
_SALT_TERM = np.uint64(0x7E7E1D1D7E7E1D1D)
NO_MENTION = np.uint64(0x0DEC0DEC0DEC0DEC)
_ATTRS = [LOWER, IS_PUNCT, IS_SPACE, SENT_START, IDX, LENGTH]
_EMPTY = np.zeros(0, dtype=np.uint64)


@dataclass
class DocArrays:
    """Plain arrays copied out of one annotated Doc (valid after the Doc is gone)."""

    tokens: np.ndarray    # (n, 6) uint64: LOWER, IS_PUNCT, IS_SPACE, SENT_START, IDX, LENGTH
    mentions: np.ndarray  # (m, 4) uint64: start, end, family hash, term hash
    cues: np.ndarray      # (k, 3) uint64: start, end, cue id hash

    @classmethod
    def of(cls, doc: Doc) -> "DocArrays":
        mentions = [(s.start, s.end, s.label, s.id) for s in doc.spans.get(TECH_KEY, [])]
        cues = [(s.start, s.end, s.id) for s in doc.spans.get(CUES_KEY, [])]
        return cls(doc.to_array(_ATTRS).reshape(-1, len(_ATTRS)),
                   np.array(mentions, dtype=np.uint64).reshape(-1, 4),
                   np.array(cues, dtype=np.uint64).reshape(-1, 3))


@dataclass
class KeyRows:
    """Rows of feature keys in compressed form: row i is ``keys[indptr[i]:indptr[i + 1]]``."""

    keys: np.ndarray
    indptr: np.ndarray

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @classmethod
    def concat(cls, parts: list["KeyRows"]) -> "KeyRows":
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls(_EMPTY, np.zeros(1, dtype=np.int64))
        offsets = np.cumsum([0] + [len(p.keys) for p in parts[:-1]])
        indptr = np.concatenate([[0]] + [p.indptr[1:] + o for p, o in zip(parts, offsets)])
        return cls(np.concatenate([p.keys for p in parts]), indptr)

    def take(self, index: np.ndarray) -> "KeyRows":
        index = np.asarray(index, dtype=np.int64)
        starts, ends = self.indptr[index], self.indptr[index + 1]
        return KeyRows(self.keys[_ranges(starts, ends)], np.concatenate([[0], np.cumsum(ends - starts)]))

    def row_ids(self) -> np.ndarray:
        return np.repeat(np.arange(len(self)), np.diff(self.indptr))


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, e) for each pair, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return offsets + np.arange(total)


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
    m_all = np.concatenate([d.mentions for d in batch]) if n_docs else np.zeros((0, 4), np.uint64)
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
            for j in range(len(d.mentions)):
                lo, hi, s = int(m_lo[k]), int(m_hi[k]), int(m_sent[k])
                k += 1
                r_doc.append(i)
                r_lo_tok.append(lo)
                r_hi_tok.append(hi)
                r_sent.append(s)
                s_lo, s_hi = int(sent_starts[s]), int(sent_ends[s])
                r_cues.append([(int(char_start[a]), int(char_end[b - 1])) for a, b, _ in within(s_lo, s_hi)])
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
    for _, _, family, term in mentions.tolist():
        keys.append(np.uint64(family) ^ _SALT_FAMILY)
        keys.append(np.uint64(term) ^ _SALT_TERM)
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


class KeyVocabulary:
    """Feature keys -> columns, fitted on training rows by document frequency.

    ``names`` holds the text of word columns (empty for bigrams, cues and tags), used to
    explain scores.
    """

    def __init__(self, keys: np.ndarray, names: np.ndarray) -> None:
        self.keys = keys
        self.names = names
        self._table = _KeyTable(keys)

    @classmethod
    def fit(cls, rows: KeyRows, *, min_df: int = 2, max_features: int = 200_000,
            names: dict | None = None) -> "KeyVocabulary":
        if not len(rows):
            raise ValueError("no rows to fit a vocabulary on")
        # Document frequency: distinct (row, key) pairs, each coded as one integer (a 2-column
        # np.unique is many times slower).
        if not len(rows.keys):
            return cls(_EMPTY, np.zeros(0, dtype=str))
        # np.unique's hashing path is slower than sorting here.
        order = np.argsort(rows.keys)
        ordered = rows.keys[order]
        starts = np.concatenate([[True], ordered[1:] != ordered[:-1]])
        keys = ordered[starts]
        inverse = np.empty(len(order), dtype=np.int64)
        inverse[order] = np.cumsum(starts) - 1
        pairs = np.sort(rows.row_ids().astype(np.int64) * len(keys) + inverse)
        pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
        df = np.bincount(pairs % len(keys), minlength=len(keys))
        keep = df >= min_df
        keys, df = keys[keep], df[keep]
        if len(keys) > max_features:
            keys = np.sort(keys[np.argsort(-df, kind="stable")[:max_features]])
        names = names or {}
        return cls(keys, np.array([names.get(k, "") for k in keys.tolist()], dtype=str))

    def transform(self, rows: KeyRows) -> csr_matrix:
        n = len(rows)
        cols = self._table.lookup(rows.keys)
        hit = cols >= 0
        matrix = csr_matrix((np.ones(int(hit.sum()), dtype=np.float32), (rows.row_ids()[hit], cols[hit])),
                            shape=(n, len(self.keys)))
        matrix.sum_duplicates()
        return matrix

    def to_state(self) -> dict:
        return {"keys": self.keys, "names": self.names}

    @classmethod
    def from_state(cls, state: dict) -> "KeyVocabulary":
        return cls(np.asarray(state["keys"], dtype=np.uint64), np.asarray(state["names"]))


class HashedVocabulary:
    """Feature keys -> ``n_features`` columns by a hash of the key (the hashing trick): no key
    list to fit, so a learner can see the corpus one chunk at a time. Used by out-of-core
    training; scoring treats it like a ``KeyVocabulary``.

    ``names`` gives the text of some word columns (those that explain scores); the rest are "".
    Other keys fall in those columns too, so a name holds for a document only where its own key
    (``name_keys``) is in the document: ``named_present`` tells.
    """

    _MULT = np.uint64(0x9FB21C651E98DF25)

    def __init__(self, n_features: int, name_cols: np.ndarray | None = None, name_texts: np.ndarray | None = None,
                 name_keys: np.ndarray | None = None):
        self.bits = int(n_features).bit_length() - 1
        if n_features < 2 or 1 << self.bits != n_features:
            raise ValueError(f"n_features must be a power of two, not {n_features}")
        self.n_features = int(n_features)
        self.name_cols = np.zeros(0, np.int64) if name_cols is None else np.asarray(name_cols, dtype=np.int64)
        self.name_texts = np.zeros(0, object) if name_texts is None else np.asarray(name_texts, dtype=object)
        self.name_keys = np.zeros(0, np.uint64) if name_keys is None else np.asarray(name_keys, dtype=np.uint64)
        if not len(self.name_cols) == len(self.name_texts) == len(self.name_keys):
            raise ValueError("name_cols, name_texts and name_keys differ in length")
        self.keys = _EMPTY  # no key list: every key has a column

    def __len__(self) -> int:
        return self.n_features

    def columns(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys.astype(np.uint64) * self._MULT) >> np.uint64(64 - self.bits)).astype(np.int64)

    def transform(self, rows: KeyRows) -> csr_matrix:
        matrix = csr_matrix((np.ones(len(rows.keys), dtype=np.float32), (rows.row_ids(), self.columns(rows.keys))),
                            shape=(len(rows), self.n_features))
        matrix.sum_duplicates()
        return matrix

    @property
    def names(self) -> np.ndarray:
        names = np.full(self.n_features, "", dtype=object)
        names[self.name_cols] = self.name_texts
        return names

    def named_present(self, rows: KeyRows) -> np.ndarray:
        """Codes ``row * n_features + column`` of the named columns whose own word is in the row."""
        cols = self.columns(rows.keys)
        key_of = np.zeros(self.n_features, dtype=np.uint64)
        key_of[self.name_cols] = self.name_keys
        hit = (key_of[cols] == rows.keys) & (rows.keys != 0)
        return np.unique(rows.row_ids()[hit].astype(np.int64) * self.n_features + cols[hit])

    def to_state(self) -> dict:
        return {"n_features": self.n_features, "name_cols": self.name_cols, "name_keys": self.name_keys,
                "names": np.asarray(self.name_texts, dtype=str)}


def vocabulary_from_state(state: dict):
    """A ``KeyVocabulary`` or a ``HashedVocabulary`` from its ``to_state()``."""
    if "n_features" in state:
        return HashedVocabulary(int(state["n_features"]), state["name_cols"], state["names"], state["name_keys"])
    return KeyVocabulary.from_state(state)


class _KeyTable:
    """Key -> column lookup: a direct-mapped table, with a sorted array for the few keys that
    collide. A binary search over the whole vocabulary for every key was the slowest step
    of scoring."""

    _MULT = np.uint64(0xD6E8FEB86659FD93)

    def __init__(self, keys: np.ndarray) -> None:
        self.bits = max(10, int(np.ceil(np.log2(max(len(keys), 1) * 8))))
        size = 1 << self.bits
        cols = np.arange(len(keys), dtype=np.int64)
        slots = self._slot(keys)
        first = np.unique(slots, return_index=True)[1]
        self.slot_keys = np.zeros(size, dtype=np.uint64)
        self.slot_cols = np.full(size, -1, dtype=np.int64)
        self.slot_keys[slots[first]] = keys[first]
        self.slot_cols[slots[first]] = cols[first]
        rest = np.setdiff1d(cols, first)
        order = np.argsort(keys[rest])
        self.extra_keys, self.extra_cols = keys[rest][order], rest[order]
        self.crowded = np.zeros(size, dtype=bool)  # slots shared by several keys
        self.crowded[slots[rest]] = True

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys * self._MULT) >> np.uint64(64 - self.bits)).astype(np.int64)

    def lookup(self, queries: np.ndarray) -> np.ndarray:
        """Column of each query key, -1 where the key is not in the vocabulary."""
        if not len(queries):
            return np.zeros(0, dtype=np.int64)
        slots = self._slot(queries)
        cols = np.where(self.slot_keys[slots] == queries, self.slot_cols[slots], -1)
        if len(self.extra_keys):
            missing = np.flatnonzero((cols < 0) & self.crowded[slots])
            pos = np.searchsorted(self.extra_keys, queries[missing])
            pos[pos == len(self.extra_keys)] = 0
            found = self.extra_keys[pos] == queries[missing]
            cols[missing[found]] = self.extra_cols[pos[found]]
        return cols


MAX_NAME = 40


def word_names(keys: np.ndarray, strings, names: dict) -> None:
    """Remember the text of each word key in ``keys`` (LOWER values, any number of documents)
    that can explain a score, used while training: words of letters only, at most
    ``MAX_NAME`` long; other keys are remembered as "" (one long token would otherwise widen
    every entry of the name arrays). ``strings``: the StringStore that still holds them."""
    for key in set(np.unique(keys).tolist()).difference(names):
        text = strings[key]
        names[key] = text if len(text) <= MAX_NAME and text.isalpha() else ""
