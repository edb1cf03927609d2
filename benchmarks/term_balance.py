"""Dual-use technologies shown in one context only: the audit of a training corpus, and what
balancing them does on real text, for two bundles side by side in one run.

1. The audit: the dual-use technologies (``corpora.quality.is_dual_use``) that the team corpus
   names in at least ``--at-least`` documents of one label and none of the other (the check
   ``tests/test_data.py`` runs), and the looser list of those at least 4 to 1 one-sided.
2. Real SBIR abstracts (label = funder) that name a dual-use technology, scored by both
   bundles: document ROC AUC, F1, ECE, and the mention probabilities of their dual-use
   mentions against the document's label (mean on each side, AUC, ECE).
3. The Federal Register abstracts that name a dual-use technology (unlabelled, mostly civil
   notices): how many each bundle flags military, and the documents whose flag moves.

    python benchmarks/term_balance.py --before OLD_BUNDLE [--after NEW_BUNDLE] [--list 12]
"""

from __future__ import annotations

import argparse
import collections

import numpy as np
from sklearn.metrics import roc_auc_score

from dualuse.corpora.labelled import read_corpora, seed_corpus_paths
from dualuse.corpora.quality import is_dual_use, one_sided_terms
from dualuse.model import load
from dualuse.model.components import TECH_KEY
from dualuse.model.pipeline import build_pipeline
from dualuse.model.taxonomy import default_taxonomy
from dualuse.training.evaluate import binary_metrics, expected_calibration_error

from common import FEDERAL_REGISTER, SBIR, read_jsonl_gz


def audit(at_least: int) -> None:
    docs = read_corpora(seed_corpus_paths())
    nlp = build_pipeline()
    taxonomy = default_taxonomy()
    terms = [{s.id_ for s in doc.spans[TECH_KEY]} for doc in nlp.pipe(d.text for d in docs)]
    labelled = list(zip((d.label for d in docs), terms))
    print(f"team corpus: {len(docs)} documents")
    strict = one_sided_terms(labelled, taxonomy, at_least=at_least)
    print(f"dual-use technologies in >= {at_least} documents of one label and none of the other: {len(strict)}")
    for term, mil, civ in strict:
        print(f"  {term:36s} military {mil:3d}  civilian {civ:3d}")
    counts: dict = collections.defaultdict(collections.Counter)
    for label, found in labelled:
        for term in found:
            counts[term][label] += 1
    loose = sorted((t for t, c in counts.items() if is_dual_use(taxonomy.by_id[t])
                    and max(c.values()) >= 4 and 4 * min(c["military"], c["civilian"]) <= max(c.values())),
                   key=lambda t: -max(counts[t].values()))
    print(f"at least 4 to 1 one-sided (>= 4 documents): {len(loose)}")
    print("  " + ", ".join(f"{t} {counts[t]['military']}/{counts[t]['civilian']}" for t in loose))


def scored(tagger, texts: list[str], dual: set) -> tuple[np.ndarray, list]:
    """Document probabilities, and per document the probabilities of its dual-use mentions."""
    probs, mentions = [], []
    for doc in tagger.nlp.pipe(texts, batch_size=64):
        probs.append(doc._.dualuse_military_prob)
        mentions.append([s._.dualuse_military_prob for s in doc.spans[TECH_KEY] if s.id_ in dual])
    return np.array(probs), mentions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--before", required=True, help='a bundle folder, or "default" for the shipped one')
    ap.add_argument("--after", help="default: the shipped bundle")
    ap.add_argument("--at-least", type=int, default=6)
    ap.add_argument("--list", type=int, default=12)
    args = ap.parse_args()
    audit(args.at_least)

    taxonomy = default_taxonomy()
    dual = {e.id for e in taxonomy.entries if is_dual_use(e)}
    nlp = build_pipeline()
    sbir = [r for r in read_jsonl_gz(SBIR) if r["label"] in ("military", "civilian")]
    names = [{s.id_ for s in d.spans[TECH_KEY]} & dual for d in nlp.pipe((r["text"] for r in sbir), batch_size=64)]
    sbir = [r for r, n in zip(sbir, names) if n]
    fr = list(read_jsonl_gz(FEDERAL_REGISTER))
    fr_names = [{s.id_ for s in d.spans[TECH_KEY]} & dual for d in nlp.pipe((r["text"] for r in fr), batch_size=64)]
    fr = [r for r, n in zip(fr, fr_names) if n]
    y = np.array([r["label"] == "military" for r in sbir])
    print(f"\nSBIR abstracts naming a dual-use technology: {len(sbir)} ({y.sum()} funded by defence)")
    print("| bundle | doc ROC AUC | doc F1 | doc ECE | mentions | mean p, defence-funded | mean p, civil-funded "
          "| mention AUC | mention ECE | FR flagged military (of %d) |" % len(fr))
    print("|---|---|---|---|---|---|---|---|---|---|")
    flags = {}
    for name, path in (("before", args.before), ("after", args.after)):
        tagger = load(None if path in (None, "default") else path)
        probs, mentions = scored(tagger, [r["text"] for r in sbir], dual)
        m = binary_metrics(y, probs)
        mp = np.array([p for ps in mentions for p in ps])
        my = np.array([yy for yy, ps in zip(y, mentions) for _ in ps])
        fr_probs, _ = scored(tagger, [r["text"] for r in fr], dual)
        flags[name] = [tagger.thresholds["military"] <= p for p in fr_probs], fr_probs
        print(f"| {name}: {tagger.model} | {m['roc_auc']:.4f} | {m['f1']:.4f} | {m['ece']:.4f} | {len(mp)} | "
              f"{mp[my].mean():.3f} | {mp[~my].mean():.3f} | {roc_auc_score(my, mp):.4f} | "
              f"{expected_calibration_error(my, mp):.4f} | {sum(flags[name][0])} |")
    before, after = flags["before"], flags["after"]
    for title, moved in (("civilian -> military", lambda i: after[0][i] and not before[0][i]),
                         ("military -> not military", lambda i: before[0][i] and not after[0][i])):
        idx = [i for i in range(len(fr)) if moved(i)]
        print(f"\nFederal Register {title}: {len(idx)}")
        for i in idx[: args.list]:
            print(f"  {before[1][i]:.2f} -> {after[1][i]:.2f}  {fr[i]['id']:16s} {fr[i]['title'][:90]}")


if __name__ == "__main__":
    main()
