"""Feature keys to matrix columns, without spaCy: rows of keys (``KeyRows``) and the two
vocabularies that turn them into sparse count matrices (``KeyVocabulary``, fitted on the
training rows; ``HashedVocabulary``, the hashing trick of out-of-core training). Scoring
(``linear``) and the out-of-core learner (``training.learner``, its own process) need these
and nothing of spaCy; ``features`` builds the rows from Docs.

Scoring takes the counts as ``Counts`` (``counts``), plain numpy arrays in compressed-row form,
so that ``dualuse tag`` never imports SciPy (a tenth of a second of every start); training
takes ``transform``'s SciPy matrix, which scikit-learn needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

_EMPTY = np.zeros(0, dtype=np.uint64)


@dataclass
class Counts:
    """A sparse matrix in compressed-row form, numpy only: row i has the values
    ``data[indptr[i]:indptr[i + 1]]`` in the columns ``indices[...]``, columns sorted within a
    row and each at most once (the attributes of SciPy's canonical ``csr_matrix``)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple

    @classmethod
    def count(cls, rows: np.ndarray, cols: np.ndarray, shape: tuple) -> "Counts":
        """How often each (row, column) pair occurs."""
        if not shape[1]:
            return cls(np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(shape[0] + 1, dtype=np.int64), shape)
        codes, counts = np.unique(rows.astype(np.int64) * shape[1] + cols, return_counts=True)
        indptr = np.searchsorted(codes, np.arange(shape[0] + 1, dtype=np.int64) * shape[1])
        return cls(counts.astype(np.float64), (codes % shape[1]).astype(np.int64), indptr, shape)

    @classmethod
    def of(cls, matrix) -> "Counts":
        """A ``Counts`` as it is, or one sharing the arrays of SciPy's canonical ``csr_matrix``."""
        if isinstance(matrix, cls):
            return matrix
        return cls(np.asarray(matrix.data), np.asarray(matrix.indices), np.asarray(matrix.indptr), matrix.shape)

    @cached_property
    def row_ids(self) -> np.ndarray:
        """The row of each stored value (computed once per matrix)."""
        return np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))

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

    def _pairs(self, rows: KeyRows) -> tuple[np.ndarray, np.ndarray, tuple]:
        """(row, column) of every key in the vocabulary, and the matrix's shape."""
        cols = self._table.lookup(rows.keys)
        hit = cols >= 0
        return rows.row_ids()[hit], cols[hit], (len(rows), len(self.keys))

    def counts(self, rows: KeyRows) -> Counts:
        return Counts.count(*self._pairs(rows))

    def transform(self, rows: KeyRows) -> "csr_matrix":
        return _csr(*self._pairs(rows))

    def knows(self, keys: np.ndarray) -> np.ndarray:
        """Whether each key has a column."""
        return self._table.lookup(keys) >= 0

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

    def _pairs(self, rows: KeyRows) -> tuple[np.ndarray, np.ndarray, tuple]:
        """(row, column) of every key, and the matrix's shape."""
        return rows.row_ids(), self.columns(rows.keys), (len(rows), self.n_features)

    def counts(self, rows: KeyRows) -> Counts:
        return Counts.count(*self._pairs(rows))

    def transform(self, rows: KeyRows) -> "csr_matrix":
        return _csr(*self._pairs(rows))

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


def _csr(rows: np.ndarray, cols: np.ndarray, shape: tuple) -> "csr_matrix":
    """SciPy's count matrix, for training (``Counts.count`` gives the same in numpy, for scoring;
    on a whole corpus SciPy's own summing is faster and lighter)."""
    from scipy.sparse import csr_matrix

    matrix = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    return matrix


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
