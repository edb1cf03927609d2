"""`dualuse train` and `dualuse evaluate` as functions: prepare -> fit -> evaluate -> package."""

from __future__ import annotations

import os
from itertools import chain, islice
from pathlib import Path
from typing import Iterable

import numpy as np

from dualuse.corpora.labelled import (TRAINING_CORPUS, CorpusError, CorpusScan, bundle_corpus, bundle_text_keys,
                                      check_classes, check_weight, corpus_sha256, corpus_weights,
                                      iter_bundle_corpus, iter_corpora, pack_corpus, text_key, text_keys)

from .evaluate import binary_metrics, evaluate_predictions

# This module imports neither spaCy nor scikit-learn at its top: out of core, the learner's
# process (``learner.LearnerProcess``) starts before spaCy is imported and imports
# scikit-learn while this process runs the spaCy pass.

MIN_PER_CLASS = 10
MIN_PER_PART = 3  # documents of each label in each held-out part, out of core
MIN_HELD_OUT = 2  # in memory: documents of each label in the held-out part (stratified), at the least
LARGE_CORPUS = 200_000  # documents: `dualuse train` goes out of core by itself from here


def base_bundle(base) -> tuple[Path, object]:
    """(path, taxonomy) of the bundle that retraining starts from, checked to keep its training corpus."""
    from dualuse.model.bundle import verify_bundle
    from dualuse.model.taxonomy import packaged, read

    path = Path(packaged("default") if base in (None, "default") else base)
    verify_bundle(path)
    iter_bundle_corpus(path)  # a bundle without its training corpus cannot be a base: say so now
    return path, read(path / "dualuse_tech" / "terms.jsonl")


def _check_cache(cache: Path, out: Path) -> None:
    """``--cache``: a folder, or one that can be made, outside ``--out`` (which a bundle
    replaces), checked before the long work whose result it keeps. Nothing is made here: a run
    that stops early leaves no new folder behind."""
    if cache.is_symlink() and not cache.exists():
        raise CorpusError(f"--cache {cache}: a link to {os.readlink(cache)}, which does not exist")
    if cache.exists() and not cache.is_dir():
        raise CorpusError(f"--cache {cache}: a file, not a folder; give a folder to keep the spaCy pass in")
    resolved, bundle = cache.resolve(), out.resolve()
    if resolved == bundle or bundle in resolved.parents:
        raise CorpusError(f"--cache {cache}: inside --out {out}, which the bundle replaces; keep the cache elsewhere")
    existing = next((p for p in (cache, *cache.absolute().parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise CorpusError(f"--cache {cache}: {existing} is a file, so the folder cannot be made")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise CorpusError(f"--cache {cache}: {existing} is not writable")


def train(paths: list, out: Path, *, name: str = "dualuse-custom", version: str = "0.1.0",
          fields: dict | None = None, hub: tuple = (), force: bool = False, seed: int = 0, held_out: float = 0.2,
          review_cost: float = 0.25, taxonomy=None, base=None, rehearse: bool = False,
          extra_terms=None, weights=None, base_weight: float | None = None,
          cache=None, progress=None, jobs: int = 1, out_of_core: bool | None = None, refit: bool = False) -> dict:
    """Fit a bundle on ``paths``. With ``rehearse``, the training corpus of the ``base`` bundle
    (the shipped one when None) is mixed back in and its taxonomy is the starting point, so the
    new bundle extends what the base knew; ``extra_terms`` (a Taxonomy) extends the taxonomy.
    ``weights`` maps corpus paths to per-document weights (a dict or (corpus, weight) pairs); the
    base corpus's documents weigh ``base_weight``, by default as much in total as the new
    documents (never less than 1 each). With ``refit`` (in memory only), the models are fitted
    again on every document, the held-out ones too, once the thresholds are chosen: the bundle's
    held-out figures then describe the models fitted without them.

    The spaCy pass runs in ``jobs`` processes. ``out_of_core`` streams the corpus instead of
    holding it (``stream``); None chooses it when the corpus has more than ``LARGE_CORPUS``
    documents. ``progress(done, total, stage)`` is called as documents go through the pipeline
    ("pipeline") and, out of core, as the learners go through the chunks ("learning").
    """
    from dualuse.model.bundle import check_out

    if refit and out_of_core:
        raise CorpusError("refitting on every document is done in memory only: leave out --refit or train --in-memory")
    corpus_weights(list(paths), list(hub), weights)  # a weight naming no corpus: refused now
    if base_weight is not None:
        check_weight(base_weight, f"--base-weight {base_weight}")
    out = check_out(out, force=force, inputs=paths)
    if cache is not None:
        _check_cache(Path(cache), out)
    sources = [str(p) for p in paths] + [f"hub:{n}[{s}]" for n, s in hub]
    base_path = None
    if rehearse:
        base_path, base_terms = base_bundle(base)
        taxonomy = taxonomy or base_terms
    if extra_terms is not None:
        from dualuse.model.taxonomy import default_taxonomy

        taxonomy = (taxonomy or default_taxonomy()).merged(extra_terms)

    def new_docs():
        return iter_corpora(paths, hub=hub, weights=weights, **(fields or {}))

    docs = None
    if not out_of_core:
        docs = list(new_docs() if out_of_core is False else islice(new_docs(), LARGE_CORPUS + 1))
        if len(docs) > LARGE_CORPUS and out_of_core is None:
            docs = None  # large: stream it instead
    common = dict(name=name, version=version, force=force, seed=seed, held_out=held_out,
                  review_cost=review_cost, progress=progress)
    if docs is None:
        if refit:
            raise CorpusError(f"the corpus holds more than {LARGE_CORPUS:,} documents and so is trained out of core, "
                              "where refitting on every document is not done: leave out --refit or train --in-memory")
        return _train_streaming(new_docs, base_path, base_weight, sources, taxonomy, out, cache=cache, jobs=jobs,
                                **common)
    keys = [text_key(d.text) for d in docs]  # each text's key, once: for rehearsal and the split's groups
    if rehearse:
        import dataclasses

        seen = set(keys)
        base = [(d, k) for d in bundle_corpus(base_path) if (k := text_key(d.text)) not in seen]
        weight = base_weight if base_weight is not None else max(1.0, len(docs) / max(len(base), 1))
        docs += [dataclasses.replace(d, weight=weight) for d, _ in base]
        keys += [k for _, k in base]
        sources.append(f"rehearsal:{base_path.name} ({len(base)} documents)")
    counts = {lab: sum(d.label == lab for d in docs) for lab in ("civilian", "military")}
    _check_counts(counts, sources)
    for label, n in counts.items():
        if n * held_out < MIN_HELD_OUT:  # the stratified split holds out about this many
            raise CorpusError(f"the held-out part ({held_out:.0%} of the documents) would hold {n * held_out:.1f} "
                              f"{label} documents, fewer than the {MIN_HELD_OUT} that thresholds and metrics need at "
                              "the least: give more documents or a larger --held-out")
    from dualuse.model.pipeline import build_pipeline

    from .prepare import prepare_cached

    nlp = build_pipeline(taxonomy)
    total = len(docs)
    prepared = prepare_cached(docs, nlp, cache, jobs=jobs,
                              progress=None if progress is None else (lambda done: progress(done, total)))

    from sklearn.model_selection import StratifiedShuffleSplit

    from .evaluate import choose_thresholds
    from .fit import fit_models, military_probs

    # Documents with the same text stay on one side of the split: a copy held out of its own
    # fit part would score as if the model generalised.
    group, repeats = _text_groups(docs, keys)
    split = StratifiedShuffleSplit(n_splits=1, test_size=held_out, random_state=seed)
    if repeats is None:
        train_idx, test_idx = next(split.split(np.zeros(len(docs)), prepared.labels))
    else:
        first_of_group = np.unique(group, return_index=True)[1]
        _, test_groups = next(split.split(np.zeros(len(first_of_group)), prepared.labels[first_of_group]))
        held_mask = np.isin(group, test_groups)
        train_idx, test_idx = np.flatnonzero(~held_mask), np.flatnonzero(held_mask)
    fit_part, held = prepared.subset(np.sort(train_idx)), prepared.subset(np.sort(test_idx))
    models = fit_models(fit_part, seed=seed, n_jobs=jobs)

    probs = military_probs(models["document"], held.doc_rows)
    y_held = held.labels == "military"
    thresholds = choose_thresholds(y_held, probs, review_cost=review_cost)
    report = evaluate_predictions(held.labels, probs, held.families, thresholds)
    if len(held.ctx_rows):
        ctx_probs = military_probs(models["context"], held.ctx_rows)
        report["mentions"] = binary_metrics(held.ctx_labels == "military", ctx_probs)
    report["split"] = {"fit": len(train_idx), "held_out": len(test_idx), "seed": seed}
    if repeats is not None:
        report["duplicates"] = repeats
    report["C"] = models["document"]["C"]
    if refit:  # the same settings, every document: thresholds and figures stay those of the split
        models = fit_models(prepared, seed=seed, C=report["C"], n_jobs=jobs)
        report["refit"] = {"documents": len(docs)}
    corpus = {"sha256": corpus_sha256(docs), "documents": len(docs), "labels": counts, "sources": sources}
    return _write(nlp, models, thresholds, report, corpus, out, pack_corpus(docs), name=name, version=version,
                  force=force)


def _text_groups(docs: list, keys: list) -> tuple[np.ndarray, dict | None]:
    """The group of each document (the same text, spacing aside, the same group: ``keys`` holds
    each document's ``text_key``) and, when some text repeats, a report: how many documents
    repeat an earlier one's text, and the ids of the texts given both labels."""
    first: dict = {}
    group = np.array([first.setdefault(k, len(first)) for k in keys], dtype=np.int64)
    if len(first) == len(docs):
        return group, None
    members: dict = {}
    for g, d in zip(group.tolist(), docs):
        members.setdefault(g, []).append(d)
    conflicting = [[d.id for d in ds] for ds in members.values() if len({d.label for d in ds}) > 1]
    return group, {"repeated_documents": len(docs) - len(first), "texts_with_both_labels": len(conflicting),
                   "ids_with_both_labels": conflicting[:100]}


def _check_counts(counts: dict, sources: Iterable = ()) -> None:
    check_classes(counts, sources)
    if min(counts.values()) < MIN_PER_CLASS:
        raise CorpusError(f"need at least {MIN_PER_CLASS} documents of each label, have {counts}")


def _fresh_pipeline(nlp):
    """A pipeline over ``nlp``'s terms that has read nothing, for the bundle: the one that read
    the corpus holds the corpus's words in its string store (the first documents a pipeline
    reads are kept, see ``zones``), and the bundle's strings would depend on how the corpus was
    read."""
    from dualuse.model.components import CUES_KEY, TECH_KEY
    from dualuse.model.pipeline import build_pipeline

    return build_pipeline(nlp.get_pipe(TECH_KEY).terms, nlp.get_pipe(CUES_KEY).terms)


def _write(nlp, models, thresholds, report, corpus, out, packed, *, name, version, force, fresh=None) -> dict:
    """Write the bundle; ``fresh``: the pipeline to save, if already built (``_fresh_pipeline``)."""
    from .package import package

    nlp = fresh if fresh is not None else _fresh_pipeline(nlp)

    card = model_card(name=name, version=version, corpus=corpus, report=report, thresholds=thresholds)
    manifest = package(nlp, models, thresholds, out, name=name, version=version, corpus=corpus,
                       metrics=report, force=force, extra_files={"model_card.md": card, TRAINING_CORPUS: packed})
    return {"report": report, "manifest": manifest, "out": str(out)}


def _train_streaming(new_docs, base_path: Path | None, base_weight, sources: list, taxonomy, out: Path, *, name, version,
                     force, seed, held_out, review_cost, progress, cache, jobs) -> dict:
    """Out-of-core training (``stream``): one pass to validate and count, one through the
    pipeline to chunk files on disk, then the learners over the chunks."""
    import os
    import tempfile

    from .learner import LearnerProcess, WorkFolder  # neither imports spaCy: the learner starts before it

    # Started first, so that it imports scikit-learn and skops while this process checks the
    # corpus, imports spaCy and builds the pipeline, on the core that is idle meanwhile.
    # The learner is ended before the chunk folder is removed.
    with WorkFolder(cache) as folder, LearnerProcess() as learner:
        fd, packed = tempfile.mkstemp(prefix="corpus-", suffix=".jsonl.gz.part", dir=folder)
        os.close(fd)
        try:
            return _stream_in(folder, Path(packed), learner, new_docs, base_path, base_weight, sources, taxonomy,
                              out, name=name, version=version, force=force, seed=seed, held_out=held_out,
                              review_cost=review_cost, progress=progress, jobs=jobs)
        finally:
            Path(packed).unlink(missing_ok=True)


def _stream_in(folder: Path, packed: Path, learner, new_docs, base_path: Path | None, base_weight, sources, taxonomy, out, *,
               name, version, force, seed, held_out, review_cost, progress, jobs) -> dict:
    import dataclasses

    from .learner import CALIBRATE, EVALUATE, doc_hash, part_of

    # Pass 0: every line checked and counted before any long work. Of the base corpus only text
    # keys and labels are held: its documents that the new corpora do not already hold.

    counts = {"civilian": 0, "military": 0}
    in_part = {(which, lab): 0 for which in (CALIBRATE, EVALUATE) for lab in counts}
    base_labels: dict = {}
    if base_path is not None:
        for d in iter_bundle_corpus(base_path):
            base_labels.setdefault(text_key(d.text), []).append(d.label)

    def count(d, key: str) -> None:
        counts[d.label] += 1
        which = part_of(doc_hash(d.text, key), seed, held_out)
        if which in (CALIBRATE, EVALUATE):
            in_part[which, d.label] += 1

    for d in new_docs():
        key = text_key(d.text)
        count(d, key)
        base_labels.pop(key, None)
    n_base = sum(len(labels) for labels in base_labels.values())
    weight = base_weight if base_weight is not None else max(1.0, sum(counts.values()) / max(n_base, 1))

    def base_kept():
        for d in iter_bundle_corpus(base_path) if base_path is not None else ():
            if text_key(d.text) in base_labels:
                yield dataclasses.replace(d, weight=weight)

    for d in base_kept():
        count(d, None)
    if base_path is not None:
        sources.append(f"rehearsal:{base_path.name} ({n_base} documents)")
    _check_counts(counts, sources)
    for (which, label), n in in_part.items():
        if n < MIN_PER_PART:
            part = "calibration" if which == CALIBRATE else "evaluation"
            raise CorpusError(f"out of core, the {part} part ({held_out / 2:.0%} of the documents, chosen by a hash "
                              f"of their text) would hold {n} {label} documents, fewer than {MIN_PER_PART}: "
                              "give more documents, a larger --held-out, or train --in-memory (stratified)")
    from dualuse.model.pipeline import build_pipeline

    from .stream import extract

    nlp = build_pipeline(taxonomy)
    total = sum(counts.values())
    # Pass 1: the pipeline, while this process also packs the corpus for the bundle and hashes it.
    scan = CorpusScan(pack_to=packed)
    try:
        extracted = extract((scan.add(d) for d in chain(new_docs(), base_kept())), nlp, folder, seed=seed,
                            held_out=held_out, jobs=jobs,
                            progress=None if progress is None else (lambda done: progress(done, total)))
    finally:
        scan.close()
    learner.submit(extracted, seed=seed, held_out=held_out, review_cost=review_cost, documents=total)
    fresh = _fresh_pipeline(nlp)  # built while the learner learns
    learned = learner.result(progress=None if progress is None else (lambda d, t: progress(d, t, "learning")))
    models, thresholds, report = learned["models"], learned["thresholds"], learned["report"]
    corpus = {"sha256": scan.sha256, "documents": total, "labels": counts, "sources": sources}
    return _write(nlp, models, thresholds, report, corpus, out, packed,
                  name=name, version=version, force=force, fresh=fresh)


def evaluate(paths: list, model: Path | None = None, *, fields: dict | None = None, hub: tuple = (),
             batch_size: int = 64) -> dict:
    """The report of one bundle on labelled corpora, read as a stream (no text is kept)."""
    return evaluate_docs(iter_corpora(paths, hub=hub, **(fields or {})), model, batch_size=batch_size)


def score_docs(docs: Iterable, model: Path | None = None, *, batch_size: int = 64):
    """(tagger, probabilities, flags, families) of labelled documents under one bundle."""
    from dualuse.model import load
    from dualuse.model.zones import pipe_in_zones

    tagger = load(model)

    def consume(doc, i):
        return (doc._.dualuse_military_prob, doc._.dualuse_flag,
                frozenset(s.label_ for s in doc.spans.get("dualuse_tech", [])))

    scored = list(pipe_in_zones(tagger.nlp, ((d.text, i) for i, d in enumerate(docs)),
                                batch_size=batch_size, consume=consume))
    probs, flags, families = zip(*scored) if scored else ((), (), ())
    return tagger, np.array(probs), list(flags), list(families)


def evaluate_docs(docs: Iterable, model: Path | None = None, *, batch_size: int = 64) -> dict:
    ids, labels, keys = [], [], []

    def remembered():
        for d in docs:
            ids.append(d.id)
            labels.append(d.label)
            keys.append(text_keys(d.text))
            yield d

    tagger, probs, _, families = score_docs(remembered(), model, batch_size=batch_size)
    if not ids:
        raise CorpusError("the corpus is empty")
    report = evaluate_predictions(np.array(labels, dtype=object), probs, families, tagger.thresholds)
    report["model"] = tagger.model
    report["leakage"] = _leakage(ids, keys, model)
    return report


def leakage(docs: list, model: Path | None) -> dict:
    """Evaluation documents that the bundle was trained on (their scores flatter the bundle)."""
    return _leakage([d.id for d in docs], [text_keys(d.text) for d in docs], model)


def _leakage(ids: list, keys: list, model: Path | None) -> dict:
    from dualuse.model.taxonomy import packaged

    try:
        trained = bundle_text_keys(Path(packaged("default") if model is None else model))
    except CorpusError:
        return {"checked": False, "documents": 0, "ids": []}
    shared = [i for i, k in zip(ids, keys) if not k.isdisjoint(trained)]  # whole text, or body without title
    return {"checked": True, "documents": len(shared), "ids": shared[:100]}


def model_card(*, name: str, version: str, corpus: dict, report: dict, thresholds: dict) -> str:
    """A short description written into every bundle: data, metrics, thresholds, use and limits."""
    o = report["overall"]
    families = "\n".join(f"| {fam} | {m['n']} | {m['f1']:.3f} | "
                          f"{'-' if m['roc_auc'] is None else format(m['roc_auc'], '.3f')} |"
                          for fam, m in report.get("per_family", {}).items())
    refitted = ("" if "refit" not in report else
                f"\nThese figures are those of the models fitted on the other documents; the models in this bundle were "
                f"then fitted again, with the same settings, on all {report['refit']['documents']} (`--refit`).")
    return f"""# {name} {version}

Scores whether the context of a document, and of each dual-use technology it mentions, is a
military application. Built with `dualuse train`.

## Data
{corpus['documents']} labelled documents ({corpus['labels'].get('military', 0)} military,
{corpus['labels'].get('civilian', 0)} civilian) from: {', '.join(corpus['sources'])}.
Corpus SHA-256: `{corpus['sha256']}`.

## Held-out metrics ({report['split']['held_out']} documents, {int(100 * report['split']['held_out'] / (report['split']['held_out'] + report['split']['fit']))}% held out, seed {report['split']['seed']})
precision {o['precision']:.3f}, recall {o['recall']:.3f}, F1 {o['f1']:.3f}, ROC AUC {o['roc_auc']:.3f},
Brier {o['brier']:.3f}, expected calibration error {o['ece']:.3f}.{refitted}

| family | documents | F1 | ROC AUC |
|---|---|---|---|
{families}

## Flags
`military` at probability >= {thresholds['military']:.2f}, `civilian` below {thresholds['civilian']:.2f},
`review` between (chosen on the held-out documents; an error costs 1, a review {thresholds.get('review_cost', 0.25)}).

## Intended use and limits
For triage by export-control, compliance and research-security analysts: it ranks and flags
documents for a person to read, with the sentences and words behind each score. It is not a
legal determination of whether an item is controlled. It knows the technologies in its
taxonomy and the contexts of its training corpus: held-out figures come from the same corpus
and are higher than on other text; check it on your own documents (`dualuse evaluate`) before
relying on its thresholds.
"""
