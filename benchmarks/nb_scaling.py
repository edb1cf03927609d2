"""The classifier with and without naive-Bayes scaling of its columns, side by side in one run.

Both variants are fitted on the same prepared rows with the same settings (``fit_models`` with
``scaling=True``, the default, or ``scaling=False``) and scored on:

- the team corpus's held-out 20% (the split ``dualuse train`` makes: stratified, seed 0);
- the team's dev set of real documents (``benchmarks/dev_real_labels.jsonl``), all of it and its
  two blind batches (130 and 120 documents);
- every labelled SBIR abstract (the default bundle's transfer to real text; the label is the funder);
- the SBIR year split (fit on 2008-2011, scored on 2012-2013), beside ``TfidfVectorizer()`` +
  ``LogisticRegression()`` on the same split.

Probabilities are the document model's, as ``dualuse tag`` gives them; F1 is at p >= 0.5.

    python benchmarks/nb_scaling.py [--jobs 2]
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedShuffleSplit

from dualuse.corpora.labelled import LabelledDoc, seed_corpus_paths
from dualuse.model.pipeline import build_pipeline
from dualuse.training.evaluate import binary_metrics
from dualuse.training.fit import fit_models, military_probs
from dualuse.training.prepare import prepare
from dualuse.training.train import iter_corpora

from common import SBIR, read_jsonl_gz
from dev_real import load_dev


def metrics(part: dict, prepared) -> dict:
    return binary_metrics(prepared.labels == "military", military_probs(part, prepared.doc_rows))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    nlp = build_pipeline()
    seed_docs = list(iter_corpora(seed_corpus_paths()))
    dev = load_dev()
    sbir = [r for r in read_jsonl_gz(SBIR) if r["label"] in ("military", "civilian")]
    seed = prepare(seed_docs, nlp, jobs=args.jobs)
    dev_rows = prepare([LabelledDoc(id=d["id"], text=d["text"], label=d["label"]) for d in dev], nlp, jobs=args.jobs)
    sbir_rows = prepare([LabelledDoc(id=r["id"], text=r["text"], label=r["label"]) for r in sbir], nlp, jobs=args.jobs)
    blind = dev_rows.subset(np.flatnonzero([d.get("batch") == "blind 2" for d in dev]))
    blind3 = dev_rows.subset(np.flatnonzero([d.get("batch") == "blind 3" for d in dev]))

    split = StratifiedShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
    fit_idx, held_idx = next(split.split(np.zeros(len(seed.ids)), seed.labels))
    fit_part, held = seed.subset(np.sort(fit_idx)), seed.subset(np.sort(held_idx))
    years = np.array([r["year"] for r in sbir])
    early, late = np.flatnonzero(years <= 2011), np.flatnonzero(years >= 2012)

    results = {}
    for name, scaling in (("with scaling", True), ("without", False)):
        team = fit_models(fit_part, seed=0, scaling=scaling)["document"]
        year = fit_models(sbir_rows.subset(early), seed=0, scaling=scaling)["document"]
        results[name] = {"team held-out": metrics(team, held), f"dev, all {len(dev)}": metrics(team, dev_rows),
                         "dev, blind 2 (130)": metrics(team, blind),
                         "dev, blind 3 (120)": metrics(team, blind3), "SBIR, all (transfer)": metrics(team, sbir_rows),
                         "SBIR 2012-2013 (retrained)": metrics(year, sbir_rows.subset(late))}
        print(f"fitted {name}", flush=True)
    texts = [r["text"] for r in sbir]
    vec = TfidfVectorizer()
    clf = LogisticRegression(max_iter=1000).fit(vec.fit_transform([texts[i] for i in early]),
                                                [sbir[i]["label"] == "military" for i in early])
    reference = binary_metrics(np.array([sbir[i]["label"] == "military" for i in late]),
                               clf.predict_proba(vec.transform([texts[i] for i in late]))[:, 1])

    print("\n| set | variant | ROC AUC | F1 | precision | recall | Brier | ECE |\n|---|---|---|---|---|---|---|---|")
    for subset in results["with scaling"]:
        rows = [(name, results[name][subset]) for name in results]
        if subset.startswith("SBIR 2012"):
            rows.append(("TfidfVectorizer + LogisticRegression", reference))
        for name, m in rows:
            print(f"| {subset} | {name} | {m['roc_auc']:.4f} | {m['f1']:.3f} | {m['precision']:.3f} | "
                  f"{m['recall']:.3f} | {m['brier']:.4f} | {m['ece']:.4f} |")
    print("\nratios, with scaling / without (ROC AUC, ECE):")
    for subset in results["with scaling"]:
        a, b = results["with scaling"][subset], results["without"][subset]
        print(f"  {subset}: AUC x{a['roc_auc'] / b['roc_auc']:.4f}, 1 - AUC x{(1 - a['roc_auc']) / (1 - b['roc_auc']):.2f}, "
              f"ECE x{a['ece'] / b['ece']:.2f}")
    a = results["with scaling"]["SBIR 2012-2013 (retrained)"]["roc_auc"]
    b = results["without"]["SBIR 2012-2013 (retrained)"]["roc_auc"]
    print(f"  year split, minus the reference: with scaling {a - reference['roc_auc']:+.4f}, "
          f"without {b - reference['roc_auc']:+.4f}")


if __name__ == "__main__":
    main()
