"""The team's dev set of real documents: our own labels (benchmarks/dev_real_labels.jsonl, ids only)
for 492 SBIR and Federal Register abstracts (the first 200, then 19 export-control rules marked
``"batch": "export rules"``, then 23 arms-trade, chemical-weapons and firearms notices marked
``"batch": "defence trade"``, then 130 drawn at random and labelled before any model was judged
on them, marked ``"batch": "blind 2"``: 60 SBIR, 30 Federal Register, 40 Federal Register
abstracts naming a defence or technology keyword; then 120 more drawn the same way and labelled
blind, ``"batch": "blind 3"``: 50 SBIR, 30 and 40 Federal Register; then 120 more, ``"batch":
"blind 4"``: 40 SBIR, 50 Federal Register notices of defence or veterans' agencies, 30 Federal
Register abstracts naming a technology word; then 120 more, ``"batch": "blind 5"``, labelled after
the session's last bundle was built: 50 SBIR, 30 Federal Register at random, 40 naming a defence,
veterans' or technology word; then 120 more drawn the same way, ``"batch": "blind 6"``, labelled
after ``seed/p15.jsonl`` was trained on: 20 of the 40 match ``AGENCY`` and 20 name a technology
the default pipeline finds; then 120 more drawn the same way, ``"batch": "blind 7"``, labelled at
the end of that session; then 120 more drawn the same way (seed 808), ``"batch": "blind 8"``,
labelled after taxonomy 2026.20; then 120 more each (seeds 909, 1010, 1111, 1212 and 1313; the
draws skip documents already in this set or the mention gold), ``"batch": "blind 9"``, ``"blind
10"``, ``"blind 11"``, ``"blind 12"`` and ``"blind 13"``), scored with a
bundle. The texts are read from
../shared/data by id; nothing of them is stored in the repository.

    python benchmarks/dev_real.py [--model DIR] [--errors 20] [--title] [--batch "blind 11"]
"""

from __future__ import annotations

import argparse
import json
import re

import numpy as np

from dualuse.corpora.text import record_text
from dualuse.model import load
from dualuse.training.evaluate import binary_metrics

from common import FEDERAL_REGISTER, ROOT, SBIR, read_jsonl_gz

LABELS = ROOT / "benchmarks" / "dev_real_labels.jsonl"
# How blind 4 drew its 50 notices of defence and veterans' agencies (the other 30 Federal Register
# abstracts were drawn among those this does not match).
AGENCY = re.compile(r"Department of Defense|Department of the (Army|Navy|Air Force)|Corps of Engineers|Defense "
                    r"(Logistics|Health|Acquisition|Security|Threat|Intelligence)|Veterans Affairs|\bDoD\b|"
                    r"Uniformed Services|Military", re.I)


def load_dev() -> list[dict]:
    labels = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    wanted = {r["id"] for r in labels}
    texts = {}
    for path in (SBIR, FEDERAL_REGISTER):
        for row in read_jsonl_gz(path):
            if row["id"] in wanted:
                texts[row["id"]] = row
    return [{**lab, "text": texts[lab["id"]]["text"], "title": texts[lab["id"]].get("title", "")}
            for lab in labels]


def blind_batches(dev: list[dict]) -> list[int]:
    """The numbers of the blind batches the labels hold ("blind 2" ... ), in order: a batch held
    back from a labels file has no row or column."""
    return sorted({int(b.split()[1]) for b in (d.get("batch") or "" for d in dev) if b.startswith("blind ")})


def flag_cost(labels: list[str], flags: list[str], review_cost: float = 0.25) -> tuple[list[int], int, float]:
    """Indices flagged wrongly (military for a civilian label or the reverse), the number sent to
    review, and the cost per document (an error costs 1, a review ``review_cost``)."""
    wrong = [i for i, (label, flag) in enumerate(zip(labels, flags)) if flag not in ("review", label)]
    reviews = flags.count("review")
    return wrong, reviews, (len(wrong) + review_cost * reviews) / max(len(flags), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model")
    ap.add_argument("--errors", type=int, default=20)
    ap.add_argument("--title", action="store_true",
                    help="tag each document's title and text joined, as `dualuse tag --text-field title "
                         "--text-field text` does (default: the text alone)")
    ap.add_argument("--batch", help='also list the flags of one batch ("blind 11"): wrong flags, reviews and the '
                                    "cost per document (an error costs four reviews)")
    args = ap.parse_args()
    dev = load_dev()
    tagger = load(args.model)
    fields = ("title", "text") if args.title else "text"
    records = list(tagger.tag((d["id"], record_text(d, fields)) for d in dev))
    probs = np.array([r["military_prob"] for r in records])
    y = np.array([d["label"] == "military" for d in dev])
    print(f"model {tagger.model}; thresholds {tagger.thresholds}")
    print("| subset | n | military | ROC AUC | F1 | precision | recall | Brier | ECE |\n|---|---|---|---|---|---|---|---|---|")
    batch = np.array([d.get("batch") or "" for d in dev])
    clear = np.array([not d.get("ambiguous") for d in dev])
    subsets = [("all", np.ones(len(dev), bool)),
               ("SBIR", np.array([d["id"].startswith("sbir") for d in dev])),
               ("Federal Register", np.array([d["id"].startswith("fr") for d in dev])),
               ("not ambiguous", clear),
               ("the first 200", batch == ""),
               ("export rules (added later)", batch == "export rules"),
               ("defence trade (added later)", batch == "defence trade")]
    for n in blind_batches(dev):  # each whole and its clear calls
        subsets += [(f"blind {n} (added later)", batch == f"blind {n}"),
                    (f"blind {n}, not ambiguous", (batch == f"blind {n}") & clear)]
        if n == 4:
            subsets.append(("blind 4, defence and veterans' agencies",
                            (batch == "blind 4") & np.array([d["id"].startswith("fr")
                                                             and bool(AGENCY.search(d["title"] + " " + d["text"]))
                                                             for d in dev])))
    for name, mask in subsets:
        m = binary_metrics(y[mask], probs[mask])
        print(f"| {name} | {m['n']} | {m['military']} | {m['roc_auc']:.3f} | {m['f1']:.3f} | {m['precision']:.3f} | "
              f"{m['recall']:.3f} | {m['brier']:.3f} | {m['ece']:.3f} |")
    flags = {}
    for d, r in zip(dev, records):
        flags.setdefault(d["label"], {}).setdefault(r["flag"], 0)
        flags[d["label"]][r["flag"]] += 1
    print("\nflags by our label:", json.dumps(flags))
    if args.batch:
        rows = [(d, r) for d, r in zip(dev, records) if d.get("batch") == args.batch]
        wrong, reviews, cost = flag_cost([d["label"] for d, _ in rows], [r["flag"] for _, r in rows])
        print(f"\n{args.batch}: {len(rows)} documents, {len(wrong)} flagged wrongly, {reviews} to review, "
              f"cost per document {cost:.3f}")
        for d, r in (rows[i] for i in wrong):
            print(f"  {r['military_prob']:.3f} {r['flag']:8s} ours={d['label']:8s} "
                  f"{'ambiguous' if d.get('ambiguous') else 'clear':9s} {d['id']:22s} ({d['reason']})")
    wrong = sorted(range(len(dev)), key=lambda i: -abs(probs[i] - y[i]))[: args.errors]
    print("\nlargest errors:")
    for i in wrong:
        d = dev[i]
        print(f"  {probs[i]:.3f} ours={d['label']:8s} {d['id']:22s} {d['title'][:70]}  ({d['reason']})")


if __name__ == "__main__":
    main()
