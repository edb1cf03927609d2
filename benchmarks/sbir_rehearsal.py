"""Retraining from the shipped bundle on real text, in one run.

1. Retrain on SBIR 2008-2011 with the shipped bundle's corpus mixed back in (rehearsal), and
   evaluate on SBIR 2012-2013 against the shipped bundle and plain TF-IDF + logistic regression
   trained on the same SBIR years.
2. Forgetting: the shipped bundle and the retrained one on the team corpus's held-out split
   (the same 20% the shipped bundle held out; the rehearsal uses only the other 80%, weighted
   as `dualuse train --base` weighs a base corpus: as much in total as the new documents).
3. Training time and peak memory on all labelled SBIR abstracts: `dualuse train --no-base`
   against TF-IDF + logistic regression on the same texts, each in its own process.

    python benchmarks/sbir_rehearsal.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedShuffleSplit

from dualuse.corpora.labelled import read_corpora, seed_corpus_paths
from dualuse.training.evaluate import binary_metrics
from dualuse.training.train import evaluate_docs, train

from common import SBIR, read_jsonl_gz

BASELINE = """
import json, sys, time
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
rows = [json.loads(line) for line in open(sys.argv[1])]
start = time.perf_counter()
X = TfidfVectorizer().fit_transform([r["text"] for r in rows])
LogisticRegression(max_iter=1000).fit(X, [r["label"] == "military" for r in rows])
print(time.perf_counter() - start)
"""


def write(rows, path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({"id": r["id"], "text": r["text"], "label": r["label"]}) + "\n")
    return path


def timed_process(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB, stdout."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(proc.stderr.strip().splitlines()[-1]) / 1024, proc.stdout


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

    all_sbir = write(rows, work / "sbir_all.jsonl")
    ours_s, ours_mb, _ = timed_process([sys.executable, "-m", "dualuse.cli.main", "train", str(all_sbir),
                                        "--no-base", "--out", str(work / "all"), "--force"])
    base_s, base_mb, base_fit = timed_process([sys.executable, "-c", BASELINE, str(all_sbir)])

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
    print(f"\ntraining on all {len(rows)} labelled SBIR abstracts, each in its own process:")
    print("| run | wall seconds | peak RSS MiB |\n|---|---|---|")
    print(f"| dualuse train --no-base (reading, spaCy pipeline, C search, calibration, held-out, bundle) | "
          f"{ours_s:.1f} | {ours_mb:,.0f} |")
    print(f"| TfidfVectorizer + LogisticRegression (process; fit alone {float(base_fit):.1f} s) | {base_s:.1f} | "
          f"{base_mb:,.0f} |")
    print(f"time ratio {ours_s / base_s:.1f}x (wall, both including Python start-up)")


if __name__ == "__main__":
    main()
