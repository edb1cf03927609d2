from __future__ import annotations

import json
import shutil

import pytest
import spacy
from typer.testing import CliRunner

from corpus_factory import make_docs, write_jsonl
from dualuse.cli.main import app
from dualuse.corpora.labelled import CorpusError, read_corpora, read_labelled
from dualuse.model import load
from dualuse.model.bundle import MANIFEST, BundleError, BundleVersionWarning, verify_bundle
from dualuse.training.train import train

runner = CliRunner()


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "train.jsonl", make_docs(30))


@pytest.fixture(scope="session")
def bundle(corpus_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("bundles") / "b"
    train([corpus_file], out, name="test-bundle", version="9.9.9")
    return out


def test_end_to_end_train_then_tag(bundle):
    tagger = load(bundle)
    mil, civ = list(tagger.tag([
        ("m", "The Navy program office requests UAVs for shipboard combat systems and the warfighter."),
        ("c", "Hospitals use AI to improve patient diagnosis and clinical outcomes; farmers adopted drones to "
              "monitor crops and soil moisture."),
    ]))
    assert mil["model"] == "test-bundle 9.9.9"
    assert mil["military_prob"] > 0.5 > civ["military_prob"]
    assert mil["flag"] == "military" and civ["flag"] == "civilian"
    assert all(0.0 <= m["military_prob"] <= 1.0 for m in mil["mentions"] + civ["mentions"])
    assert mil["evidence"] and mil["evidence"][0]["cues"]
    assert {"start", "end", "military_prob", "cues"} <= set(mil["evidence"][0])


def test_document_without_mentions_still_gets_a_score(bundle):
    (rec,) = load(bundle).tag([("x", "Costs fell over the year and the report was published in March.")])
    assert rec["mentions"] == [] and 0.0 <= rec["military_prob"] <= 1.0 and rec["flag"] in ("military", "civilian", "review")


def test_manifest_records_what_a_reviewer_needs(bundle, corpus_file):
    manifest = json.loads((bundle / MANIFEST).read_text())
    assert manifest["name"] == "test-bundle" and manifest["taxonomy_version"]
    assert set(manifest["versions"]) >= {"python", "spacy", "scikit-learn", "skops"}
    assert manifest["corpus"]["documents"] == 60 and len(manifest["corpus"]["sha256"]) == 64
    assert "dualuse_classifier/classifier.skops" in manifest["files"]
    th = manifest["thresholds"]
    assert 0 <= th["civilian"] <= th["military"] <= 1
    for key in ("roc_auc", "brier", "ece", "f1"):
        assert key in manifest["metrics"]["overall"]


def test_bundle_strings_do_not_depend_on_the_corpus(bundle, corpus_file):
    """The saved pipeline has read nothing: its strings are a fresh pipeline's, none of the corpus's."""
    from dualuse.model.pipeline import build_pipeline

    saved = set(json.loads((bundle / "vocab" / "strings.json").read_text()))
    fresh = set(build_pipeline().vocab.strings)
    corpus_words = {w.strip(".,") for line in corpus_file.read_text().splitlines()
                    for w in json.loads(line)["text"].split()}
    assert corpus_words - fresh, "the test corpus should hold words a fresh pipeline does not know"
    assert saved == fresh and not (corpus_words - fresh) & saved


def test_spacy_load_gives_probabilities_as_extensions(bundle):
    nlp = spacy.load(bundle)
    doc = nlp("The warfighter flew UAVs with synthetic aperture radar.")
    assert 0.0 <= doc._.dualuse_military_prob <= 1.0
    assert doc._.dualuse_flag in ("military", "civilian", "review")
    assert [s._.dualuse_military_prob is not None for s in doc.spans["dualuse_tech"]] == [True, True]


def test_lean_lexemes_change_no_record_and_spacy_load_keeps_full_attributes(bundle):
    from dualuse.model.bundle import load_pipeline
    from dualuse.model.tagger import Tagger

    texts = [(str(i), d["text"]) for i, d in enumerate(make_docs(12, seed=5))]
    texts.append(("odd", "Quux-9 zorbled 3.5kW frigate-mackerel, e-mail x@y.org; THE UAVs (AI)."))
    lean = load(bundle)
    full_nlp, manifest = load_pipeline(bundle)
    full = Tagger(full_nlp, name="test-bundle", version="9.9.9", manifest=manifest)
    assert len(lean.nlp.vocab.lex_attr_getters) == 3 < len(full_nlp.vocab.lex_attr_getters)
    assert list(lean.tag(texts)) == list(full.tag(texts))
    # the tagger's tokenizer is built from the saved one alone: the same settings and exceptions
    assert lean.nlp.tokenizer.to_bytes(exclude=["vocab"]) == full_nlp.tokenizer.to_bytes(exclude=["vocab"])
    assert len(lean.nlp.tokenizer.rules) > 1000
    assert lean.nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "dualuse.saved_tokenizer.v1"
    assert full_nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "spacy.Tokenizer.v1"


def test_a_bundle_with_its_own_tokenizer_keeps_it(bundle, tmp_path):
    """Only spaCy's own tokenizer is rebuilt from the saved file alone; a bundle whose config
    names another tokenizer is loaded with that one, by the tagger too."""
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc
    from spacy.util import registry

    from dualuse.model.bundle import write_manifest

    class Whitespace(Tokenizer):
        def __call__(self, text):
            return Doc(self.vocab, words=text.split())

    @registry.tokenizers("test.whitespace_tokenizer.v1")
    def make():
        return lambda nlp: Whitespace(nlp.vocab)

    b = copy_bundle(bundle, tmp_path)
    config = b / "config.cfg"
    config.write_text(config.read_text().replace('"spacy.Tokenizer.v1"', '"test.whitespace_tokenizer.v1"'))
    manifest = json.loads((b / MANIFEST).read_text())
    (b / MANIFEST).unlink()
    write_manifest(b, {k: v for k, v in manifest.items() if k not in ("files", "versions", "format")})
    words = [t.text for t in load(b).nlp.tokenizer("U.S.-made drones, (MQ-9) radar.")]
    assert words == ["U.S.-made", "drones,", "(MQ-9)", "radar."]
    # a user's spacy.load keeps spaCy's lexical attributes
    token = spacy.load(bundle)("Zorblewidget")[0]
    assert token.shape_ == "Xxxxx" and not token.is_stop and token.is_alpha


def test_multiprocess_pipe_gives_identical_scores(bundle):
    texts = [d["text"] for d in make_docs(10, seed=3)]
    nlp = spacy.load(bundle)

    def scores(docs):
        return [(d._.dualuse_military_prob, d._.dualuse_flag, d._.dualuse_evidence, d._.dualuse_drivers,
                 [s._.dualuse_military_prob for s in d.spans["dualuse_tech"]]) for d in docs]

    assert scores(nlp.pipe(texts, n_process=1)) == scores(nlp.pipe(texts, n_process=2, batch_size=4))


def copy_bundle(bundle, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(bundle, target)
    return target


def test_tampered_bundle_is_refused_naming_the_file(bundle, tmp_path):
    b = copy_bundle(bundle, tmp_path)
    with open(b / "dualuse_tech" / "terms.jsonl", "a") as fh:
        fh.write("\n")
    with pytest.raises(BundleError, match="dualuse_tech/terms.jsonl"):
        load(b)


def test_tampered_classifier_is_refused_even_through_spacy_load(bundle, tmp_path):
    b = copy_bundle(bundle, tmp_path)
    (b / "dualuse_classifier" / "classifier.skops").write_bytes(b"not a model")
    with pytest.raises(BundleError, match="classifier.skops"):
        spacy.load(b)


def test_incomplete_and_padded_bundles_are_refused(bundle, tmp_path):
    b = copy_bundle(bundle, tmp_path)
    (b / "dualuse_classifier" / "cfg.json").unlink()
    with pytest.raises(BundleError, match="cfg.json is missing"):
        load(b)
    b2 = copy_bundle(bundle, tmp_path / "2")
    (b2 / "extra.pkl").write_bytes(b"x")
    with pytest.raises(BundleError, match="extra.pkl"):
        load(b2)
    with pytest.raises(BundleError, match="not a model bundle"):
        load(tmp_path)


def test_untrusted_types_are_refused_even_with_a_matching_hash(bundle, tmp_path):
    import skops.io as sio
    from sklearn.tree import DecisionTreeClassifier

    from dualuse.model.bundle import write_manifest

    b = copy_bundle(bundle, tmp_path)
    # skops itself would trust any scikit-learn estimator; the bundle's allow-list does not.
    (b / "dualuse_classifier" / "classifier.skops").write_bytes(sio.dumps({"document": DecisionTreeClassifier()}))
    manifest = json.loads((b / MANIFEST).read_text())
    write_manifest(b, {k: v for k, v in manifest.items() if k not in ("files", "versions", "format")})
    tagger = load(b)  # scoring reads the numeric export; the skops file is checked when it is opened
    with pytest.raises(Exception, match="not trusted"):
        tagger.classifier.sklearn_models()


def test_numeric_scoring_matches_the_sklearn_pipelines(bundle):
    import numpy as np

    from dualuse.model.features import DocArrays, build_rows
    from dualuse.model.linear import LinearScorer

    tagger = load(bundle)
    clf = tagger.classifier
    models = clf.sklearn_models()
    with tagger.nlp.select_pipes(disable=["dualuse_classifier"]):
        docs = list(tagger.nlp.pipe(d["text"] for d in make_docs(8, seed=11)))
    rows = build_rows([DocArrays.of(d) for d in docs])
    for name, keyrows in (("document", rows.documents), ("context", rows.contexts)):
        scorer = clf.scorers[name]
        counts = scorer.vocabulary.transform(keyrows)
        pipeline = models[name]["pipeline"]
        expected = pipeline.predict_proba(counts)[:, list(pipeline.classes_).index("military")]
        assert np.allclose(scorer.military_probs(scorer.weighted(counts)), expected, atol=1e-6)
        # scoring's own numpy counts (what tagging uses) give the same
        assert np.allclose(scorer.military_probs(scorer.weighted(scorer.vocabulary.counts(keyrows))), expected,
                           atol=1e-6)
        assert isinstance(LinearScorer.from_sklearn(models[name]), LinearScorer)


def test_tagging_imports_neither_scipy_nor_sklearn_nor_spacys_cli(bundle):
    import subprocess
    import sys

    code = (f"import sys; from dualuse.model import load; t = load({str(bundle)!r}); "
            "r = list(t.tag(['The Navy fields UAVs with radar.', 'No technology here.'])); "
            "assert r[0]['mentions'] and 'military_prob' in r[1], r; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'sklearn', 'skops', 'weasel'}), "
            "sorted(m for m in sys.modules if m.startswith('spacy.cli')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] []"


def test_spacys_cli_is_real_after_tagging(bundle):
    """The stand-in for spacy.cli lives only while spaCy is imported: spacy.info works and a
    later ``import spacy.cli`` gives spaCy's own commands."""
    import subprocess
    import sys

    code = (f"from dualuse.model import load; load({str(bundle)!r}); import spacy; "
            "assert 'spaCy version:**' in spacy.info(markdown=True); "
            "assert callable(spacy.cli.download); "
            "import spacy.cli; from spacy.cli import download, setup_cli; print(callable(download) and callable(setup_cli))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"


def test_version_mismatch_warns(bundle, tmp_path):
    b = copy_bundle(bundle, tmp_path)
    manifest = json.loads((b / MANIFEST).read_text())
    manifest["versions"]["scikit-learn"] = "0.0.1"
    (b / MANIFEST).write_text(json.dumps(manifest))
    with pytest.warns(BundleVersionWarning, match="scikit-learn 0.0.1"):
        verify_bundle(b)


@pytest.mark.parametrize("row, message", [
    ({"id": "x", "text": "radar", "label": None}, "train.jsonl:3: missing label"),
    ({"id": "x", "text": "radar", "label": "secret"}, "train.jsonl:3: unknown label 'secret'"),
    ({"id": "x", "text": "  ", "label": "military"}, "train.jsonl:3: empty text"),
    ({"id": "x", "body": "radar", "label": "military"}, "train.jsonl:3: no field 'text'"),
])
def test_bad_corpus_rows_name_the_line(tmp_path, row, message):
    rows = make_docs(1)[:2] + [row]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    with pytest.raises(CorpusError, match=message):
        read_corpora([path])


def test_single_class_corpus_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [d for d in make_docs(10) if d["label"] == "military"])
    with pytest.raises(CorpusError, match="single class"):
        read_corpora([path])


def test_train_cli_errors_write_nothing_and_keep_existing_out(tmp_path, corpus_file):
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": 1, "text": "radar", "label": "maybe"}])
    out = tmp_path / "out"
    result = runner.invoke(app, ["train", str(bad), "--out", str(out), "--no-base"])
    assert result.exit_code == 2 and "bad.jsonl:1: unknown label 'maybe'" in result.stderr
    assert not out.exists()
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["train", str(corpus_file), "--out", str(out), "--no-base"])
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (out / "keep.txt").read_text() == "mine"


def test_csv_corpus_with_field_mapping_and_evaluate_json(tmp_path, bundle):
    import csv

    path = tmp_path / "c.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["doc", "body", "cls"])
        for d in make_docs(12, seed=5):
            w.writerow([d["id"], d["text"], d["label"]])
    report_path = tmp_path / "r.json"
    result = runner.invoke(app, ["evaluate", str(path), "--model", str(bundle), "--text-field", "body",
                                 "--label-field", "cls", "--id-field", "doc", "--json", str(report_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text())
    assert report["overall"]["n"] == 24 and report["overall"]["roc_auc"] > 0.9
    assert report["confusion"]["matrix"][0][0] + report["confusion"]["matrix"][0][1] == 12
    assert "ROC AUC" in result.stdout and "family" in result.stdout


def test_cli_tag_with_model_and_stdin(bundle):
    result = runner.invoke(app, ["tag", "-", "--model", str(bundle)],
                           input="The Navy program office requests radar for shipboard combat systems and the warfighter.")
    assert result.exit_code == 0
    rec = json.loads(result.stdout)
    assert rec["flag"] == "military" and rec["mentions"][0]["text"] == "radar"


def test_hf_dataset_from_local_files(tmp_path, bundle):
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_list(make_docs(12, seed=7))
    ds.save_to_disk(str(tmp_path / "ds"))
    docs = read_corpora([tmp_path / "ds"])
    assert len(docs) == 24 and {d.label for d in docs} == {"military", "civilian"}


def test_parquet_corpus_is_read_where_it_lies(tmp_path, monkeypatch):
    """A Parquet corpus is read row group by row group with pyarrow, not copied into the
    Hugging Face cache under the user's home; a broken file is a clear error."""
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    rows = make_docs(12, seed=7)
    path = tmp_path / "c.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=5)
    hf_cache = tmp_path / "hf-cache"
    monkeypatch.setenv("HF_DATASETS_CACHE", str(hf_cache))
    docs = read_corpora([path])
    assert [d.text for d in docs] == [r["text"] for r in rows]
    assert docs[7].id == rows[7]["id"] and docs[7].source == f"{path}:8"
    assert not hf_cache.exists()
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(CorpusError, match="broken.parquet: not a readable Parquet file"):
        read_corpora([broken])


def test_parquet_folders_odd_columns_float_labels_and_non_text(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    from dualuse.corpora.labelled import parse_label_map

    rows = make_docs(6, seed=5)
    folder = tmp_path / "ds.parquet"  # what Spark and pandas write: a folder of parts
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(rows[:5]), folder / "part-0.parquet")
    pq.write_table(pa.Table.from_pylist(rows[5:]), folder / "part-1.parquet")
    docs = read_corpora([folder])
    assert [d.text for d in docs] == [r["text"] for r in rows] and docs[5].source == f"{folder / 'part-1.parquet'}:1"
    # a column the corpus does not need, holding dates Python cannot hold, and labels written as 1.0 / 0.0
    late = pa.array([253402300800 + 86400] * len(rows), pa.int64()).cast(pa.timestamp("s"))
    table = pa.table({"text": [r["text"] for r in rows], "label": [float(r["label"] == "military") for r in rows],
                      "when": late})
    pq.write_table(table, tmp_path / "odd.parquet")
    docs = read_corpora([tmp_path / "odd.parquet"], label_map=parse_label_map("1=military,0=civilian"))
    assert [d.label for d in docs] == [r["label"] for r in rows]
    pq.write_table(pa.table({"text": [b"bytes"], "label": ["military"]}), tmp_path / "bin.parquet")
    with pytest.raises(CorpusError, match=r"bin.parquet:1: field 'text' holds bytes, not text"):
        read_corpora([tmp_path / "bin.parquet"])


def test_a_number_too_long_for_python_is_a_corpus_error(tmp_path):
    for name, text in (("big.json", '[{"id": %s, "text": "radar", "label": "military"}]' % ("9" * 5000)),
                       ("big.jsonl", '{"id": %s, "text": "radar", "label": "military"}\n' % ("9" * 5000))):
        (tmp_path / name).write_text(text)
        with pytest.raises(CorpusError, match="not valid JSON"):
            read_corpora([tmp_path / name])


def test_json_array_corpus(tmp_path):
    """``train`` reads a ``.json`` corpus as ``tag`` does: an array of objects (errors name the
    item), one object over several lines, or JSON Lines under a .json name."""
    rows = make_docs(6, seed=3)
    array = tmp_path / "export.json"
    array.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    docs = read_corpora([array])
    assert [d.text for d in docs] == [r["text"] for r in rows] and docs[2].source == f"{array}[2]"
    no_ids = tmp_path / "no_ids.json"
    no_ids.write_text(json.dumps([{"text": r["text"], "label": r["label"]} for r in rows]))
    assert read_corpora([no_ids])[4].id == "no_ids.json[4]"
    lines = tmp_path / "lines.json"
    lines.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert len(read_corpora([lines])) == 12
    single = tmp_path / "one.json"
    single.write_text(json.dumps(rows[0], indent=2))
    assert [d.text for d in read_labelled(single)] == [rows[0]["text"]]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(rows[:2] + [["not", "an", "object"]]))
    with pytest.raises(CorpusError, match=r"bad.json\[2\]: expected a JSON object, not list"):
        read_corpora([bad])
    unlabelled = tmp_path / "unlabelled.json"
    unlabelled.write_text(json.dumps(rows[:2] + [{"id": "x", "text": "radar"}]))
    with pytest.raises(CorpusError, match=r"unlabelled.json\[2\]: no field 'label'"):
        read_corpora([unlabelled])
    broken = tmp_path / "broken.json"
    broken.write_text('[{"text": "radar", "label": "military"},\n {"text": ')
    with pytest.raises(CorpusError, match="broken.json: not valid JSON"):
        read_corpora([broken])


def test_mentions_carry_their_control_list_as_a_feature():
    """A mention's category puts a Military List or dual-use list tag in its document and
    context rows, so that a term the corpus never named (a nerve agent in a list of chemicals)
    still counts as what its list says it is."""
    import numpy as np

    from dualuse.model.features import DUAL_USE_LIST, MILITARY_LIST, DocArrays, build_rows, control_list
    from dualuse.model.pipeline import build_pipeline

    assert control_list("ML7") == control_list("ML10c") == MILITARY_LIST
    assert control_list("6A008d") == control_list("1C350") == control_list("PL9002") == DUAL_USE_LIST
    assert control_list("PL5001") == MILITARY_LIST
    assert control_list(None) == control_list("") == control_list("MLX") == 0
    nlp = build_pipeline()
    docs = list(nlp.pipe(["Stocks of tabun were declared.", "A synthetic aperture radar survey.",
                          "A quiet meeting."]))
    rows = build_rows([DocArrays.of(d) for d in docs])

    def keys(row):
        return set(rows.documents.keys[rows.documents.indptr[row]:rows.documents.indptr[row + 1]].tolist())

    assert int(MILITARY_LIST) in keys(0) and int(DUAL_USE_LIST) not in keys(0)
    assert int(DUAL_USE_LIST) in keys(1) and int(MILITARY_LIST) not in keys(1)
    assert not keys(2) & {int(MILITARY_LIST), int(DUAL_USE_LIST)}
    contexts = rows.contexts.keys[rows.contexts.indptr[0]:rows.contexts.indptr[1]]
    assert rows.context_doc[0] == 0 and np.isin(np.uint64(MILITARY_LIST), contexts)


def test_training_corpus_text_can_join_a_title_and_a_body(tmp_path):
    from dualuse.corpora.labelled import CorpusError, read_labelled

    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "1", "headline": "Navy sonar award", "body": "Sonar arrays for frigates.",
                                "label": "military"}) + "\n"
                    + json.dumps({"id": "2", "headline": None, "body": "Fish-finding sonar.", "label": "civilian"}) + "\n"
                    + json.dumps({"id": "3", "body": "No headline.", "label": "civilian"}) + "\n")
    docs = read_labelled(path, text_field=("headline", "body"))
    first, second = next(docs), next(docs)
    assert first.text == "Navy sonar award\n\nSonar arrays for frigates." and second.text == "Fish-finding sonar."
    with pytest.raises(CorpusError, match=r"c.jsonl:3: no field 'headline'"):
        next(docs)


def test_label_folders_keep_their_ids_whatever_the_field_names(tmp_path):
    from dualuse.corpora.labelled import read_labelled

    for label in ("military", "civilian"):
        (tmp_path / "lf" / label).mkdir(parents=True)
        (tmp_path / "lf" / label / f"{label}1.txt").write_text(f"A {label} radar text.")
    docs = list(read_labelled(tmp_path / "lf", text_field="body", id_field="text"))
    assert sorted(d.label for d in docs) == ["civilian", "military"]
    assert all(d.id.endswith(".txt") and d.text.endswith("radar text.") for d in docs)


def test_a_training_corpus_with_json_surrogate_escapes_is_read_as_real_characters(tmp_path):
    from dualuse.corpora.labelled import read_corpora

    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "Armed drones \\ud83d\\ude00 and a lone \\udc00.", "label": "military"}\n'
                      '{"id": "b", "text": "Crop drones.", "label": "civilian"}\n')
    doc, _ = read_corpora([corpus])
    assert doc.text == "Armed drones \U0001F600 and a lone \ufffd."


def test_corpora_as_windows_and_excel_write_them_read_or_fail_naming_the_file(tmp_path):
    import csv

    rows = make_docs(3)
    with open(tmp_path / "bom.csv", "w", encoding="utf-8-sig", newline="") as fh:  # Excel's "CSV UTF-8"
        writer = csv.DictWriter(fh, ["id", "text", "label"])
        writer.writeheader()
        writer.writerows({"id": r["id"], "text": r["text"], "label": r["label"]} for r in rows)
    (tmp_path / "bom.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8-sig")
    for name in ("bom.csv", "bom.jsonl"):
        assert [d.id for d in read_corpora([tmp_path / name])] == [r["id"] for r in rows]
    (tmp_path / "cp.csv").write_bytes("id,text,label\n1,Radar caf\u00e9 for ships,military\n".encode("cp1252"))
    with pytest.raises(CorpusError, match=r"cp\.csv: not UTF-8 \(byte 0xe9"):
        read_corpora([tmp_path / "cp.csv"])


def test_a_labelled_document_longer_than_a_doc_may_be_is_refused_with_its_line(tmp_path):
    rows = make_docs(3)
    rows[2] = {**rows[2], "text": "radar " * 200_001}
    with pytest.raises(CorpusError, match=r"long\.jsonl:3: a text of 1,200,006 characters"):
        read_corpora([write_jsonl(tmp_path / "long.jsonl", rows)])


def test_label_folders_skip_hidden_files_and_folders(tmp_path):
    for label in ("military", "civilian"):
        (tmp_path / "c" / label / ".git").mkdir(parents=True)
        (tmp_path / "c" / label / "a.txt").write_text(f"A {label} document about radar.")
        (tmp_path / "c" / label / ".DS_Store").write_bytes(b"\x00\x01\x02")
        (tmp_path / "c" / label / ".git" / "HEAD").write_text("ref: refs/heads/main")
    (tmp_path / "c" / ".ipynb_checkpoints").mkdir()
    docs = read_corpora([tmp_path / "c"])
    assert sorted(d.label for d in docs) == ["civilian", "military"]


def test_out_is_never_a_folder_of_other_files_or_an_input_even_with_force(tmp_path):
    from dualuse.model.bundle import check_out

    (tmp_path / "in").mkdir()
    corpus = write_jsonl(tmp_path / "in" / "c.jsonl", make_docs(3))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not a bundle"):
        check_out(notes, force=True)
    for out, given in ((tmp_path / "in", corpus), (tmp_path, corpus), (corpus, corpus),
                       (tmp_path / "in" / "sub", tmp_path / "in")):  # holds it, is it, lies inside it
        with pytest.raises(FileExistsError, match="input"):
            check_out(out, force=True, inputs=[given])
    (tmp_path / "empty").mkdir()
    assert check_out(tmp_path / "empty", force=True, inputs=[corpus]) == tmp_path / "empty"
    result = runner.invoke(app, ["train", str(corpus), "--no-base", "--out", str(notes), "--force"])
    assert result.exit_code == 2 and "not a bundle" in result.stderr
    assert (notes / "n.txt").read_text() == "keep me"


def test_a_report_path_is_checked_before_training(tmp_path, corpus_file):
    (tmp_path / "adir").mkdir()
    result = runner.invoke(app, ["train", str(corpus_file), "--no-base", "--out", str(tmp_path / "b"),
                                 "--json", str(tmp_path / "adir")])
    assert result.exit_code == 2 and "is a folder" in result.stderr and not (tmp_path / "b").exists()


def test_copies_of_a_text_stay_on_one_side_of_the_held_out_split_and_are_reported(tmp_path):
    rows = make_docs(12)
    copies = [{**r, "id": f"{r['id']}-{k}"} for r in rows for k in range(3)]
    copies.append({**rows[0], "id": "conflict", "label": "civilian" if rows[0]["label"] == "military" else "military"})
    corpus = write_jsonl(tmp_path / "dup.jsonl", copies)
    trained = train([corpus], tmp_path / "b", rehearse=False)
    report = trained["report"]
    assert report["duplicates"]["repeated_documents"] == len(copies) - len(rows)
    assert report["duplicates"]["texts_with_both_labels"] == 1
    assert "conflict" in report["duplicates"]["ids_with_both_labels"][0]
    held = report["split"]["held_out"]
    assert held and (held % 3 == 0 or (held - 1) % 3 == 0)  # whole groups (the first text has 4 copies)
    result = runner.invoke(app, ["train", str(corpus), "--no-base", "--out", str(tmp_path / "b2")])
    assert result.exit_code == 0
    assert f"DUPLICATES: {len(copies) - len(rows)} documents repeat another's text" in result.stderr


def test_a_corpus_too_small_for_its_held_out_part_is_refused_before_any_work(tmp_path):
    corpus = write_jsonl(tmp_path / "tiny.jsonl", make_docs(10))
    result = runner.invoke(app, ["train", str(corpus), "--no-base", "--out", str(tmp_path / "b"), "--held-out", "0.1"])
    assert result.exit_code == 2
    assert "would hold 1.0 civilian documents, fewer than the 2" in result.stderr and not (tmp_path / "b").exists()


def test_labels_are_read_whatever_their_case(tmp_path):
    rows = make_docs(2)
    rows[0] = {**rows[0], "label": rows[0]["label"].capitalize()}
    rows[1] = {**rows[1], "label": rows[1]["label"].upper() + " "}
    assert [d.label for d in read_corpora([write_jsonl(tmp_path / "c.jsonl", rows)])] == [r["label"].strip().lower()
                                                                                          for r in rows]
    rows[2] = {**rows[2], "label": "Mil"}
    with pytest.raises(CorpusError, match="c2.jsonl:3: unknown label 'Mil'"):
        read_corpora([write_jsonl(tmp_path / "c2.jsonl", rows)])


def test_refit_fits_the_shipped_models_on_every_document_and_keeps_the_split_figures(bundle, corpus_file, tmp_path):
    refitted = train([corpus_file], tmp_path / "r", name="test-bundle", version="9.9.9", refit=True)
    plain = json.loads((bundle / MANIFEST).read_text())["metrics"]
    report = refitted["report"]
    assert report["refit"] == {"documents": 60}
    assert report["overall"] == plain["overall"] and report["split"] == plain["split"]
    card = (tmp_path / "r" / "model_card.md").read_text()
    assert "fitted again, with the same settings, on all 60 (`--refit`)" in card
    text = [("x", "The program office funds radar and UAV work for the warfighter and for weather services.")]
    (a,), (b,) = list(load(bundle).tag(text)), list(load(tmp_path / "r").tag(text))
    assert a["military_prob"] != b["military_prob"]  # twelve more documents behind the models
    result = runner.invoke(app, ["train", str(corpus_file), "--no-base", "--refit", "--out", str(tmp_path / "c")])
    assert result.exit_code == 0 and "REFIT: the bundle's models were fitted again on all 60 documents" in result.stderr


def test_refit_out_of_core_is_refused_before_any_work(corpus_file, tmp_path):
    with pytest.raises(CorpusError, match="in memory only"):
        train([corpus_file], tmp_path / "b", refit=True, out_of_core=True)
    assert not (tmp_path / "b").exists()


def test_training_rows_read_words_broken_at_a_line_end():
    """The classifier's words mend a word broken after its hyphen; training (no vocabulary to ask)
    keeps the halves, the first without its hyphen, and every word it keeps has a name."""
    from spacy.strings import get_string_id

    from dualuse.training.prepare import rows_of

    rows = rows_of(["We study ra-\ndar and the mi-\nssile; short-\nor long-range; Zyxw-\nor."], load().nlp)
    assert {"ra", "dar", "mi", "ssile"} <= set(rows.names.values())
    assert get_string_id("ra-") not in rows.names  # "Zyxw-" before "or" is a held-over hyphen: kept
