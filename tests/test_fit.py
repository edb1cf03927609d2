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


def test_expected_calibration_error():
    y = np.array([0, 0, 1, 1])
    assert expected_calibration_error(y, np.array([0.0, 0.0, 1.0, 1.0])) == pytest.approx(0.0)
    assert expected_calibration_error(y, np.array([1.0, 1.0, 0.0, 0.0])) == pytest.approx(1.0)
