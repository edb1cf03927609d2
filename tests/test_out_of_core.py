"""Out-of-core training: the corpus streamed through chunk files and SGD learners."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from corpus_factory import make_docs, write_jsonl
from dualuse.cli.main import app
from dualuse.corpora.labelled import CorpusError, read_corpora
from dualuse.model import load
from dualuse.model.vocabulary import HashedVocabulary, KeyRows
from dualuse.model.pipeline import build_pipeline
from dualuse.training import learner, stream
from dualuse.training.prepare import prepare
from dualuse.training.train import evaluate, train

runner = CliRunner()


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("ooc")
    # Military documents first, civilian after: chunks of one class only, as a folder-per-label
    # corpus gives; the learners must still see both classes mixed.
    return write_jsonl(root / "train.jsonl", make_docs(150, seed=40)), write_jsonl(root / "test.jsonl",
                                                                                   make_docs(40, seed=41))


@pytest.fixture(scope="module")
def ooc_bundle(corpora, tmp_path_factory):
    out = tmp_path_factory.mktemp("ooc-bundle") / "b"
    mp = pytest.MonkeyPatch()
    mp.setattr(stream, "CHUNK_DOCS", 40)
    try:
        result = train([corpora[0]], out, name="ooc", out_of_core=True, cache=out.parent / "cache")
    finally:
        mp.undo()
    return out, result


def test_out_of_core_bundle_scores_unseen_documents(ooc_bundle, corpora):
    out, result = ooc_bundle
    split = result["report"]["split"]
    assert split["out_of_core"] is True and split["fit"] + split["held_out"] + split["calibration"] == 300
    assert result["report"]["overall"]["roc_auc"] > 0.95
    report = evaluate([corpora[1]], out)
    assert report["overall"]["roc_auc"] > 0.95 and report["overall"]["f1"] > 0.85
    mil, civ = load(out).tag([("m", "The Navy program office requests UAVs for shipboard combat systems."),
                              ("c", "Hospitals use AI to improve patient diagnosis.")])
    assert mil["military_prob"] > 0.5 > civ["military_prob"]
    assert mil["mentions"] and mil["evidence"]


def test_out_of_core_bundle_is_hashed_and_numbers_match_sklearn(ooc_bundle, corpora):
    out, _ = ooc_bundle
    clf = load(out).nlp.get_pipe("dualuse_classifier")
    scorer = clf.scorers["document"]
    assert isinstance(scorer.vocabulary, HashedVocabulary)
    assert len(scorer.coef) == learner.N_FEATURES
    models = clf.sklearn_models()  # through skops and the trusted-type list
    assert type(models["document"]["pipeline"][-1]).__name__ == "SGDClassifier"
    assert "calibrator" in models["document"]
    from dualuse.model.linear import sklearn_probs

    nlp = build_pipeline()
    rows = prepare(read_corpora([corpora[1]]), nlp).doc_rows
    X = scorer.vocabulary.transform(rows)
    ours = scorer.military_probs(scorer.weighted(X))
    np.testing.assert_allclose(ours, sklearn_probs(models["document"], X), atol=1e-6)
    # Words that drive scores keep their text.
    assert "navy" in set(scorer.vocabulary.names.tolist())


def test_out_of_core_cache_skips_the_pipeline_and_gives_the_same_model(ooc_bundle, corpora, tmp_path, monkeypatch):
    out, first = ooc_bundle
    monkeypatch.setattr(stream, "CHUNK_DOCS", 40)
    from dualuse.training import prepare as prepare_module

    monkeypatch.setattr(prepare_module, "rows_of", lambda *a, **k: pytest.fail("the pipeline ran again"))
    second = train([corpora[0]], tmp_path / "again", name="ooc", out_of_core=True, cache=out.parent / "cache")
    a = np.load(out / "dualuse_classifier" / "classifier.npz")
    b = np.load(tmp_path / "again" / "dualuse_classifier" / "classifier.npz")
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])
    assert first["report"]["overall"] == second["report"]["overall"]
    assert len(list((out.parent / "cache" / "chunks").glob("chunk-*.joblib"))) == 8


def test_large_corpus_goes_out_of_core_by_itself(corpora, tmp_path, monkeypatch):
    import dualuse.training.train as train_module

    monkeypatch.setattr(train_module, "LARGE_CORPUS", 100)
    result = train([corpora[0]], tmp_path / "auto", rehearse=True)
    assert result["report"]["split"]["out_of_core"] is True
    # The base corpus (rehearsal) is streamed in after the new documents and packed with them.
    manifest = json.loads((tmp_path / "auto" / "manifest.json").read_text())
    assert any(s.startswith("rehearsal:") for s in manifest["corpus"]["sources"])
    assert manifest["corpus"]["documents"] > 300
    # The same documents, in the same order and with the same weights, as in memory.
    monkeypatch.setattr(train_module, "LARGE_CORPUS", 10**9)
    in_memory = train([corpora[0]], tmp_path / "mem", rehearse=True)
    assert in_memory["manifest"]["corpus"] == manifest["corpus"]


def test_bad_line_is_reported_before_the_pipeline_runs(tmp_path, monkeypatch):
    rows = make_docs(30, seed=42)
    rows[37]["label"] = "maybe"
    corpus = write_jsonl(tmp_path / "bad.jsonl", rows)
    monkeypatch.setattr(stream, "extract", lambda *a, **k: pytest.fail("extraction started"))
    with pytest.raises(CorpusError, match=r"bad.jsonl:38: unknown label 'maybe'"):
        train([corpus], tmp_path / "out", out_of_core=True)
    assert not (tmp_path / "out").exists()
    one_class = write_jsonl(tmp_path / "one.jsonl", [r for r in make_docs(30, seed=43) if r["label"] == "civilian"])
    with pytest.raises(CorpusError, match="single class"):
        train([one_class], tmp_path / "out", out_of_core=True, rehearse=False)


def test_worker_processes_give_the_same_rows(corpora):
    docs = read_corpora([corpora[1]])
    one = prepare(docs, build_pipeline(), jobs=1)
    two = prepare(docs, build_pipeline(), jobs=2)
    for name in ("doc_rows", "ctx_rows"):
        a, b = getattr(one, name), getattr(two, name)
        np.testing.assert_array_equal(a.keys, b.keys)
        np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(one.ctx_doc, two.ctx_doc)
    assert one.families == two.families and one.names == two.names


def test_hashed_vocabulary_spreads_keys_and_counts_repeats():
    vocab = HashedVocabulary(1 << 10)
    keys = np.arange(1, 5001, dtype=np.uint64) * np.uint64(0x100000001B3)
    cols = vocab.columns(keys)
    assert cols.min() >= 0 and cols.max() < 1 << 10 and len(np.unique(cols)) > 900
    rows = KeyRows(np.array([keys[0], keys[0], keys[1]], dtype=np.uint64), np.array([0, 3]))
    X = vocab.transform(rows)
    assert X.shape == (1, 1 << 10) and X.sum() == 3 and X[0, cols[0]] == 2
    with pytest.raises(ValueError, match="power of two"):
        HashedVocabulary(1000)


def test_cli_out_of_core_with_jobs(corpora, tmp_path):
    out = tmp_path / "cli"
    result = runner.invoke(app, ["train", str(corpora[0]), "--no-base", "--out-of-core", "--jobs", "2",
                                 "--out", str(out), "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["split"]["out_of_core"] is True and report["overall"]["roc_auc"] > 0.95
    tagged = runner.invoke(app, ["tag", "--model", str(out), "-"],
                           input="The warfighter needs drones hardened for contested environments.")
    assert tagged.exit_code == 0 and json.loads(tagged.stdout)["flag"] in ("military", "review")


def test_progress_reports_both_stages_to_their_totals(corpora, tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK_DOCS", 100)
    seen: dict = {}
    train([corpora[0]], tmp_path / "p", out_of_core=True,
          progress=lambda done, total, stage="pipeline": seen.setdefault(stage, []).append((done, total)))
    assert seen["pipeline"][-1] == (300, 300) and [d for d, _ in seen["pipeline"]] == [100, 200, 300]
    steps = -(-3 // learner.BUFFER_CHUNKS) * learner.MAX_EPOCHS  # a small corpus gets the most passes
    assert seen["learning"][-1] == (steps, steps)


def test_epochs_follow_the_size_of_the_fit_part():
    assert learner.epochs_for(1) == learner.epochs_for(1_700) == learner.MAX_EPOCHS
    assert learner.epochs_for(8_200) == learner.epochs_for(10**7) == learner.MIN_EPOCHS
    sizes = [learner.epochs_for(n) for n in range(1, 40_000, 100)]
    assert sizes == sorted(sizes, reverse=True)


def test_one_long_token_does_not_widen_the_names(tmp_path):
    from dualuse.training.prepare import rows_of

    junk = "x" * 5000
    rows = rows_of([f"The Navy radar {junk} works.", f"Hospitals use AI {junk}."], build_pipeline())
    assert "navy" in rows.names.values() and junk not in rows.names.values()
    assert max(len(t) for t in rows.names.values()) <= 40


def test_too_small_a_held_out_part_is_refused_before_the_pipeline(tmp_path, monkeypatch):
    corpus = write_jsonl(tmp_path / "small.jsonl", make_docs(12, seed=44))
    monkeypatch.setattr(stream, "extract", lambda *a, **k: pytest.fail("extraction started"))
    with pytest.raises(CorpusError, match=r"(calibration|evaluation) part .* --in-memory"):
        train([corpus], tmp_path / "out", out_of_core=True)
    assert not (tmp_path / "out").exists()


def test_hashed_driver_names_hold_only_where_their_word_is():
    navy, other = np.uint64(11), np.uint64(12)
    vocab = HashedVocabulary(2, name_cols=None)
    col = int(vocab.columns(np.array([navy]))[0])
    named = HashedVocabulary(2, [col], ["navy"], [navy])
    # Find a key that falls in the same column as "navy" but is not it.
    while int(named.columns(np.array([other]))[0]) != col:
        other += np.uint64(1)
    rows = KeyRows(np.array([navy, other], dtype=np.uint64), np.array([0, 1, 2]))
    assert named.named_present(rows).tolist() == [0 * 2 + col]  # row 0 has "navy", row 1 only a neighbour


def test_cache_keys_tell_close_weights_apart():
    from dualuse.corpora.labelled import LabelledDoc

    a = [LabelledDoc("1", "text", "military", weight=1.234567)]
    b = [LabelledDoc("1", "text", "military", weight=1.2345674)]
    assert stream._chunk_key(a, b"s") != stream._chunk_key(b, b"s")


def test_worker_pool_lets_go_of_the_pipeline():
    from dualuse.training import prepare as prepare_module

    with prepare_module.RowWorkers(build_pipeline(), jobs=2) as workers:
        assert workers.submit(["The Navy radar."]).result().families == [frozenset({"sensors_lasers"})]
    assert prepare_module._POOL_NLP is None


def test_rehearsal_keeps_a_base_corpus_with_repeated_texts_as_memory_does(corpora, tmp_path, monkeypatch):
    import dualuse.training.train as train_module

    rows = make_docs(15, seed=45)
    base_corpus = write_jsonl(tmp_path / "base.jsonl", rows + rows[:4])
    train([base_corpus], tmp_path / "base")
    results = {}
    for name, large in (("streamed", 100), ("memory", 10**9)):
        monkeypatch.setattr(train_module, "LARGE_CORPUS", large)
        results[name] = train([corpora[0]], tmp_path / name, rehearse=True, base=tmp_path / "base")
    assert results["streamed"]["report"]["split"]["out_of_core"] is True
    assert results["streamed"]["manifest"]["corpus"]["documents"] == 300 + 34
    assert results["streamed"]["manifest"]["corpus"] == results["memory"]["manifest"]["corpus"]


def test_training_process_imports_neither_scikit_learn_nor_skops_out_of_core(corpora, tmp_path):
    # The learner's own process, started before spaCy is imported here, imports them while this
    # one runs the spaCy pass; the bundle is still complete (its skops file made there) and loads.
    import subprocess
    import sys

    script = f"""
import sys
from dualuse.training import learner
from dualuse.training.train import train
start = learner.LearnerProcess.__init__
def started(self):
    print("spaCy imported when the learner started:", "spacy" in sys.modules)
    start(self)
learner.LearnerProcess.__init__ = started
train([{str(corpora[0])!r}], {str(tmp_path / 'b')!r}, out_of_core=True, rehearse=False, jobs=2)
from dualuse.training import stream
print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'sklearn', 'skops'}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "spaCy imported when the learner started: False"  # it imports scikit-learn meanwhile
    assert lines[-1] == "[]"
    clf = load(tmp_path / "b").nlp.get_pipe("dualuse_classifier")
    assert type(clf.sklearn_models()["context"]["pipeline"][-1]).__name__ == "SGDClassifier"


def test_learner_process_never_outlives_training_and_its_errors_come_back(tmp_path, monkeypatch):
    started = []

    class Recorded(learner.LearnerProcess):
        def __init__(self):
            super().__init__()
            started.append(self)

    monkeypatch.setattr(learner, "LearnerProcess", Recorded)
    # Refused before the pipeline: the learner, still importing, is ended with the training.
    one_class = write_jsonl(tmp_path / "one.jsonl", [r for r in make_docs(30, seed=43) if r["label"] == "civilian"])
    with pytest.raises(CorpusError, match="single class"):
        train([one_class], tmp_path / "out", out_of_core=True, rehearse=False)
    assert len(started) == 1 and started[0]._proc.returncode is not None
    assert not (tmp_path / "out").exists()
    # An error inside the learner comes back as itself, with its message.
    n = learner.N_FEATURES
    extracted = learner.Extracted(
        files=[tmp_path / "gone.joblib"], documents=100, df={p: np.zeros(n, np.int64) for p in learner.PARTS},
        rows={p: 80 for p in learner.PARTS}, presence={(p, m): np.zeros(n) for p in learner.PARTS for m in (True, False)},
        context_rows_by_class={(w, m): 20 for w in (learner.FIT, learner.CALIBRATE, learner.EVALUATE)
                               for m in (True, False)})
    with learner.LearnerProcess() as process:
        with pytest.raises(FileNotFoundError, match="gone.joblib"):
            process.run(extracted, seed=0, held_out=0.2, review_cost=0.25, documents=100)
    assert process._proc.returncode == 0


def test_a_learner_process_that_dies_is_reported(tmp_path):
    with learner.LearnerProcess() as process:
        process._proc.kill()
        process._proc.wait()
        with pytest.raises(learner.LearnerError, match="learner process ended unexpectedly"):
            process.run(learner.Extracted(files=[], documents=0), seed=0, held_out=0.2, review_cost=0.25,
                        documents=0)


def test_the_two_models_learn_the_same_in_a_forked_process_or_here(corpora, tmp_path, monkeypatch):
    import dualuse.model.parallel as parallel

    monkeypatch.setattr(stream, "CHUNK_DOCS", 100)
    extracted = stream.extract(read_corpora([corpora[0]]), build_pipeline(), tmp_path, seed=0, held_out=0.2)
    results = {}
    for forked in (True, False):
        monkeypatch.setattr(parallel, "fork_safe", lambda forked=forked: forked)
        results[forked] = learner.learn(extracted, seed=0, held_out=0.2)
    for p in learner.PARTS:
        a, b = results[True][0][p], results[False][0][p]
        np.testing.assert_array_equal(a["pipeline"][-1].coef_, b["pipeline"][-1].coef_)
        assert a["alpha"] == b["alpha"]
        np.testing.assert_array_equal(results[True][1][p]["probs"], results[False][1][p]["probs"])


def _fail_in_copy():
    raise CorpusError("bad in the copy")


def test_a_forked_learner_copy_sends_back_its_error_with_its_traceback():
    copy = learner.Forked(_fail_in_copy)
    with pytest.raises(CorpusError, match="bad in the copy") as caught:
        copy.result()
    assert isinstance(caught.value.__cause__, learner.RemoteTraceback)
    assert "_fail_in_copy" in str(caught.value.__cause__)
    copy.kill()


def test_a_forked_learner_copy_lets_go_of_the_reply_pipe_and_can_be_killed(monkeypatch):
    # Were the copy to keep the learner's reply pipe open, the training process would never see
    # the learner end if it died (it waits for the pipe to close).
    import os
    import select
    import time

    read_end, write_end = os.pipe()
    monkeypatch.setattr(learner, "_REPLY_FD", write_end)
    copy = learner.Forked(time.sleep, 60)
    time.sleep(0.5)  # the copy has started and closed its end
    os.close(write_end)
    ready, _, _ = select.select([read_end], [], [], 10)
    assert ready and os.read(read_end, 1) == b""  # end of file: no one else holds the pipe
    os.close(read_end)
    started = time.monotonic()
    copy.kill()
    assert time.monotonic() - started < 5 and copy._proc.exitcode is not None


def test_an_unreadable_reply_ends_the_learner_process():
    import subprocess
    import sys

    process = learner.LearnerProcess.__new__(learner.LearnerProcess)
    process._proc = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; sys.stdin.buffer.read(); sys.stdout.write('garbage'); "
                               "sys.stdout.flush(); time.sleep(60)"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    with pytest.raises(learner.LearnerError, match="could not be read"):
        process.run(learner.Extracted(files=[], documents=0), seed=0, held_out=0.2, review_cost=0.25, documents=0)
    assert process._proc.returncode is not None
    process.close()


def test_a_classifier_given_exported_models_still_gives_its_scikit_learn_models(ooc_bundle):
    from dualuse.model.classifier import MilitaryClassifier
    from dualuse.model.linear import Exported

    out, _ = ooc_bundle
    models = load(out).nlp.get_pipe("dualuse_classifier").sklearn_models()
    clf = MilitaryClassifier(name="dualuse_classifier")
    clf.set_models(Exported.of(models))
    again = clf.sklearn_models()
    for p in learner.PARTS:
        np.testing.assert_array_equal(again[p]["pipeline"][-1].coef_, models[p]["pipeline"][-1].coef_)
