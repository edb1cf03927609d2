"""Retraining from the shipped bundle on real text, in one run.

1. Retrain on SBIR 2008-2011 with the shipped bundle's corpus mixed back in (rehearsal), and
   evaluate on SBIR 2012-2013 against the shipped bundle and plain TF-IDF + logistic regression
   trained on the same SBIR years.
2. Forgetting: the shipped bundle and the retrained one on the team corpus's held-out split
   (the same 20% the shipped bundle held out; the rehearsal uses only the other 80%, weighted
   as `dualuse train --base` weighs a base corpus: as much in total as the new documents).
(Training time and memory: ``training_scale.py``.)

    python benchmarks/sbir_rehearsal.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedShuffleSplit

from dualuse.corpora.labelled import read_corpora, seed_corpus_paths
from dualuse.training.evaluate import binary_metrics
from dualuse.training.train import evaluate_docs, train

from common import SBIR, read_jsonl_gz, write_labelled as write

def main() -> None:
    rows = [r for r in read_jsonl_gz(SBIR) if r["label"] in ("military", "civilian")]
    fit = [r for r in rows if r["year"] < 2012]
    test = [r for r in rows if r["year"] >= 2012]
    team = read_corpora(seed_corpus_paths())
    labels = np.array([d.label for d in team], dtype=object)
    fit_idx, held_idx = next(StratifiedShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
                             .split(np.zeros(len(team)), labels))
    work = Path(tempfile.mkdtemp(prefix="rehearsal-"))
    sbir_fit = write(fit, work / "sbir_fit.jsonl")
    sbir_test = write(test, work / "sbir_test.jsonl")
    team_fit = write([{"id": team[i].id, "text": team[i].text, "label": team[i].label} for i in fit_idx],
                     work / "team_fit.jsonl")
    team_held = [team[i] for i in held_idx]

    # What `dualuse train --base` does, with the base's held-out 20% kept out: the base corpus
    # weighs as much in total as the new one.
    train([sbir_fit, team_fit], work / "retrained", name="dualuse-rehearsed", version="bench",
          weights={team_fit: max(1.0, len(fit) / len(fit_idx))})
    test_docs = read_corpora([sbir_test])
    ours = evaluate_docs(test_docs, work / "retrained")["overall"]
    shipped = evaluate_docs(test_docs, None)["overall"]
    vec = TfidfVectorizer()
    clf = LogisticRegression(max_iter=1000).fit(vec.fit_transform([r["text"] for r in fit]),
                                                [r["label"] == "military" for r in fit])
    base = binary_metrics(np.array([r["label"] == "military" for r in test]),
                          clf.predict_proba(vec.transform([r["text"] for r in test]))[:, 1])
    forget_base = evaluate_docs(team_held, None)["overall"]
    forget_new = evaluate_docs(team_held, work / "retrained")["overall"]

    print(f"SBIR: train 2008-2011 ({len(fit)}), test 2012-2013 ({len(test)}); team held-out {len(team_held)}\n")
    print("| on SBIR 2012-2013 | ROC AUC | F1 (military) | precision | recall | ECE |\n|---|---|---|---|---|---|")
    for name, m in (("retrained from the shipped bundle (SBIR 2008-2011 + team corpus)", ours),
                    ("shipped bundle", shipped), ("TF-IDF + LogisticRegression (SBIR 2008-2011)", base)):
        print(f"| {name} | {m['roc_auc']:.4f} | {m['f1']:.4f} | {m['precision']:.4f} | {m['recall']:.4f} | "
              f"{m['ece']:.4f} |")
    print("\n| on the team corpus held-out split | F1 | ROC AUC |\n|---|---|---|")
    print(f"| shipped bundle | {forget_base['f1']:.4f} | {forget_base['roc_auc']:.4f} |")
    print(f"| retrained | {forget_new['f1']:.4f} | {forget_new['roc_auc']:.4f} |")
    print(f"F1 change: {forget_new['f1'] - forget_base['f1']:+.4f}")


if __name__ == "__main__":
    main()
