"""Small labelled corpora made in the tests (varied sentences from pools, fixed seed)."""

from __future__ import annotations

import json
import random
from pathlib import Path

MILITARY = [
    "The Army will field {t} to protect dismounted soldiers on the battlefield.",
    "Navy program office requests {t} for shipboard combat systems.",
    "The warfighter needs {t} hardened for contested environments.",
    "Air Force squadrons tested {t} during a live-fire exercise with munitions.",
    "Missile defense interceptors rely on {t} for target acquisition.",
    "The Marine Corps seeks {t} to support expeditionary forces.",
    "Special operations teams used {t} for reconnaissance behind enemy lines.",
    "Electronic warfare units will integrate {t} into tactical vehicles.",
]
CIVILIAN = [
    "Hospitals use {t} to improve patient diagnosis and clinical outcomes.",
    "Farmers adopted {t} to monitor crops and soil moisture.",
    "The airline installed {t} to meet civil aviation safety rules.",
    "University researchers funded by NSF studied {t} with students.",
    "Weather forecasting offices rely on {t} for climate observation.",
    "Consumer electronics makers sell {t} in the mass market.",
    "Environmental agencies deploy {t} for air quality monitoring.",
    "The energy utility tested {t} on the power grid.",
]
TECH = ["UAVs", "synthetic aperture radar", "GPS receivers", "fibre lasers", "artificial intelligence",
        "drones", "radar", "AI", "counter-drone kits"]
FILLER = ["Costs fell over the year.", "The report was published in March.", "A second phase follows.",
          "Results were reviewed by an independent panel.", "Delivery is planned for next spring."]


def make_docs(n_per_class: int = 30, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    docs = []
    for label, pool in (("military", MILITARY), ("civilian", CIVILIAN)):
        for i in range(n_per_class):
            sentences = [rng.choice(pool).format(t=rng.choice(TECH)) for _ in range(rng.randint(2, 3))]
            sentences += rng.sample(FILLER, 2)
            rng.shuffle(sentences)
            docs.append({"id": f"{label[0]}{i:03d}", "text": " ".join(sentences), "label": label})
    rng.shuffle(docs)
    return docs


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
