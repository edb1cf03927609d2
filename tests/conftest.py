from __future__ import annotations

import json
from pathlib import Path

import pytest

from dualuse.model.pipeline import build_pipeline
from dualuse.model.taxonomy import parse_lines

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

TINY_TERMS = [
    {"taxonomy": "test", "version": "t.1"},
    {"id": "uav", "name": "unmanned aerial vehicle", "family": "aerospace_propulsion", "category": "9A012",
     "patterns": ["unmanned aerial vehicle", "UAV", "drone"]},
    {"id": "radar", "name": "radar", "family": "sensors_lasers", "category": "6A008", "patterns": ["radar"]},
    {"id": "sar", "name": "synthetic aperture radar", "family": "sensors_lasers", "category": "6A008",
     "patterns": ["synthetic aperture radar"]},
    {"id": "ai", "name": "artificial intelligence", "family": "computing_ai", "category": None,
     "patterns": ["artificial intelligence", "AI"]},
    {"id": "gps", "name": "GPS receiver", "family": "navigation_avionics", "category": "7A005",
     "patterns": ["GPS receiver", "GPS"]},
    {"id": "counter_uas", "name": "counter-drone system", "family": "weapons_munitions", "category": None,
     "patterns": ["counter-drone"]},
    {"id": "fibre_laser", "name": "fibre laser", "family": "sensors_lasers", "category": "6A005",
     "patterns": ["fibre laser", "fiber laser"]},
    {"id": "warship", "name": "warship", "family": "marine", "category": "ML9a",
     "patterns": ["warship", "frigate"], "exclude": ["frigate tuna", "frigate mackerel"]},
]
TINY_CUES = [
    {"taxonomy": "test cues", "version": "c.1"},
    {"id": "m_forces", "name": "armed forces", "label": "military", "patterns": ["armed forces", "warfighter", "frigate"]},
    {"id": "c_weather", "name": "weather", "label": "civilian", "patterns": ["weather radar", "civil aviation"]},
]


def lines(rows):
    return [json.dumps(r) for r in rows]


@pytest.fixture(scope="session")
def tiny_taxonomy():
    return parse_lines(lines(TINY_TERMS), label_field="family")


@pytest.fixture(scope="session")
def tiny_cues():
    return parse_lines(lines(TINY_CUES), label_field="label")


@pytest.fixture(scope="session")
def tiny_nlp(tiny_taxonomy, tiny_cues):
    return build_pipeline(tiny_taxonomy, tiny_cues)


@pytest.fixture(scope="session")
def default_nlp():
    return build_pipeline()
