"""The `dualuse` command line. Each command is a thin wrapper over a function that returns data.

Data goes to stdout, messages to stderr. Exit codes: 0 ok, 1 some input failed, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from dualuse.corpora.readers import CONVERSION_SECONDS

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Find dual-use technologies in documents and score their military context.")

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE = 0, 1, 2


def fail_usage(message: str) -> None:
    typer.echo(f"dualuse: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


EXIT_FAIL_ON = 3
TAG_TEXT_HELP = ("Field holding the text in JSON, JSONL and CSV inputs; repeat it to join several in that order, "
                 "e.g. --text-field title --text-field text (offsets then count in the joined text).")


def _thresholds(value: Optional[str]) -> Optional[tuple]:
    if value is None:
        return None
    try:
        parts = [float(x) for x in value.split(",")]
    except ValueError:
        fail_usage(f"--threshold takes one probability or two (civilian,military), not {value!r}")
    if len(parts) == 1:
        parts = parts * 2
    civilian, military = sorted(parts)
    if len(parts) != 2 or not 0.0 <= civilian <= military <= 1.0:
        fail_usage(f"--threshold takes one probability or two (civilian,military) between 0 and 1, not {value!r}")
    return military, civilian


@app.command()
def tag(
    inputs: List[str] = typer.Argument(..., help="Files, folders (walked recursively), glob patterns, or - for stdin."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Model bundle (default: the shipped one)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write records to FILE (atomically) instead of stdout."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                      help="jsonl (one record per line), csv (one row per mention) or table. "
                                           "Default: table on a terminal, jsonl otherwise, csv for --output *.csv."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run into the same --output."),
    force: bool = typer.Option(False, "--force", help="Replace an existing --output or --html file."),
    html_report: Optional[Path] = typer.Option(None, "--html", help="Also write an HTML report with highlighted mentions."),
    include: List[str] = typer.Option([], "--include", help="Only files matching this pattern (folders and globs); repeatable."),
    exclude: List[str] = typer.Option([], "--exclude", help="Skip files matching this pattern (folders and globs); repeatable."),
    lines: bool = typer.Option(False, "--lines", help="stdin: one document per line."),
    jsonl: bool = typer.Option(False, "--jsonl", help="stdin: one JSON object per line."),
    text_field: List[str] = typer.Option(["text"], "--text-field", help=TAG_TEXT_HELP),
    id_field: str = typer.Option("id", "--id-field", help="Field holding the document id in JSON, JSONL and CSV inputs."),
    threshold: Optional[str] = typer.Option(None, "--threshold",
                                            help="Override the bundle's flag thresholds: P (no review band) or "
                                                 "CIVILIAN,MILITARY (e.g. 0.3,0.8)."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="'military': exit 3 when any document is flagged military."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Run on a Dask cluster: tcp://HOST:PORT, or local:N for N local "
                                                 "worker processes (needs dualuse[dask])."),
    batch_size: int = typer.Option(256, min=1, help="Documents per batch."),
    timeout: float = typer.Option(CONVERSION_SECONDS, "--timeout", min=0,
                                  help="Seconds a PDF, Office, RTF, HTML or e-mail file may take to convert before it gets an "
                                       "error record instead (0: no limit)."),
) -> None:
    """Tag documents: one record per document (JSONL, CSV or a table).

    Exit 0 when every input was tagged, 1 when some failed (each still has a record with its
    error), 2 for usage errors, 3 with --fail-on military when a document is flagged military
    (and none failed).
    """
    from dualuse.corpora.readers import ReadOptions
    from dualuse.model.bundle import BundleError

    from .distributed import DistributedError
    from .output import FORMATS, OutputError, OutputTarget, default_format, make_writer
    from .tagging import ResumeMismatch, run_tag, tag_inputs

    if inputs.count("-") > 1:
        fail_usage("'-' (stdin) can be given only once")
    if lines and jsonl:
        fail_usage("--lines and --jsonl are two ways of reading stdin: choose one")
    if fail_on not in (None, "military"):
        fail_usage("--fail-on takes 'military'")
    fmt = fmt or default_format(output)
    if fmt not in FORMATS:
        fail_usage(f"--format is one of {', '.join(FORMATS)}")
    streaming = "-" in inputs and (lines or jsonl)
    options = ReadOptions(text_field=_text_field(text_field), id_field=id_field,
                          stdin_mode="lines" if lines else "jsonl" if jsonl else "whole",
                          include=tuple(include), exclude=tuple(exclude), timeout=timeout or None)
    if scheduler is not None:
        if html_report is not None:
            fail_usage("--html is not available with --scheduler")
        if output is not None and resume and output.exists():
            fail_usage(f"{output} is already complete; there is nothing to resume")
    try:
        # With a cluster, finished shards are kept beside the output and are what --resume reads.
        target = (OutputTarget(output, fmt, force=force or resume) if scheduler is not None
                  else OutputTarget(output, fmt, force=force, resume=resume))
    except OutputError as exc:
        fail_usage(str(exc))
    report = None
    try:
        if html_report is not None:
            from .report import HtmlReport

            report = HtmlReport(html_report, force=force)
        # A stream is tagged as it arrives: a batch holds what has arrived (tag_inputs), and
        # each record is flushed.
        if scheduler is not None:
            from .distributed import run_distributed

            records = run_distributed(inputs, scheduler=scheduler, output=output, model=model, options=options,
                                      thresholds=_thresholds(threshold), batch_size=batch_size, force=force,
                                      resume=resume)
        else:
            records = tag_inputs(inputs, model=model, options=options, jobs=jobs,
                                 batch_size=batch_size, thresholds=_thresholds(threshold),
                                 done_ids=target.done_ids, with_text=report is not None, encode=fmt == "jsonl")
        writer = make_writer(fmt, target.fh, colour=target.fh.isatty(), header=target.header)
        summary = run_tag(records, writer, target=target, report=report, progress=sys.stderr.isatty(),
                          flush_each=output is None or streaming)
    except (BundleError, FileExistsError, ResumeMismatch, DistributedError) as exc:
        target.abandon()
        fail_usage(str(exc))
    except KeyboardInterrupt:
        typer.echo("dualuse: interrupted" + (f"; --resume continues into {output}" if output else ""), err=True)
        raise typer.Exit(130)
    if target.done_ids:
        typer.echo(f"dualuse: resumed after {len(target.done_ids)} records already in {output} "
                   f"({target.done_failed} failed, {target.done_flags['military']} military)", err=True)
    typer.echo(summary.line(), err=True)
    # The exit code speaks for the whole output, the records of the interrupted run included.
    if summary.failed or target.done_failed:
        raise typer.Exit(EXIT_INPUT_FAILED)
    if fail_on == "military" and (summary.flags["military"] or target.done_flags["military"]):
        raise typer.Exit(EXIT_FAIL_ON)
    raise typer.Exit(EXIT_OK)


@app.command()
def terms(
    query: Optional[str] = typer.Argument(None, help="Text to look for in names, patterns, families and categories."),
    family: Optional[str] = typer.Option(None, help="Only this family."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per term instead of a table."),
) -> None:
    """List or search the technology taxonomy."""
    from dualuse.model.taxonomy import FAMILIES

    from .terms import find_terms

    if family is not None and family not in FAMILIES:
        fail_usage(f"unknown family {family!r}; one of: {', '.join(FAMILIES)}")
    rows = find_terms(query, family=family)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    for row in rows:
        near = [f"{p} (near {', '.join(row['context'])})" for p in row.get("context_patterns", [])]
        typer.echo(f"{row['name']}\t{row['family']}\t{row['category'] or '-'}\t{', '.join(row['patterns'] + near)}")
    typer.echo(f"{len(rows)} terms", err=True)


def _text_field(names: List[str]):
    """One --text-field as its name; several as a tuple, joined in that order."""
    if not names or not all(names):
        fail_usage("--text-field needs a field name")
    return names[0] if len(names) == 1 else tuple(names)


def _fields(text_field: List[str], label_field: str, id_field: str, label_map: Optional[str] = None) -> dict:
    from dualuse.corpora.labelled import parse_label_map

    return {"text_field": _text_field(text_field), "label_field": label_field, "id_field": id_field,
            "label_map": parse_label_map(label_map)}


def _hub(names: List[str], split: str) -> tuple:
    return tuple((name, split) for name in names)


TEXT_FIELD = typer.Option(["text"], "--text-field",
                          help="Field (column) holding the text; repeat it to join several, e.g. a title and a body.")
LABEL_FIELD = typer.Option("label", "--label-field", help="Field holding the label (military/civilian).")
ID_FIELD = typer.Option("id", "--id-field", help="Field holding the document id.")
LABEL_MAP = typer.Option(None, "--label-map", help="Map other label values: 'dod=military,nih=civilian' or a JSON file.")
HF_DATASET = typer.Option([], "--hf-dataset", help="A dataset on the Hugging Face hub (needs network); repeatable.")
SPLIT = typer.Option("train", "--split", help="Split of --hf-dataset.")
CORPUS = typer.Argument(None, help="Labelled corpora: .jsonl, .json (an array), .csv, .parquet, a saved HF "
                                   "dataset folder, "
                                   "or a folder with one subfolder per label (military/, civilian/).")


@app.command()
def train(
    corpus: Optional[List[Path]] = CORPUS,
    out: Path = typer.Option(..., "--out", "-o", help="Bundle directory to write."),
    text_field: List[str] = TEXT_FIELD,
    label_field: str = LABEL_FIELD,
    id_field: str = ID_FIELD,
    label_map: Optional[str] = LABEL_MAP,
    hf_dataset: List[str] = HF_DATASET,
    split: str = SPLIT,
    name: str = typer.Option("dualuse-custom", help="Bundle name recorded in the manifest and every record."),
    version: str = typer.Option("0.1.0", help="Bundle version."),
    held_out: float = typer.Option(0.2, min=0.05, max=0.5, help="Share of documents held out for thresholds and metrics."),
    seed: int = typer.Option(0, help="Random seed for the split and the learners."),
    base: Optional[Path] = typer.Option(None, "--base", help="Bundle to retrain from: its training corpus is mixed "
                                                          "back in and its taxonomy kept (default: the shipped bundle)."),
    no_base: bool = typer.Option(False, "--no-base", help="Train on the given corpora only."),
    weight: List[str] = typer.Option([], "--weight", help="CORPUS=W: each document of that corpus counts W times; "
                                                         "repeatable."),
    base_weight: Optional[float] = typer.Option(None, "--base-weight", min=0.0,
                                                help="Weight of each base-corpus document (default: the base "
                                                     "corpus weighs as much in total as the new one, at least 1)."),
    terms: Optional[Path] = typer.Option(None, "--terms", help="Extra taxonomy terms (JSONL, taxonomy format); "
                                                             "they travel in the bundle."),
    review_cost: float = typer.Option(0.25, min=0.01, max=0.99,
                                      help="Cost of sending a document to review, relative to a wrong flag; "
                                           "sets the review band on held-out data."),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Keep the spaCy pass over the corpus in this folder, "
                                                               "so that training again on it starts at the fit."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Processes for the spaCy pass over the corpus (and, in memory, for the cross-validation fits)."),
    out_of_core: Optional[bool] = typer.Option(
        None, "--out-of-core/--in-memory",
        help="Stream the corpus through chunk files on disk and SGD learners (memory stays flat) instead of "
             "fitting exact logistic regressions in memory; by default, out of core from "
             "200,000 documents."),
    refit: bool = typer.Option(False, "--refit", help="Once the thresholds are chosen, fit the models again on "
                                                     "every document, the held-out ones too (in memory only); "
                                                     "the reported figures stay those of the split."),
    force: bool = typer.Option(False, "--force", help="Replace an existing --out."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the held-out report as JSON."),
) -> None:
    """Train a bundle: fit, cross-validate, choose thresholds on held-out data, write the bundle."""
    from dualuse.corpora.labelled import CorpusError
    from dualuse.training.evaluate import format_report
    from dualuse.training.learner import LearnerError
    from dualuse.training.train import train as run_train

    from dualuse.model.bundle import BundleError
    from dualuse.model.taxonomy import TaxonomyError, read

    _refuse_existing(json_out, force)
    if not corpus and not hf_dataset:
        fail_usage("give at least one corpus (or --hf-dataset)")
    if base is not None and no_base:
        fail_usage("--base and --no-base contradict each other")
    try:
        weights = [tuple(w.rsplit("=", 1)) for w in weight]  # pairs: a corpus given twice is caught
        weights = [(k, float(v)) for k, v in weights]
    except ValueError:
        fail_usage("--weight takes CORPUS=W with a number W")
    progress = _TrainingProgress()
    try:
        extra_terms = read(terms) if terms is not None else None
        result = run_train(corpus or [], out, name=name, version=version, force=force, seed=seed,
                           held_out=held_out, review_cost=review_cost, hub=_hub(hf_dataset, split),
                           fields=_fields(text_field, label_field, id_field, label_map),
                           base=base, rehearse=not no_base, extra_terms=extra_terms, weights=weights,
                           base_weight=base_weight, cache=cache, progress=progress, jobs=jobs,
                           out_of_core=out_of_core, refit=refit)
    except (CorpusError, FileExistsError, BundleError, TaxonomyError) as exc:
        progress.stop()
        fail_usage(str(exc))
    except LearnerError as exc:
        progress.stop()
        typer.echo(f"dualuse: {exc}; nothing was written", err=True)
        raise typer.Exit(EXIT_INPUT_FAILED)
    progress.stop()
    typer.echo(format_report(result["report"]), err=True)
    typer.echo(f"wrote {result['out']}", err=True)
    if json_out:
        json_out.write_text(json.dumps(result["report"], indent=1) + "\n", encoding="utf-8")


class _TrainingProgress:
    """Progress bars for the long stages of training (documents through the spaCy pipeline;
    out of core, passes of the learners over the chunks), with rate and time left, on a
    terminal; nothing otherwise."""

    def __init__(self) -> None:
        self._bar = None
        self._tasks: dict = {}

    def __call__(self, done: int, total: int | None = None, stage: str = "pipeline") -> None:
        if not sys.stderr.isatty():
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("dualuse train: {task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self._bar.start()
        if stage not in self._tasks:
            label = {"pipeline": "documents through the pipeline", "learning": "learning over chunks"}.get(stage, stage)
            self._tasks[stage] = self._bar.add_task(label, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@app.command()
def evaluate(
    corpus: Optional[List[Path]] = CORPUS,
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Bundle (default: the shipped one)."),
    text_field: List[str] = TEXT_FIELD,
    label_field: str = LABEL_FIELD,
    id_field: str = ID_FIELD,
    label_map: Optional[str] = LABEL_MAP,
    hf_dataset: List[str] = HF_DATASET,
    split: str = SPLIT,
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the report as JSON to this file."),
    force: bool = typer.Option(False, "--force", help="Replace an existing --json file."),
) -> None:
    """Score a labelled corpus: precision, recall, F1, ROC AUC, Brier, ECE, per-family table, confusion."""
    from dualuse.corpora.labelled import CorpusError
    from dualuse.model.bundle import BundleError
    from dualuse.training.evaluate import format_report
    from dualuse.training.train import evaluate as run_evaluate

    _refuse_existing(json_out, force)
    if not corpus and not hf_dataset:
        fail_usage("give at least one corpus (or --hf-dataset)")
    try:
        report = run_evaluate(corpus or [], model, hub=_hub(hf_dataset, split),
                              fields=_fields(text_field, label_field, id_field, label_map))
    except (CorpusError, BundleError) as exc:
        fail_usage(str(exc))
    typer.echo(format_report(report))
    if json_out:
        json_out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


@app.command()
def compare(
    old: Path = typer.Argument(..., help="The bundle in use."),
    new: Path = typer.Argument(..., help="The candidate bundle."),
    corpus: Optional[List[Path]] = CORPUS,
    text_field: List[str] = TEXT_FIELD,
    label_field: str = LABEL_FIELD,
    id_field: str = ID_FIELD,
    label_map: Optional[str] = LABEL_MAP,
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the full report as JSON."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="Write the report as Markdown."),
    force: bool = typer.Option(False, "--force", help="Replace existing report files."),
) -> None:
    """Compare two bundles on a labelled corpus before switching.

    Prints (and writes as JSON and Markdown) the metrics overall and per family, their changes,
    and every document whose flag changes.
    """
    from dualuse.corpora.labelled import CorpusError, read_corpora
    from dualuse.model.bundle import BundleError
    from dualuse.training.compare import compare as run_compare
    from dualuse.training.compare import to_markdown

    for path in (json_out, markdown):
        _refuse_existing(path, force)
    if not corpus:
        fail_usage("give at least one labelled corpus")
    try:
        docs = read_corpora(corpus, **_fields(text_field, label_field, id_field, label_map))
        result = run_compare(docs, old, new)
    except (CorpusError, BundleError) as exc:
        fail_usage(str(exc))
    text = to_markdown(result)
    typer.echo(text)
    if json_out:
        json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if markdown:
        markdown.write_text(text, encoding="utf-8")


@app.command()
def review(
    inputs: List[str] = typer.Argument(..., help="Documents to score (anything `dualuse tag` reads)."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Bundle (default: the shipped one)."),
    export: Path = typer.Option(..., "--export", help="JSONL file of documents to label, least certain first."),
    limit: int = typer.Option(200, min=1, help="How many documents to export."),
    text_field: List[str] = typer.Option(["text"], "--text-field", help=TAG_TEXT_HELP),
    id_field: str = typer.Option("id", "--id-field", help="Field holding the document id in JSON, JSONL and CSV inputs."),
    force: bool = typer.Option(False, "--force", help="Replace an existing --export file."),
) -> None:
    """Export the documents the model is least sure about, for a person to label.

    The review band comes first, then the scores closest to 0.5; `dualuse train` reads the file
    back once the labels are filled in. A document that cannot be read is named on stderr and
    the exit status is 1.
    """
    from dualuse.corpora.readers import ReadOptions
    from dualuse.model.bundle import BundleError
    from dualuse.training.review import least_certain

    from .tagging import tag_inputs, where

    _refuse_existing(export, force)
    try:
        records = tag_inputs(inputs, model=model, options=ReadOptions(text_field=_text_field(text_field), id_field=id_field),
                             with_text=True)
        failed = []

        def reported(records):
            for record in records:
                if record.get("error"):
                    failed.append(record)
                    typer.echo(f"dualuse: {where(record)}: {record['error']}", err=True)
                yield record

        rows = least_certain(reported(records), limit)
    except BundleError as exc:
        fail_usage(str(exc))
    tmp = export.with_name(f".{export.name}.tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(export)
    in_band = sum(r["flag"] == "review" for r in rows)
    typer.echo(f"dualuse: exported {len(rows)} documents to {export} ({in_band} in the review band); "
               "fill in each 'label' with military or civilian, then: dualuse train ...", err=True)
    if failed:
        typer.echo(f"dualuse: {len(failed)} documents could not be read and are not in the export", err=True)
        raise typer.Exit(EXIT_INPUT_FAILED)


def _refuse_existing(path: Optional[Path], force: bool) -> None:
    """Before any work: an existing file is replaced only with --force, a folder never, and a
    missing parent folder is made (so a long run does not fail at its very end)."""
    if path is None:
        return
    if path.is_dir():
        fail_usage(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        fail_usage(f"{path} exists; use --force to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail_usage(f"cannot write {path}: {exc.strerror or exc}")


def main() -> None:
    """The ``dualuse`` command (the console script)."""
    import gc

    try:
        app()
    finally:
        # Whatever is left is freed by the exit itself: the collector need not scan every
        # object of a loaded pipeline first (a quarter of a second with spaCy loaded).
        gc.freeze()


if __name__ == "__main__":
    main()
