"""Stage 3, evaluate: classification, ranking and calibration metrics, overall and per family."""

from __future__ import annotations

import numpy as np

from dualuse.model.linear import flag_for
from dualuse.model.taxonomy import FAMILIES


def expected_calibration_error(y: np.ndarray, probs: np.ndarray, bins: int = 10) -> float:
    """Weighted mean gap between predicted probability and observed frequency, in equal-width bins."""
    y = np.asarray(y, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            ece += mask.mean() * abs(probs[mask].mean() - y[mask].mean())
    return float(ece)


def binary_metrics(y_military: np.ndarray, probs: np.ndarray, *, threshold: float = 0.5) -> dict:
    from sklearn.metrics import brier_score_loss, precision_recall_fscore_support, roc_auc_score

    y = np.asarray(y_military, dtype=int)
    pred = (probs >= threshold).astype(int)
    p, r, f, _ = precision_recall_fscore_support(y, pred, average="binary", pos_label=1, zero_division=0)
    out = {"n": int(len(y)), "military": int(y.sum()), "precision": round(float(p), 4),
           "recall": round(float(r), 4), "f1": round(float(f), 4)}
    if len(set(y.tolist())) == 2:
        out["roc_auc"] = round(float(roc_auc_score(y, probs)), 4)
    else:
        out["roc_auc"] = None
    out["brier"] = round(float(brier_score_loss(y, probs, pos_label=1)), 4) if len(y) else None
    out["ece"] = round(expected_calibration_error(y, probs), 4)
    return out


def evaluate_predictions(labels: np.ndarray, probs: np.ndarray, families: list, thresholds: dict) -> dict:
    """The full report: overall metrics, per-family table, confusion matrix and flag counts."""
    from sklearn.metrics import confusion_matrix

    y = np.asarray([lab == "military" for lab in labels], dtype=int)
    report = {"overall": binary_metrics(y, probs)}
    tn, fp, fn, tp = confusion_matrix(y, (probs >= 0.5).astype(int), labels=[0, 1]).ravel()
    report["confusion"] = {"labels": ["civilian", "military"],
                           "matrix": [[int(tn), int(fp)], [int(fn), int(tp)]],
                           "note": "rows = true label, columns = predicted at p >= 0.5"}
    flags = [flag_for(float(p), thresholds) for p in probs]
    counts = {lab: {f: 0 for f in ("military", "review", "civilian")} for lab in ("military", "civilian")}
    for lab, f in zip(labels, flags):
        counts[lab][f] += 1
    report["flags"] = counts
    report["thresholds"] = thresholds
    table = {}
    for fam in list(FAMILIES) + ["none"]:
        mask = np.array([(fam in fs) if fam != "none" else not fs for fs in families], dtype=bool)
        if mask.sum() >= 5:
            table[fam] = binary_metrics(y[mask], probs[mask])
    report["per_family"] = table
    return report


def format_report(report: dict) -> str:
    o = report["overall"]
    lines = [f"documents: {o['n']} ({o['military']} military)",
             f"precision {o['precision']:.3f}  recall {o['recall']:.3f}  F1 {o['f1']:.3f}  "
             f"ROC AUC {o['roc_auc'] if o['roc_auc'] is None else format(o['roc_auc'], '.3f')}  "
             f"Brier {o['brier']:.3f}  ECE {o['ece']:.3f}",
             "", "confusion (rows true, columns predicted at p >= 0.5):",
             "             civilian  military"]
    (tn, fp), (fn, tp) = report["confusion"]["matrix"]
    lines += [f"  civilian   {tn:8d}  {fp:8d}", f"  military   {fn:8d}  {tp:8d}", ""]
    th = report["thresholds"]
    lines.append(f"flags (military >= {th['military']:.2f}, civilian < {th['civilian']:.2f}):")
    for lab, c in report["flags"].items():
        lines.append(f"  {lab:9s} -> military {c['military']}, review {c['review']}, civilian {c['civilian']}")
    dup = report.get("duplicates") or {}
    if dup.get("repeated_documents"):
        lines += [f"DUPLICATES: {dup['repeated_documents']} documents repeat another's text (each text was kept on "
                  f"one side of the held-out split); {dup['texts_with_both_labels']} texts carry both labels "
                  "(ids in the JSON report)", ""]
    if report.get("refit"):
        lines += [f"REFIT: the bundle's models were fitted again on all {report['refit']['documents']} documents; "
                  "the figures above are those of the models fitted without the held-out ones", ""]
    leak = report.get("leakage") or {}
    if leak.get("documents"):
        lines += [f"LEAKAGE: {leak['documents']} of these documents are in the bundle's training corpus; "
                  "their scores flatter the model (ids in the JSON report)", ""]
    lines += ["", f"{'family':22s} {'n':>5s} {'mil':>5s} {'prec':>6s} {'recall':>6s} {'F1':>6s} {'AUC':>6s} {'ECE':>6s}"]
    for fam, m in report["per_family"].items():
        auc = "-" if m["roc_auc"] is None else f"{m['roc_auc']:.3f}"
        # without military documents precision, recall and F1 of the military class say nothing
        prf = [("-" if not m["military"] else f"{m[k]:.3f}") for k in ("precision", "recall", "f1")]
        lines.append(f"{fam:22s} {m['n']:5d} {m['military']:5d} {prf[0]:>6s} {prf[1]:>6s} "
                     f"{prf[2]:>6s} {auc:>6s} {m['ece']:6.3f}")
    return "\n".join(lines)


def choose_thresholds(y_military: np.ndarray, probs: np.ndarray, *, review_cost: float = 0.25,
                      tolerance: float = 0.5, z: float = 2.0) -> dict:
    """The two thresholds of the review band, chosen on held-out data.

    Each held-out document costs 1 when flagged wrongly and ``review_cost`` when sent to
    review. The band that calibrated probabilities call for (military from 1 - ``review_cost``,
    civilian below ``review_cost``: the expected cost of each flag is then the smallest) is
    kept unless the held-out documents show another band to be cheaper beyond doubt: by more
    than ``tolerance`` (half a document's mistake) and by more than ``z`` standard errors of the
    per-document cost difference. Among such bands, those within ``tolerance`` of the least
    cost compete and the one nearest the calibrated band wins. A held-out set that the model
    separates almost perfectly leaves wide ranges of thresholds at nearly the same cost; picking
    among them by a document or two moved the military threshold of the default bundle between
    0.45 and 0.79, and later between 0.67 and 0.75, from one small change to the next, while the
    costs on our real dev set barely differed.
    """
    y = np.asarray(y_military, dtype=bool)
    probs = np.asarray(probs, dtype=float)
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    mil, civ = np.sort(probs[y]), np.sort(probs[~y])
    n = len(probs)
    anchor = (_on_grid(grid, min(review_cost, 0.5)), _on_grid(grid, max(1.0 - review_cost, 0.5)))
    # counts below each grid value, per class, by binary search: a held-out part of any size
    mil_below = np.searchsorted(mil, grid, side="left")
    civ_below = np.searchsorted(civ, grid, side="left")
    n_civ = len(civ)
    pairs, costs = [], []
    for i, low in enumerate(grid):
        if low > 0.5:
            break
        for j in range(i, len(grid)):
            wrong = (n_civ - civ_below[j]) + mil_below[i]  # civilian flagged military, military flagged civilian
            review = (civ_below[j] - civ_below[i]) + (mil_below[j] - mil_below[i])
            pairs.append((float(low), float(grid[j])))
            costs.append(wrong + review_cost * review)
    costs = np.array(costs, dtype=float)
    anchor_cost = costs[pairs.index(anchor)]
    cheaper = [k for k in np.flatnonzero(costs < anchor_cost - tolerance - 1e-9)
               if _beyond_doubt(pairs[k], anchor, mil, civ, n, review_cost, z)]
    if not cheaper:
        return {"military": anchor[1], "civilian": anchor[0], "review_cost": review_cost}
    best = min(costs[k] for k in cheaper)
    near = [k for k in cheaper if costs[k] <= best + tolerance + 1e-9]
    low, high = min((pairs[k] for k in near),
                    key=lambda p: (round(abs(p[0] - anchor[0]) + abs(p[1] - anchor[1]), 6), -(p[1] - p[0])))
    return {"military": high, "civilian": low, "review_cost": review_cost}


def _on_grid(grid: np.ndarray, value: float) -> float:
    return float(grid[np.argmin(np.abs(grid - value))])


def _beyond_doubt(pair: tuple, anchor: tuple, mil: np.ndarray, civ: np.ndarray, n: int, review_cost: float,
                  z: float) -> bool:
    """Whether band ``pair`` saves more than ``z`` standard errors of the per-document cost
    difference against band ``anchor`` (``mil``, ``civ``: the sorted probabilities per class).
    The difference is constant between consecutive thresholds, so it is summed over those
    stretches from counts."""
    if n < 2:
        return False
    cuts = np.array(sorted({pair[0], pair[1], anchor[0], anchor[1]}))
    total = squares = 0.0
    for probs, military in ((mil, True), (civ, False)):
        counts = np.diff(np.concatenate([[0], np.searchsorted(probs, cuts, side="left"), [len(probs)]]))
        points = np.concatenate([[-1.0], cuts])  # a probability inside each stretch (its lower end)
        for count, p in zip(counts, points):
            d = _cost(p, pair, military, review_cost) - _cost(p, anchor, military, review_cost)
            total += count * d
            squares += count * d * d
    mean = total / n
    sd = np.sqrt(max(squares / n - mean * mean, 0.0) * n / (n - 1))
    return -mean > z * sd / np.sqrt(n)


def _cost(p: float, band: tuple, military: bool, review_cost: float) -> float:
    """What a document of probability ``p`` costs under band (civilian, military) when its label is
    ``military`` or not: the flag is the one ``flag_for`` gives."""
    flag = flag_for(p, {"civilian": band[0], "military": band[1]})
    if flag == "review":
        return review_cost
    return float(flag != ("military" if military else "civilian"))
