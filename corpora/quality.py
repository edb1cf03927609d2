"""Corpus checks: near-duplicate documents (shared word 5-grams)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterable

_WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def near_duplicates(docs: Iterable[tuple[str, str]], *, share: float = 0.5, n: int = 5) -> list[tuple[str, str, float]]:
    """Pairs of (id, text) documents sharing more than ``share`` of the word n-grams of the
    smaller one. Uses an inverted index, so a corpus of thousands is checked in seconds."""
    ids, sets = [], []
    index: dict[tuple, list[int]] = defaultdict(list)
    for doc_id, text in docs:
        grams = shingles(text, n)
        for g in grams:
            index[g].append(len(ids))
        ids.append(doc_id)
        sets.append(grams)
    pairs = []
    for k, grams in enumerate(sets):
        common: Counter = Counter()
        for g in grams:
            for j in index[g]:
                if j > k:
                    common[j] += 1
        for j, shared in common.items():
            smaller = min(len(grams), len(sets[j]))
            if smaller and shared / smaller > share:
                pairs.append((ids[k], ids[j], shared / smaller))
    return pairs
