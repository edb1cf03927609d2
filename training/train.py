"""`dualuse train` and `dualuse evaluate` as functions: prepare -> fit -> evaluate -> package."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit

from dualuse.corpora.labelled import CorpusError, corpus_sha256, read_corpora
from dualuse.model.pipeline import build_pipeline

from .evaluate import evaluate_predictions
from .fit import choose_thresholds, fit_models, military_probs
from .package import package
from .prepare import prepare

MIN_PER_CLASS = 10


def train(paths: list, out: Path, *, name: str = "dualuse-custom", version: str = "0.1.0",
          fields: dict | None = None, force: bool = False, seed: int = 0, held_out: float = 0.2,
          review_cost: float = 0.25, taxonomy=None) -> dict:
    out = Path(out)
    if out.exists() and not force:
        raise FileExistsError(f"{out} exists; use --force to replace it")
    docs = read_corpora(paths, **(fields or {}))
    counts = {lab: sum(d.label == lab for d in docs) for lab in ("civilian", "military")}
    if min(counts.values()) < MIN_PER_CLASS:
        raise CorpusError(f"need at least {MIN_PER_CLASS} documents of each label, have {counts}")
    nlp = build_pipeline(taxonomy)
    prepared = prepare(docs, nlp)

    split = StratifiedShuffleSplit(n_splits=1, test_size=held_out, random_state=seed)
    train_idx, test_idx = next(split.split(np.zeros(len(docs)), prepared.labels))
    fit_part, held = prepared.subset(np.sort(train_idx)), prepared.subset(np.sort(test_idx))
    models = fit_models(fit_part, seed=seed)

    probs = military_probs(models["document"], held.doc_rows)
    y_held = held.labels == "military"
    thresholds = choose_thresholds(y_held, probs, review_cost=review_cost)
    report = evaluate_predictions(held.labels, probs, held.families, thresholds)
    if len(held.ctx_rows):
        from .evaluate import binary_metrics
        ctx_probs = military_probs(models["context"], held.ctx_rows)
        report["mentions"] = binary_metrics(held.ctx_labels == "military", ctx_probs)
    report["split"] = {"fit": len(train_idx), "held_out": len(test_idx), "seed": seed}
    report["C"] = models["document"]["C"]

    corpus = {"sha256": corpus_sha256(docs), "documents": len(docs), "labels": counts,
              "sources": [str(p) for p in paths]}
    manifest = package(nlp, models, thresholds, out, name=name, version=version, corpus=corpus,
                       metrics=report, force=force)
    return {"report": report, "manifest": manifest, "out": str(out)}


def evaluate(paths: list, model: Path | None = None, *, fields: dict | None = None,
             batch_size: int = 64) -> dict:
    from dualuse.model import load
    from dualuse.model.zones import pipe_in_zones

    docs = read_corpora(paths, **(fields or {}))
    tagger = load(model)

    def consume(doc, i):
        return (doc._.dualuse_military_prob, frozenset(s.label_ for s in doc.spans.get("dualuse_tech", [])),
                docs[i].label)

    scored = list(pipe_in_zones(tagger.nlp, ((d.text, i) for i, d in enumerate(docs)),
                                batch_size=batch_size, consume=consume))
    probs, families, labels = zip(*scored)
    report = evaluate_predictions(np.array(labels, dtype=object), np.array(probs), list(families),
                                  tagger.thresholds)
    report["model"] = tagger.model
    return report
