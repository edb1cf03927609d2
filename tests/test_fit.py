from __future__ import annotations

import numpy as np
import pytest

from dualuse.model.classifier import flag_for
from dualuse.training.evaluate import expected_calibration_error
from dualuse.training.evaluate import choose_thresholds


def test_review_band_covers_the_uncertain_middle():
    probs = np.array([0.02, 0.1, 0.3, 0.45, 0.55, 0.7, 0.9, 0.98])
    y = np.array([0, 0, 1, 0, 1, 0, 1, 1], dtype=bool)
    th = choose_thresholds(y, probs, review_cost=0.25)
    flags = [flag_for(p, th) for p in probs]
    assert flags[:2] == ["civilian", "civilian"] and flags[-2:] == ["military", "military"]
    assert set(flags[2:6]) == {"review"}


def test_review_band_disappears_when_review_costs_as_much_as_an_error():
    probs = np.array([0.1, 0.4, 0.6, 0.9])
    y = np.array([0, 1, 0, 1], dtype=bool)
    th = choose_thresholds(y, probs, review_cost=0.99)
    assert [flag_for(p, th) for p in probs].count("review") <= 2
    assert th["civilian"] <= th["military"]


def test_a_held_out_set_separated_with_room_to_spare_gets_the_calibrated_band():
    """Any band between the two classes costs nothing here: the one calibrated probabilities
    call for (review between review_cost and 1 - review_cost) is taken, not an edge of the gap.
    Where the best band is clearly better, it wins over the calibrated one."""
    rng = np.random.default_rng(0)
    probs = np.concatenate([rng.uniform(0.0, 0.08, 50), rng.uniform(0.92, 1.0, 50)])
    y = np.repeat([False, True], 50)
    assert choose_thresholds(y, probs, review_cost=0.25) == {"military": 0.75, "civilian": 0.25, "review_cost": 0.25}
    assert choose_thresholds(y, probs, review_cost=0.1) == {"military": 0.9, "civilian": 0.1, "review_cost": 0.1}
    # civilian documents up to 0.85: a military threshold of 0.75 would cost 20 mistakes
    probs = np.concatenate([rng.uniform(0.6, 0.85, 20), rng.uniform(0.0, 0.1, 30), rng.uniform(0.9, 1.0, 50)])
    th = choose_thresholds(y, probs, review_cost=0.25)
    assert th["military"] > probs[:20].max() and th["civilian"] == 0.25


def test_a_few_held_out_documents_inside_the_calibrated_band_do_not_move_it():
    """Three military documents at 0.70 make a band from 0.69 cheaper by three reviews (more
    than half a mistake), but not beyond doubt: the calibrated band stays. Thirty of them move
    it, as the old rule moved it for three."""
    rng = np.random.default_rng(1)
    base = np.concatenate([rng.uniform(0.0, 0.08, 250), rng.uniform(0.92, 1.0, 250)])
    y = np.repeat([False, True], 250)
    for extra, expected in ((3, 0.75), (30, None)):
        probs = np.concatenate([base, np.full(extra, 0.70)])
        labels = np.concatenate([y, np.ones(extra, dtype=bool)])
        th = choose_thresholds(labels, probs, review_cost=0.25)
        assert th["civilian"] == 0.25
        if expected is None:
            assert th["military"] <= 0.70  # thirty reviews saved: the band moves below them
        else:
            assert th["military"] == expected


def test_expected_calibration_error():
    y = np.array([0, 0, 1, 1])
    assert expected_calibration_error(y, np.array([0.0, 0.0, 1.0, 1.0])) == pytest.approx(0.0)
    assert expected_calibration_error(y, np.array([1.0, 1.0, 0.0, 0.0])) == pytest.approx(1.0)


def test_nb_ratios_favour_the_class_a_key_is_seen_in_and_follow_weights():
    import scipy.sparse as sp

    from dualuse.training.scaling import nb_ratios

    # columns: military only, civilian only, both classes alike
    X = sp.csr_matrix(np.array([[2, 0, 1], [1, 0, 1], [0, 3, 1], [0, 1, 1]]))
    labels = np.array(["military", "military", "civilian", "civilian"], dtype=object)
    r = nb_ratios(X, labels)
    # add-one smoothing: military rows hold (2, 0, 2) of the columns, civilian rows (0, 2, 2)
    p, q = np.array([3.0, 1.0, 3.0]), np.array([1.0, 3.0, 3.0])
    assert r == pytest.approx(np.log(p / p.sum()) - np.log(q / q.sum()))
    assert r[0] > 0 > r[1] and r[2] == pytest.approx(0.0)
    heavier = nb_ratios(X, labels, np.array([3.0, 1.0, 1.0, 1.0]))
    assert heavier[0] > r[0]


def test_fit_part_folds_the_scaling_into_a_plain_built_in_pipeline():
    """The bundle keeps TfidfTransformer -> calibrated LogisticRegression; its probabilities on
    unscaled rows equal those of the same classifier fitted on scaled rows."""
    import scipy.sparse as sp
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    from dualuse.model.linear import sklearn_probs
    from dualuse.model.vocabulary import KeyRows, KeyVocabulary
    from dualuse.training.fit import fit_part
    from dualuse.training.scaling import nb_ratios

    rng = np.random.default_rng(0)
    military = rng.random(120) < 0.5
    rows = []
    for mil in military:
        shared = rng.choice(np.arange(100, 160), size=8, replace=False)
        own = rng.choice(np.arange(1, 30) if mil else np.arange(40, 70), size=3, replace=False)
        rows.append(np.concatenate([shared, own]).astype(np.uint64))
    key_rows = KeyRows(np.concatenate(rows), np.concatenate([[0], np.cumsum([len(r) for r in rows])]))
    labels = np.where(military, "military", "civilian").astype(object)
    part = fit_part(key_rows, labels, {}, seed=0, C=4.0)
    pipeline = part["pipeline"]
    assert [type(step).__name__ for _, step in pipeline.steps] == ["TfidfTransformer", "CalibratedClassifierCV"]

    X = KeyVocabulary.fit(key_rows).transform(key_rows)
    T = TfidfTransformer(sublinear_tf=True).fit_transform(X) @ sp.diags(nb_ratios(X, labels))
    reference = CalibratedClassifierCV(LogisticRegression(C=4.0, max_iter=3000, solver="liblinear", random_state=0),
                                       method="sigmoid", cv=5, ensemble=False).fit(T, labels)
    expected = reference.predict_proba(T)[:, list(reference.classes_).index("military")]
    assert sklearn_probs(part, X) == pytest.approx(expected, abs=1e-9)
    assert ((expected > 0.5) == military).mean() > 0.95
