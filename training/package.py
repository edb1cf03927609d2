"""Stage 4, package: pipeline + fitted classifier + manifest -> a bundle directory."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from dualuse.model.bundle import save_bundle
from dualuse.model.classifier import make_classifier  # noqa: F401  (registers the factory)
from dualuse.model.components import TECH_KEY


def package(nlp, models: dict, thresholds: dict, out: Path, *, name: str, version: str, corpus: dict,
            metrics: dict, force: bool = False, extra_files: dict | None = None) -> dict:
    if "dualuse_classifier" in nlp.pipe_names:
        nlp.remove_pipe("dualuse_classifier")
    clf = nlp.add_pipe("dualuse_classifier")
    clf.initialize(models=models, thresholds=thresholds)
    nlp.meta["name"] = name.replace("-", "_")
    nlp.meta["version"] = version
    info = {
        "name": name, "version": version,
        "taxonomy_version": nlp.get_pipe(TECH_KEY).terms.version,
        "labels": ["civilian", "military"], "thresholds": thresholds,
        "corpus": corpus, "metrics": metrics,
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    }
    return save_bundle(nlp, out, info, force=force, extra_files=extra_files)
