from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix

from dualuse.model.vocabulary import Counts, HashedVocabulary, KeyRows, KeyVocabulary


def _rows(rng, n_rows: int, pool: np.ndarray) -> KeyRows:
    lengths = rng.integers(0, 30, size=n_rows)
    lengths[::5] = 0  # empty rows, the first one included
    keys = rng.choice(pool, size=int(lengths.sum()))
    return KeyRows(keys.astype(np.uint64), np.concatenate([[0], np.cumsum(lengths)]))


@pytest.mark.parametrize("kind", ["keys", "hashed"])
def test_numpy_counts_equal_scipys_sum_of_duplicates(kind):
    rng = np.random.default_rng(0)
    pool = rng.integers(1, 2**63, size=60, dtype=np.uint64)
    fitted = KeyRows(pool[:40], np.array([0, 20, 40]))
    vocab = KeyVocabulary.fit(fitted, min_df=1) if kind == "keys" else HashedVocabulary(1 << 6)
    rows = _rows(rng, 23, pool)  # keys outside the fitted vocabulary too
    counts = vocab.counts(rows)
    assert isinstance(counts, Counts)
    cols = vocab._table.lookup(rows.keys) if kind == "keys" else vocab.columns(rows.keys)
    hit = cols >= 0
    expected = coo_matrix((np.ones(int(hit.sum())), (rows.row_ids()[hit], cols[hit])),
                          shape=(len(rows), len(vocab.keys) if kind == "keys" else len(vocab))).tocsr()
    expected.sum_duplicates()
    expected.sort_indices()
    np.testing.assert_array_equal(counts.indptr, expected.indptr)
    np.testing.assert_array_equal(counts.indices, expected.indices)
    np.testing.assert_array_equal(counts.data, expected.data)
    assert counts.shape == expected.shape and counts.data.sum() == hit.sum()
    np.testing.assert_array_equal(vocab.transform(rows).toarray(), expected.toarray())


def test_counts_over_an_empty_vocabulary_have_empty_rows():
    vocab = KeyVocabulary(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=str))
    counts = vocab.counts(KeyRows(np.array([5, 6], dtype=np.uint64), np.array([0, 1, 2])))
    assert counts.shape == (2, 0) and list(counts.indptr) == [0, 0, 0] and len(counts.data) == 0
