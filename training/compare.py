"""`dualuse compare OLD NEW CORPUS...`: is the new bundle better, and what changes if we switch?"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .evaluate import evaluate_predictions
from .train import leakage, score_docs

_METRICS = ("precision", "recall", "f1", "roc_auc", "brier", "ece")


def compare(docs: list, old: Path | None, new: Path | None) -> dict:
    """Both bundles' reports on the same labelled documents, their differences overall and per
    family, and every document whose flag changes."""
    labels = np.array([d.label for d in docs], dtype=object)
    reports, flags = {}, {}
    for side, model in (("old", old), ("new", new)):
        tagger, probs, side_flags, families = score_docs(docs, model)
        report = evaluate_predictions(labels, probs, families, tagger.thresholds)
        report["model"] = tagger.model
        report["leakage"] = leakage(docs, model)
        reports[side], flags[side] = report, side_flags
    delta = {"overall": _delta(reports["old"]["overall"], reports["new"]["overall"]), "per_family": {}}
    for fam in sorted(set(reports["old"]["per_family"]) & set(reports["new"]["per_family"])):
        delta["per_family"][fam] = _delta(reports["old"]["per_family"][fam], reports["new"]["per_family"][fam])
    changed = [{"id": d.id, "label": d.label, "old": a, "new": b}
               for d, a, b in zip(docs, flags["old"], flags["new"]) if a != b]
    return {"old": reports["old"], "new": reports["new"], "delta": delta, "flag_changes": changed,
            "documents": len(docs)}


def _delta(old: dict, new: dict) -> dict:
    return {k: None if old.get(k) is None or new.get(k) is None else round(new[k] - old[k], 4) for k in _METRICS}


def to_markdown(result: dict, max_changes: int = 50) -> str:
    old, new = result["old"], result["new"]
    lines = [f"# {old['model']} -> {new['model']} on {result['documents']} documents", "",
             "| | " + " | ".join(_METRICS) + " |", "|---|" + "---|" * len(_METRICS)]
    for name, rep in (("old", old["overall"]), ("new", new["overall"])):
        lines.append(f"| {name} | " + " | ".join(_fmt(rep.get(k)) for k in _METRICS) + " |")
    lines.append("| change | " + " | ".join(_fmt(result["delta"]["overall"][k], sign=True) for k in _METRICS) + " |")
    for name, side in (("old", old), ("new", new)):
        leaked = (side.get("leakage") or {}).get("documents")
        if leaked:
            lines += ["", f"**LEAKAGE ({name} bundle):** {leaked} of these {result['documents']} documents are in its "
                          "training corpus; its scores flatter it (ids in the JSON report)."]
    lines += ["", "## Per family (change, new minus old)", "",
              "| family | " + " | ".join(_METRICS) + " |", "|---|" + "---|" * len(_METRICS)]
    for fam, d in result["delta"]["per_family"].items():
        lines.append(f"| {fam} | " + " | ".join(_fmt(d[k], sign=True) for k in _METRICS) + " |")
    changes = result["flag_changes"]
    lines += ["", f"## Flags that change ({len(changes)})", "", "| document | label | old | new |", "|---|---|---|---|"]
    lines += [f"| {c['id']} | {c['label']} | {c['old']} | {c['new']} |" for c in changes[:max_changes]]
    if len(changes) > max_changes:
        lines.append(f"| ... {len(changes) - max_changes} more in the JSON report | | | |")
    return "\n".join(lines) + "\n"


def _fmt(value, sign: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.3f}" if sign else f"{value:.3f}"
