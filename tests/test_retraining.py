"""Retraining tools: corpus sources, label maps, the model card, compare, review."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from corpus_factory import make_docs, write_jsonl
from dualuse.cli.main import app
from dualuse.corpora.labelled import CorpusError, parse_label_map, read_corpora

runner = CliRunner()


def test_folder_per_label_corpus_reads_any_format(tmp_path):
    for d in make_docs(6, seed=2):
        folder = tmp_path / "corpus" / d["label"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{d['id']}.txt").write_text(d["text"])
    (tmp_path / "corpus" / "civilian" / "page.html").write_text("<p>Hospitals use <b>AI</b> for patients.</p>")
    docs = read_corpora([tmp_path / "corpus"])
    assert len(docs) == 13
    assert {d.label for d in docs} == {"military", "civilian"}
    page = [d for d in docs if d.id.endswith("page.html")][0]
    assert page.label == "civilian" and "Hospitals use" in page.text


def test_folder_with_an_unknown_label_or_unreadable_file_is_refused(tmp_path):
    (tmp_path / "c" / "secret").mkdir(parents=True)
    (tmp_path / "c" / "secret" / "a.txt").write_text("radar")
    with pytest.raises(CorpusError, match="unknown label 'secret'"):
        read_corpora([tmp_path / "c"])
    (tmp_path / "d" / "military").mkdir(parents=True)
    (tmp_path / "d" / "military" / "blank.txt").write_text("")
    with pytest.raises(CorpusError, match="blank.txt: empty document"):
        read_corpora([tmp_path / "d"])


def test_label_map(tmp_path):
    rows = [{"id": d["id"], "text": d["text"], "label": {"military": "DoD", "civilian": "NIH"}[d["label"]]}
            for d in make_docs(3)]
    path = write_jsonl(tmp_path / "agencies.jsonl", rows)
    with pytest.raises(CorpusError, match="unknown label 'DoD'"):
        read_corpora([path])
    docs = read_corpora([path], label_map=parse_label_map("DoD=military,NIH=civilian"))
    assert {d.label for d in docs} == {"military", "civilian"}
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"DoD": "military", "NIH": "Civilian"}))
    assert parse_label_map(str(mapping)) == {"dod": "military", "nih": "civilian"}
    with pytest.raises(CorpusError, match="'DoD' maps to 'army'"):
        parse_label_map("DoD=army")


def test_label_map_matches_labels_as_labels_are_matched_and_refuses_odd_files(tmp_path):
    rows = [{"id": d["id"], "text": d["text"], "label": {"military": " DOD", "civilian": "nih "}[d["label"]]}
            for d in make_docs(3)]
    path = write_jsonl(tmp_path / "agencies.jsonl", rows)
    docs = read_corpora([path], label_map=parse_label_map("DoD=military,NIH=civilian"))
    assert sorted(d.label for d in docs) == ["civilian"] * 3 + ["military"] * 3
    # the Python API takes a plain dict too
    assert len(read_corpora([path], label_map={"DoD": "military", "NIH": "civilian"})) == 6
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([["DoD", "military"]]))
    with pytest.raises(CorpusError, match="needs a JSON object"):
        parse_label_map(str(listed))
    with pytest.raises(CorpusError, match="missing.json: no such file"):
        parse_label_map(str(tmp_path / "missing.json"))
    with pytest.raises(CorpusError, match="mapped to both"):
        parse_label_map("dod=military,DoD=civilian")
    result = runner.invoke(app, ["evaluate", str(path), "--label-map", str(listed)])
    assert result.exit_code == 2 and "needs a JSON object" in result.stderr


def test_hub_dataset_without_network_is_a_clear_error(monkeypatch, tmp_path):
    pytest.importorskip("datasets")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    result = runner.invoke(app, ["train", "--hf-dataset", "someone/not-a-real-dataset", "--out", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert "cannot load dataset 'someone/not-a-real-dataset'" in result.stderr
    assert not (tmp_path / "b").exists()


@pytest.fixture(scope="module")
def two_bundles(tmp_path_factory):
    root = tmp_path_factory.mktemp("retrain")
    a = write_jsonl(root / "a.jsonl", make_docs(20, seed=1))
    b = write_jsonl(root / "b.jsonl", make_docs(30, seed=4))
    for name, corpus in (("old", a), ("new", b)):
        result = runner.invoke(app, ["train", str(corpus), "--out", str(root / name), "--name", f"test-{name}",
                                     "--no-base"])
        assert result.exit_code == 0, result.stderr
    return root


def test_model_card_is_in_the_bundle_and_hashed(two_bundles):
    card = (two_bundles / "new" / "model_card.md").read_text()
    assert card.startswith("# test-new 0.1.0") and "Intended use and limits" in card and "ROC AUC" in card
    manifest = json.loads((two_bundles / "new" / "manifest.json").read_text())
    assert "model_card.md" in manifest["files"]


def test_compare_reports_metrics_changes_and_flags(two_bundles, tmp_path):
    eval_set = write_jsonl(tmp_path / "eval.jsonl", make_docs(15, seed=9))
    report = tmp_path / "cmp.json"
    md = tmp_path / "cmp.md"
    result = runner.invoke(app, ["compare", str(two_bundles / "old"), str(two_bundles / "new"), str(eval_set),
                                 "--json", str(report), "--markdown", str(md)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(report.read_text())
    assert data["documents"] == 30
    assert data["old"]["model"] == "test-old 0.1.0" and data["new"]["model"] == "test-new 0.1.0"
    assert set(data["delta"]["overall"]) >= {"f1", "roc_auc", "ece"}
    assert all(set(c) == {"id", "label", "old", "new"} for c in data["flag_changes"])
    assert "## Per family" in md.read_text() and "Flags that change" in result.stdout
    assert "LEAKAGE" not in result.stdout
    # on the new bundle's own training corpus the report says its scores flatter it
    result = runner.invoke(app, ["compare", str(two_bundles / "old"), str(two_bundles / "new"),
                                 str(two_bundles / "b.jsonl")])
    assert result.exit_code == 0, result.stderr
    assert "**LEAKAGE (new bundle):** 60 of these 60 documents are in its training corpus" in result.stdout


def test_review_exports_the_least_certain_in_a_trainable_format(two_bundles, tmp_path):
    docs = make_docs(10, seed=12)
    inputs = write_jsonl(tmp_path / "unlabelled.jsonl", [{"id": d["id"], "text": d["text"]} for d in docs])
    out = tmp_path / "uncertain.jsonl"
    result = runner.invoke(app, ["review", str(inputs), "--model", str(two_bundles / "old"), "--export", str(out),
                                 "--limit", "5"])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 5 and all(r["label"] is None and r["text"] for r in rows)
    distance = [(r["flag"] != "review", abs(r["military_prob"] - 0.5)) for r in rows]
    assert distance == sorted(distance)
    with pytest.raises(CorpusError, match="missing label"):
        read_corpora([out])
    for r in rows:
        r["label"] = "military" if r["military_prob"] >= 0.5 else "civilian"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert len(read_corpora([out])) == 5


def test_rehearsal_mixes_the_base_corpus_and_extra_terms_travel(two_bundles, tmp_path):
    terms = tmp_path / "extra.jsonl"
    terms.write_text(json.dumps({"taxonomy": "extra", "version": "x.1"}) + "\n" + json.dumps(
        {"id": "widget_gun", "name": "widget gun", "family": "weapons_munitions", "category": None,
         "patterns": ["widget gun"], "source": "test"}) + "\n")
    new = write_jsonl(tmp_path / "new.jsonl", make_docs(12, seed=21))
    out = tmp_path / "rehearsed"
    result = runner.invoke(app, ["train", str(new), "--base", str(two_bundles / "old"), "--terms", str(terms),
                                 "--out", str(out), "--name", "rehearsed"])
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["corpus"]["documents"] == 24 + 40  # its own documents and the base bundle's
    assert any(s.startswith("rehearsal:old") for s in manifest["corpus"]["sources"])
    assert manifest["taxonomy_version"].endswith("+x.1")
    from dualuse.model import load

    (rec,) = load(out).tag([("w", "The Army bought a widget gun.")])
    assert [m["term_id"] for m in rec["mentions"]] == ["widget_gun"]


def test_base_that_is_not_a_bundle_is_refused_before_training(tmp_path):
    new = write_jsonl(tmp_path / "new.jsonl", make_docs(12, seed=21))
    result = runner.invoke(app, ["train", str(new), "--base", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "not a model bundle" in result.stderr


def test_evaluation_reports_leakage(two_bundles, tmp_path):
    seen = write_jsonl(tmp_path / "seen.jsonl", make_docs(20, seed=1))  # the old bundle's own corpus
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["evaluate", str(seen), "--model", str(two_bundles / "old"), "--json", str(report)])
    assert result.exit_code == 0 and "LEAKAGE: 40" in result.stdout
    assert json.loads(report.read_text())["leakage"]["documents"] == 40
    # the same documents with a title joined before them (--text-field title --text-field text)
    titled = write_jsonl(tmp_path / "titled.jsonl", [{**d, "title": f"Notice {i}"} for i, d in
                                                     enumerate(make_docs(20, seed=1))])
    result = runner.invoke(app, ["evaluate", str(titled), "--model", str(two_bundles / "old"),
                                 "--text-field", "title", "--text-field", "text"])
    assert result.exit_code == 0 and "LEAKAGE: 40" in result.stdout, result.stdout
    fresh = write_jsonl(tmp_path / "fresh.jsonl", make_docs(10, seed=77))
    assert "LEAKAGE" not in runner.invoke(app, ["evaluate", str(fresh), "--model", str(two_bundles / "old")]).stdout


def test_text_keys_match_a_document_with_and_without_its_title():
    from dualuse.corpora.labelled import text_keys

    body = "The Navy will test a laser weapon on a destroyer next year, the programme office said."
    assert text_keys(body) <= text_keys("Laser test\n\n" + body)  # title joined: its body still matches
    assert text_keys("Laser test\n\n" + body) != text_keys(body)
    long_first = " ".join(["word"] * 40)  # a first block too long for a title is not dropped
    assert text_keys(long_first + "\n\n" + body) == {next(iter(text_keys(long_first + "\n\n" + body)))}


def test_corpus_weights_reach_the_documents(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", make_docs(3, seed=1))
    b = write_jsonl(tmp_path / "b.jsonl", make_docs(3, seed=2))
    docs = read_corpora([a, b], weights={str(b): 2.5})
    assert [d.weight for d in docs] == [1.0] * 6 + [2.5] * 6
    bad = runner.invoke(app, ["train", str(a), "--weight", "oops", "--out", str(tmp_path / "x"), "--no-base"])
    assert bad.exit_code == 2 and "--weight" in bad.stderr


def test_a_weight_names_its_corpus_by_any_path_and_bad_weights_are_refused(tmp_path, monkeypatch):
    a = write_jsonl(tmp_path / "a.jsonl", make_docs(3, seed=1))
    b = write_jsonl(tmp_path / "b.jsonl", make_docs(3, seed=2))
    monkeypatch.chdir(tmp_path)
    # the corpus given one way, its weight another: still the same file
    docs = read_corpora(["b.jsonl", a], weights={"./b.jsonl": 2.0})
    assert [d.weight for d in docs] == [2.0] * 6 + [1.0] * 6
    docs = read_corpora([b], weights={str(tmp_path / "sub" / ".." / "b.jsonl"): 3.0})
    assert {d.weight for d in docs} == {3.0}
    with pytest.raises(CorpusError, match="c.jsonl is not one of the corpora given"):
        read_corpora([a, b], weights={"c.jsonl": 2.0})
    for value in (0, -1, float("nan"), float("inf")):
        with pytest.raises(CorpusError, match="positive number"):
            read_corpora([a], weights={str(a): value})
    out = tmp_path / "out"
    for args in (["--weight", "typo.jsonl=2"], ["--weight", f"{a}=0"]):
        result = runner.invoke(app, ["train", str(a), str(b), "--no-base", "--out", str(out), *args])
        assert result.exit_code == 2, result.output
        assert "--weight" in result.stderr and not out.exists()


def test_cache_that_is_a_file_is_refused_before_any_work(tmp_path, monkeypatch):
    from dualuse.training import prepare as stage

    corpus = write_jsonl(tmp_path / "c.jsonl", make_docs(12, seed=30))
    cache = tmp_path / "notes.txt"
    cache.write_text("my notes")
    calls = []
    monkeypatch.setattr(stage, "prepare", lambda *a, **k: calls.append(1))
    result = runner.invoke(app, ["train", str(corpus), "--no-base", "--cache", str(cache),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "a file, not a folder" in result.stderr
    assert calls == [] and cache.read_text() == "my notes" and not (tmp_path / "out").exists()


def test_training_cache_skips_the_spacy_pass_the_second_time(tmp_path, monkeypatch):
    from dualuse.training import prepare as stage

    corpus = write_jsonl(tmp_path / "c.jsonl", make_docs(12, seed=30))
    cache = tmp_path / "cache"
    args = ["train", str(corpus), "--no-base", "--cache", str(cache)]
    assert runner.invoke(app, args + ["--out", str(tmp_path / "a")]).exit_code == 0
    assert len(list(cache.glob("prepared-*.joblib"))) == 1
    calls = []
    monkeypatch.setattr(stage, "prepare", lambda *a, **k: calls.append(1))
    assert runner.invoke(app, args + ["--out", str(tmp_path / "b")]).exit_code == 0
    assert calls == []  # read from the cache
    first = json.loads((tmp_path / "a" / "manifest.json").read_text())["metrics"]["overall"]
    second = json.loads((tmp_path / "b" / "manifest.json").read_text())["metrics"]["overall"]
    assert first == second


def test_evaluate_streams_and_takes_a_single_class(two_bundles, tmp_path):
    from dualuse.training.train import evaluate

    only_military = write_jsonl(tmp_path / "m.jsonl", [r for r in make_docs(10, seed=60) if r["label"] == "military"])
    report = evaluate([only_military], two_bundles / "old")
    assert report["overall"]["n"] == 10 and report["overall"]["military"] == 10
    assert report["overall"]["roc_auc"] is None and report["overall"]["recall"] > 0.5
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(CorpusError, match="empty"):
        evaluate([empty], two_bundles / "old")


def test_weights_for_hub_datasets_conflicting_or_out_of_range_weights(tmp_path, monkeypatch):
    from dualuse.corpora.labelled import corpus_weights

    a = write_jsonl(tmp_path / "a.jsonl", make_docs(3, seed=1))
    assert corpus_weights([a], [("org/data", "train")], [("org/data", 2)]) == ([1.0], [2.0])
    assert corpus_weights([a], [], [(str(a), 2), (str(a), 2.0)]) == ([2.0], [])  # the same twice: fine
    with pytest.raises(CorpusError, match="already has weight 2"):
        corpus_weights([a], [], [(str(a), 2), (f"{tmp_path}/./a.jsonl", 5)])
    for value in (1e300, 1e4, 1e-4):
        with pytest.raises(CorpusError, match="between 0.001 and 1000"):
            corpus_weights([a], [], {str(a): value})
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    out = tmp_path / "out"
    for args in (["--weight", f"{a}=2", "--hf-dataset", "someone/not-a-real-dataset"],
                 ["--weight", f"{a}=2", "--weight", f"{a}=3"], ["--base-weight", "5000"]):
        result = runner.invoke(app, ["train", str(a), "--out", str(out), *args])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert not out.exists()


def test_label_map_with_a_key_given_twice_or_empty_is_refused(tmp_path):
    for value in ("dod=military,dod=civilian", "=military"):
        with pytest.raises(CorpusError, match="mapped to both|is empty"):
            parse_label_map(value)
    twice = tmp_path / "twice.json"
    twice.write_text('{"dod": "military", "dod": "civilian"}')
    with pytest.raises(CorpusError, match="'dod' is mapped to both military and civilian"):
        parse_label_map(str(twice))
    assert parse_label_map("dod=military,DoD=Military") == {"dod": "military"}


def test_cache_inside_out_or_a_broken_link_is_refused_and_a_failed_run_leaves_no_cache(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", make_docs(12, seed=30))
    out = tmp_path / "o"
    for cache in (out / "cache", out):
        result = runner.invoke(app, ["train", str(corpus), "--no-base", "--cache", str(cache), "--out", str(out)])
        assert result.exit_code == 2 and "inside --out" in result.stderr and not out.exists()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "gone")
    result = runner.invoke(app, ["train", str(corpus), "--no-base", "--cache", str(link), "--out", str(out)])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    cache = tmp_path / "new-cache"
    result = runner.invoke(app, ["train", str(tmp_path / "missing.jsonl"), "--no-base", "--cache", str(cache),
                                 "--out", str(out)])
    assert result.exit_code == 2 and not cache.exists()
