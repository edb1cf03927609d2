"""Retraining on real text: dualuse trained on SBIR 2008-2011, evaluated on 2012-2013, against a
plain TfidfVectorizer + LogisticRegression trained and evaluated on the same split, in one run.

    python benchmarks/sbir_retrain.py [--keep DIR] [--title] [--refit | --out-of-core]

``--title`` gives both models each abstract's title joined to its text (``dualuse train
--text-field title --text-field text``). ``--refit`` fits dualuse again on all of 2008-2011 once
its thresholds are chosen (``dualuse train --refit``). ``--out-of-core`` trains dualuse with the
streaming learner (``dualuse train --out-of-core``) instead of in memory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from dualuse.corpora.text import record_text
from dualuse.training.evaluate import binary_metrics
from dualuse.training.train import evaluate, train

from common import SBIR, read_jsonl_gz

TRAIN_YEARS, TEST_YEARS = range(2008, 2012), range(2012, 2014)


def text_of(r: dict, title: bool) -> str:
    """The abstract's text, or its title and text joined as ``--text-field title --text-field text`` joins them."""
    return record_text(r, ("title", "text") if title else "text")


def write(rows, path: Path, title: bool) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({"id": r["id"], "text": text_of(r, title), "label": r["label"]}) + "\n")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keep", help="keep the retrained bundle here")
    ap.add_argument("--title", action="store_true", help="join each abstract's title to its text, both models")
    ap.add_argument("--refit", action="store_true", help="refit dualuse on all of 2008-2011 once its thresholds "
                    "are chosen (dualuse train --refit)")
    ap.add_argument("--out-of-core", action="store_true", help="train dualuse with the out-of-core learner")
    args = ap.parse_args()
    rows = [r for r in read_jsonl_gz(SBIR) if r["label"] in ("military", "civilian")]
    fit = [r for r in rows if r["year"] in TRAIN_YEARS]
    test = [r for r in rows if r["year"] in TEST_YEARS]
    work = Path(tempfile.mkdtemp(prefix="sbir-"))
    try:
        train_path, test_path = write(fit, work / "train.jsonl", args.title), write(test, work / "test.jsonl", args.title)
        start = time.perf_counter()
        trained = train([train_path], work / "bundle", name="dualuse-sbir", version="bench",
                        out_of_core=args.out_of_core, jobs=2 if args.out_of_core else 1, refit=args.refit)
        dualuse_fit_s = time.perf_counter() - start
        report = evaluate([test_path], work / "bundle")

        start = time.perf_counter()
        vec = TfidfVectorizer()
        clf = LogisticRegression(max_iter=1000).fit(vec.fit_transform([text_of(r, args.title) for r in fit]),
                                                     [r["label"] == "military" for r in fit])
        base_fit_s = time.perf_counter() - start
        base_probs = clf.predict_proba(vec.transform([text_of(r, args.title) for r in test]))[:, 1]
        base = binary_metrics(np.array([r["label"] == "military" for r in test]), base_probs)
        if args.keep:
            shutil.copytree(work / "bundle", args.keep, dirs_exist_ok=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ours = report["overall"]
    print(f"train {len(fit)} abstracts (2008-2011), test {len(test)} abstracts (2012-2013)\n")
    print("| model | ROC AUC | F1 (military) | precision | recall | Brier | ECE | fit seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for name, m, s in (("dualuse retrained", ours, dualuse_fit_s), ("TF-IDF + LogisticRegression", base, base_fit_s)):
        print(f"| {name} | {m['roc_auc']:.4f} | {m['f1']:.4f} | {m['precision']:.4f} | {m['recall']:.4f} | "
              f"{m['brier']:.4f} | {m['ece']:.4f} | {s:.1f} |")
    print(f"\nAUC difference (dualuse - baseline): {ours['roc_auc'] - base['roc_auc']:+.4f}")
    held = trained["report"]["overall"]
    print(f"dualuse bundle on its own held-out 20% of 2008-2011: ROC AUC {held['roc_auc']:.4f}, "
          f"ECE {held['ece']:.4f}; thresholds {trained['report']['thresholds']}; C {trained['report']['C']}")


if __name__ == "__main__":
    main()
