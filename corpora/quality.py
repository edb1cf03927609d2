"""Corpus checks: near-duplicate documents (shared word 5-grams), and dual-use technologies a
labelled corpus shows in one context only."""

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


# Technologies whose real uses are military by nature, though the taxonomy files them outside the
# weapons family and the military list (a corpus showing them in military text only is right).
MILITARY_BY_NATURE = frozenset({
    "military_gnss", "military_jet_fuel", "low_observable_technology", "low_probability_of_intercept",
    "hypersonic_glide_vehicle", "reentry_vehicle", "signals_intelligence", "anti_submarine_warfare", "sonobuoy",
    "manned_unmanned_teaming", "towed_array_sonar", "insensitive_high_explosive", "melt_cast_explosive",
    "naval_nuclear_propulsion", "male_hale_uav",
})


def is_dual_use(entry) -> bool:
    """A taxonomy entry whose technology has real civil and military uses: not in the weapons
    family, not on a military list (ML and the UK's national PL5xxx entries), and not military
    by nature (``MILITARY_BY_NATURE``)."""
    category = entry.category or ""
    return (entry.label != "weapons_munitions" and not category.startswith(("ML", "PL5"))
            and entry.id not in MILITARY_BY_NATURE)


def one_sided_terms(docs: Iterable[tuple[str, Iterable[str]]], taxonomy, *, at_least: int = 6,
                    only_in: tuple[str, ...] = ("military", "civilian")) -> list[tuple[str, int, int]]:
    """Dual-use technologies (``is_dual_use``) that a labelled corpus shows in one context only.

    ``docs``: (label, term ids the document mentions). Returns (term id, military documents,
    civilian documents) for each dual-use term found in at least ``at_least`` documents of a
    label in ``only_in`` and none of the other, most documents first (one document of the other
    label clears a term). A classifier trained on such a corpus learns the technology's own name
    as evidence of that context."""
    if isinstance(only_in, str) or not only_in or not set(only_in) <= {"military", "civilian"}:
        raise ValueError(f"only_in must name labels among military and civilian, not {only_in!r}")
    counts: dict[str, Counter] = defaultdict(Counter)
    for label, terms in docs:
        for term in set(terms):
            counts[term][label] += 1
    found = []
    for term, c in counts.items():
        entry = taxonomy.by_id.get(term)
        if entry is None or not is_dual_use(entry):
            continue
        mil, civ = c["military"], c["civilian"]
        if ("military" in only_in and mil >= at_least and civ == 0) or ("civilian" in only_in and civ >= at_least and mil == 0):
            found.append((term, mil, civ))
    return sorted(found, key=lambda t: (-max(t[1], t[2]), t[0]))
