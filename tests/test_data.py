"""Checks on the data the team ships: taxonomy, gold mention set, training corpus."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path


from dualuse.corpora.labelled import read_corpora, seed_corpus_paths
from dualuse.corpora.quality import near_duplicates
from dualuse.model.taxonomy import FAMILIES, default_cues, default_taxonomy

GOLD = Path(__file__).resolve().parents[1] / "corpora" / "gold" / "mentions.jsonl"


def test_taxonomy_size_and_coverage():
    taxonomy = default_taxonomy()
    assert taxonomy.version == "2026.16"
    per_family = Counter(e.label for e in taxonomy.entries)
    assert len(taxonomy.entries) >= 500
    assert set(per_family) == set(FAMILIES)
    assert min(per_family.values()) >= 15
    assert all(e.patterns and e.source for e in taxonomy.entries)
    assert sum(e.category is not None for e in taxonomy.entries) > 300


def test_cue_lists_have_both_polarities():
    labels = Counter(e.label for e in default_cues().entries)
    assert labels["military"] >= 20 and labels["civilian"] >= 15


def test_gold_set_offsets_and_coverage():
    docs = [json.loads(line) for line in GOLD.read_text().splitlines()]
    assert len(docs) >= 150
    families = Counter()
    for d in docs:
        assert 60 <= len(d["text"].split()) <= 300, d["id"]
        last = 0
        for m in sorted(d["mentions"], key=lambda m: m["start"]):
            assert d["text"][m["start"]:m["end"]] == m["text"], d["id"]
            assert m["start"] >= last, f"overlapping mentions in {d['id']}"
            last = m["end"]
            families[m["family"]] += 1
    assert set(families) == set(FAMILIES)


def test_seed_corpus_is_large_balanced_and_free_of_near_duplicates():
    docs = read_corpora(seed_corpus_paths())
    assert len(docs) >= 2000
    labels = Counter(d.label for d in docs)
    assert min(labels.values()) / len(docs) > 0.4
    assert all(40 <= len(d.text.split()) <= 300 for d in docs)
    assert near_duplicates((d.id, d.text) for d in docs) == []


def test_near_duplicate_check_catches_a_lightly_edited_copy():
    base = ("The Navy awarded a contract for synthetic aperture radar pods that will be integrated on "
            "maritime patrol aircraft to support surveillance of contested littoral waters next year.")
    edited = base.replace("next year", "in 2027").replace("The Navy", "The service")
    other = "Farmers in the valley adopted soil moisture sensors and drones to plan irrigation schedules."
    pairs = near_duplicates([("a", base), ("b", edited), ("c", other)])
    assert [(a, b) for a, b, _ in pairs] == [("a", "b")]
