"""Mention extraction quality on the team's gold set: precision, recall, F1 (exact and overlap).

    python benchmarks/mention_eval.py [--gold corpora/gold/mentions.jsonl] [--misses 40] [--json out.json]
"""

from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path

from dualuse.model.pipeline import build_pipeline
from dualuse.model.components import TECH_KEY

ROOT = Path(__file__).resolve().parents[1]


def match(gold: list[tuple[int, int]], pred: list[tuple[int, int]], overlap: bool) -> tuple[set, set]:
    """One-to-one matching; returns (matched gold indices, matched pred indices)."""
    mg, mp = set(), set()
    for i, (gs, ge) in enumerate(gold):
        for j, (ps, pe) in enumerate(pred):
            if j in mp:
                continue
            if (ps == gs and pe == ge) if not overlap else (ps < ge and gs < pe):
                mg.add(i)
                mp.add(j)
                break
    return mg, mp


def prf(tp_g: int, n_gold: int, tp_p: int, n_pred: int) -> dict:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def evaluate(gold_path: Path) -> dict:
    docs = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    nlp = build_pipeline()
    totals = {m: collections.Counter() for m in ("exact", "overlap")}
    family = collections.defaultdict(collections.Counter)
    misses, false_pos = [], []
    for d, doc in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=64)):
        gold = [(m["start"], m["end"]) for m in d["mentions"]]
        spans = list(doc.spans[TECH_KEY])
        pred = [(s.start_char, s.end_char) for s in spans]
        for mode in totals:
            mg, mp = match(gold, pred, overlap=mode == "overlap")
            totals[mode].update(gold=len(gold), pred=len(pred), tp_g=len(mg), tp_p=len(mp))
            if mode == "overlap":
                for i, m in enumerate(d["mentions"]):
                    family[m["family"]].update(gold=1, hit=int(i in mg))
                    if i not in mg:
                        misses.append((d["id"], m["text"], m["family"]))
                for j, s in enumerate(spans):
                    if j not in mp:
                        false_pos.append((d["id"], s.text, s.label_))
    result = {"documents": len(docs)}
    for mode, c in totals.items():
        result[mode] = {**prf(c["tp_g"], c["gold"], c["tp_p"], c["pred"]),
                        "gold": c["gold"], "predicted": c["pred"]}
    result["recall_by_family"] = {f: round(c["hit"] / c["gold"], 3) for f, c in sorted(family.items())}
    result["misses"] = misses
    result["false_positives"] = false_pos
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=ROOT / "corpora" / "gold" / "mentions.jsonl")
    ap.add_argument("--misses", type=int, default=40, help="how many misses and false positives to list")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    r = evaluate(args.gold)
    print(f"gold documents: {r['documents']}")
    print("| match | precision | recall | F1 | gold | predicted |\n|---|---|---|---|---|---|")
    for mode in ("exact", "overlap"):
        m = r[mode]
        print(f"| {mode} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['gold']} | {m['predicted']} |")
    print("\nrecall by family:", json.dumps(r["recall_by_family"]))
    print(f"\nmissed ({len(r['misses'])}):")
    for m in collections.Counter((t.lower(), f) for _, t, f in r["misses"]).most_common(args.misses):
        print("  ", m)
    print(f"\nfalse positives ({len(r['false_positives'])}):")
    for m in collections.Counter((t.lower(), f) for _, t, f in r["false_positives"]).most_common(args.misses):
        print("  ", m)
    if args.json:
        args.json.write_text(json.dumps(r, indent=1))


if __name__ == "__main__":
    main()
