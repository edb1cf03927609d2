"""Several bundles scored side by side in one run: the team's dev set of real documents (all, its
SBIR and Federal Register parts, blind 5 onwards), the flags at each bundle's own thresholds (wrong
flags, reviews, cost per document with a review costing a quarter of an error), and all
labelled SBIR abstracts by funder (all, and those naming a dual-use technology). Cells are
ROC AUC / F1 at 0.5 / ECE. Then the dev documents whose flag differs between the first bundle and
each other one, with both scores and our label, for reading.

    python benchmarks/bundles_side_by_side.py BUNDLE [BUNDLE ...]   ("default": the shipped one)

For example, the team corpus with and without a part:
    dualuse train corpora/seed/*.jsonl corpora/held_back/civilian_balance.jsonl --no-base --out /tmp/with
    python benchmarks/bundles_side_by_side.py default /tmp/with
"""

from __future__ import annotations

import sys

import numpy as np

from dualuse.corpora.quality import is_dual_use
from dualuse.model import load
from dualuse.model.components import TECH_KEY
from dualuse.model.taxonomy import default_taxonomy
from dualuse.training.evaluate import binary_metrics

from common import SBIR, read_jsonl_gz
from dev_real import blind_batches, flag_cost, load_dev


def cell(y: np.ndarray, p: np.ndarray) -> str:
    m = binary_metrics(y, p)
    return f"{m['roc_auc']:.4f} / {m['f1']:.3f} / {m['ece']:.3f}"


def main() -> None:
    bundles = sys.argv[1:]
    if not bundles:
        raise SystemExit(__doc__)
    dual = {e.id for e in default_taxonomy().entries if is_dual_use(e)}
    dev = load_dev()
    y = np.array([d["label"] == "military" for d in dev])
    parts = {"dev, all": np.ones(len(dev), bool),
             "dev SBIR": np.array([d["id"].startswith("sbir") for d in dev]),
             "dev Federal Register": np.array([d["id"].startswith("fr") for d in dev]),
             **{f"blind {n}": np.array([d.get("batch") == f"blind {n}" for d in dev]) for n in blind_batches(dev) if n >= 5}}
    sbir = [r for r in read_jsonl_gz(SBIR) if r["label"] in ("military", "civilian")]
    sy = np.array([r["label"] == "military" for r in sbir])
    print(f"dev set {len(dev)}, SBIR {len(sbir)}; cells ROC AUC / F1 / ECE\n")
    print("| bundle | thresholds | " + " | ".join(parts) + " | wrong flags, reviews, cost (dev) | SBIR | SBIR naming a "
          "dual-use technology |")
    print("|---" * (len(parts) + 5) + "|")
    flags = {}
    for path in bundles:
        tagger = load(None if path == "default" else path)
        records = list(tagger.tag((d["id"], d["text"]) for d in dev))
        p = np.array([r["military_prob"] for r in records])
        flags[path] = [(r["military_prob"], r["flag"]) for r in records]
        wrong, review, cost = flag_cost([d["label"] for d in dev], [r["flag"] for r in records])
        sp, named = [], []
        for doc in tagger.nlp.pipe((r["text"] for r in sbir), batch_size=64):
            sp.append(doc._.dualuse_military_prob)
            named.append(any(s.id_ in dual for s in doc.spans[TECH_KEY]))
        sp, named = np.array(sp), np.array(named)
        th = tagger.thresholds
        print(f"| {path} | {th['civilian']} / {th['military']} | " + " | ".join(cell(y[m], p[m]) for m in parts.values())
              + f" | {len(wrong)}, {review}, {cost:.4f} | {cell(sy, sp)} | "
              f"{cell(sy[named], sp[named])} |", flush=True)
    first = bundles[0]
    for path in bundles[1:]:
        moved = [(d, a, b) for d, a, b in zip(dev, flags[first], flags[path]) if a[1] != b[1]]
        print(f"\ndev flags that differ, {first} -> {path}: {len(moved)}")
        for d, (pa, fa), (pb, fb) in moved:
            print(f"  {pa:.3f} {fa:9} -> {pb:.3f} {fb:9} ours={d['label']:9} {d['id']}")


if __name__ == "__main__":
    main()
