"""Mention extraction on REAL text: the team's blind annotation of SBIR abstracts and Federal
Register summaries (benchmarks/real_mentions_gold.jsonl: ids, character offsets, family and an
"uncertain" mark per mention, and the batch a document was annotated in, when not the first;
the texts are read from ../shared/data by id, never stored here).

Precision counts a found span as right when it overlaps any annotated mention, certain or not;
recall is given over the certain mentions and over all of them. Misses and false positives are
printed with their words, for reading.

    python benchmarks/real_mentions.py [--gold FILE] [--list 60] [--json out.json]
"""

from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path

from dualuse.model.components import TECH_KEY
from dualuse.model.pipeline import build_pipeline

from common import FEDERAL_REGISTER, ROOT, SBIR, read_jsonl_gz
from mention_eval import match, prf

GOLD = ROOT / "benchmarks" / "real_mentions_gold.jsonl"


def load_gold(path: Path) -> list[dict]:
    gold = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {g["id"] for g in gold}
    texts = {}
    for source in (SBIR, FEDERAL_REGISTER):
        for row in read_jsonl_gz(source):
            if row["id"] in wanted:
                texts[row["id"]] = row["text"]
    missing = wanted - set(texts)
    if missing:
        raise SystemExit(f"not in ../shared/data: {sorted(missing)[:5]}")
    return [{**g, "text": texts[g["id"]]} for g in gold]


def evaluate(docs: list[dict]) -> dict:
    nlp = build_pipeline()
    counts = collections.Counter()
    family = collections.defaultdict(collections.Counter)
    misses, false_pos = [], []
    for d, doc in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=64)):
        spans = list(doc.spans[TECH_KEY])
        pred = [(s.start_char, s.end_char) for s in spans]
        every = [(m["start"], m["end"]) for m in d["mentions"]]
        certain = [m for m in d["mentions"] if not m.get("uncertain")]
        for mode in ("exact", "overlap"):
            _, matched_pred = match(every, pred, overlap=mode == "overlap")
            counts.update({f"{mode}_pred": len(pred), f"{mode}_tp_p": len(matched_pred)})
            for name, subset in (("certain", certain), ("all", d["mentions"])):
                hit, _ = match([(m["start"], m["end"]) for m in subset], pred, overlap=mode == "overlap")
                counts.update({f"{mode}_{name}_gold": len(subset), f"{mode}_{name}_tp_g": len(hit)})
                if mode == "overlap" and name == "all":
                    for i, m in enumerate(subset):
                        family[m["family"]].update(gold=1, hit=int(i in hit))
                        if i not in hit:
                            misses.append((d["id"], d["text"][m["start"]:m["end"]], m["family"],
                                           bool(m.get("uncertain"))))
        _, matched = match(every, pred, overlap=True)
        false_pos += [(d["id"], s.text, s.label_) for j, s in enumerate(spans) if j not in matched]
    result = {"documents": len(docs)}
    for mode in ("exact", "overlap"):
        for name in ("certain", "all"):
            result[f"{mode}, {name} mentions"] = {
                **prf(counts[f"{mode}_{name}_tp_g"], counts[f"{mode}_{name}_gold"],
                      counts[f"{mode}_tp_p"], counts[f"{mode}_pred"]),
                "gold": counts[f"{mode}_{name}_gold"], "predicted": counts[f"{mode}_pred"]}
    result["recall_by_family"] = {f: [c["hit"], c["gold"]] for f, c in sorted(family.items())}
    result["misses"] = misses
    result["false_positives"] = false_pos
    return result


def table(r: dict) -> None:
    print("| match, recall over | precision | recall | F1 | gold | predicted |\n|---|---|---|---|---|---|")
    for key, m in r.items():
        if isinstance(m, dict) and "precision" in m:
            print(f"| {key} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['gold']} | {m['predicted']} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--list", type=int, default=60, help="how many misses and false positives to print")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    docs = load_gold(args.gold)
    r = evaluate(docs)
    print(f"real documents: {r['documents']}")
    table(r)
    batches = sorted({d.get("batch", "first") for d in docs})
    if len(batches) > 1:
        for batch in batches:
            part = [d for d in docs if d.get("batch", "first") == batch]
            print(f"\nbatch {batch!r}: {len(part)} documents")
            table(evaluate(part))
    print("\nrecall by family (found, annotated):", json.dumps(r["recall_by_family"]))
    print(f"\nmissed ({len(r['misses'])}; * = marked uncertain):")
    for (text, fam, unsure), n in collections.Counter((t.lower(), f, u) for _, t, f, u in r["misses"]
                                                      ).most_common(args.list):
        print(f"  {n:2d} {'*' if unsure else ' '} {text!r} ({fam})")
    print(f"\nfalse positives ({len(r['false_positives'])}):")
    for (text, fam), n in collections.Counter((t.lower(), f) for _, t, f in r["false_positives"]
                                              ).most_common(args.list):
        print(f"  {n:2d} {text!r} ({fam})")
    if args.json:
        args.json.write_text(json.dumps(r, indent=1))


if __name__ == "__main__":
    main()
