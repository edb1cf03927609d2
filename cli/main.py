"""The `dualuse` command line. Each command is a thin wrapper over a function that returns data.

Data goes to stdout, messages to stderr. Exit codes: 0 ok, 1 some input failed, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Find dual-use technologies in documents and score their military context.")

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE = 0, 1, 2


def fail_usage(message: str) -> None:
    typer.echo(f"dualuse: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


@app.command()
def tag(
    inputs: List[str] = typer.Argument(..., help="Files, folders (walked recursively) or - for stdin."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Model bundle (default: the shipped one)."),
    batch_size: int = typer.Option(64, min=1, help="Documents per spaCy batch."),
) -> None:
    """Tag documents: one JSON record per document on stdout."""
    from .tagging import tag_inputs

    if sum(1 for i in inputs if i == "-") > 1:
        fail_usage("'-' (stdin) can be given only once")
    from dualuse.model.bundle import BundleError

    failed = 0
    out = sys.stdout
    try:
        records = tag_inputs(inputs, model=model, batch_size=batch_size)
    except BundleError as exc:
        fail_usage(str(exc))
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        if record["error"] is not None:
            failed += 1
            typer.echo(f"dualuse: {record['id']}: {record['error']}", err=True)
    raise typer.Exit(EXIT_INPUT_FAILED if failed else EXIT_OK)


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
        typer.echo(f"{row['name']}\t{row['family']}\t{row['category'] or '-'}\t{', '.join(row['patterns'])}")
    typer.echo(f"{len(rows)} terms", err=True)


def _fields(text_field: str, label_field: str, id_field: str) -> dict:
    return {"text_field": text_field, "label_field": label_field, "id_field": id_field}


TEXT_FIELD = typer.Option("text", "--text-field", help="Field (column) holding the text.")
LABEL_FIELD = typer.Option("label", "--label-field", help="Field holding the label (military/civilian).")
ID_FIELD = typer.Option("id", "--id-field", help="Field holding the document id.")


@app.command()
def train(
    corpus: List[Path] = typer.Argument(..., help="Labelled corpora: .jsonl, .csv, .parquet or a saved HF dataset folder."),
    out: Path = typer.Option(..., "--out", "-o", help="Bundle directory to write."),
    text_field: str = TEXT_FIELD,
    label_field: str = LABEL_FIELD,
    id_field: str = ID_FIELD,
    name: str = typer.Option("dualuse-custom", help="Bundle name recorded in the manifest and every record."),
    version: str = typer.Option("0.1.0", help="Bundle version."),
    held_out: float = typer.Option(0.2, min=0.05, max=0.5, help="Share of documents held out for thresholds and metrics."),
    seed: int = typer.Option(0, help="Random seed for the split and the learners."),
    review_cost: float = typer.Option(0.25, min=0.01, max=0.99,
                                      help="Cost of sending a document to review, relative to a wrong flag; "
                                           "sets the review band on held-out data."),
    force: bool = typer.Option(False, "--force", help="Replace an existing --out."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the held-out report as JSON."),
) -> None:
    """Train a bundle: fit, cross-validate, choose thresholds on held-out data, write the bundle."""
    from dualuse.corpora.labelled import CorpusError
    from dualuse.training.evaluate import format_report
    from dualuse.training.train import train as run_train

    _refuse_existing(json_out, force)
    try:
        result = run_train(corpus, out, name=name, version=version, force=force, seed=seed,
                           held_out=held_out, review_cost=review_cost,
                           fields=_fields(text_field, label_field, id_field))
    except (CorpusError, FileExistsError) as exc:
        fail_usage(str(exc))
    typer.echo(format_report(result["report"]), err=True)
    typer.echo(f"wrote {result['out']}", err=True)
    if json_out:
        json_out.write_text(json.dumps(result["report"], indent=1) + "\n", encoding="utf-8")


@app.command()
def evaluate(
    corpus: List[Path] = typer.Argument(..., help="Labelled corpora to score."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Bundle (default: the shipped one)."),
    text_field: str = TEXT_FIELD,
    label_field: str = LABEL_FIELD,
    id_field: str = ID_FIELD,
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the report as JSON to this file."),
    force: bool = typer.Option(False, "--force", help="Replace an existing --json file."),
) -> None:
    """Score a labelled corpus: precision, recall, F1, ROC AUC, Brier, ECE, per-family table, confusion."""
    from dualuse.corpora.labelled import CorpusError
    from dualuse.model.bundle import BundleError
    from dualuse.training.evaluate import format_report
    from dualuse.training.train import evaluate as run_evaluate

    _refuse_existing(json_out, force)
    try:
        report = run_evaluate(corpus, model, fields=_fields(text_field, label_field, id_field))
    except (CorpusError, BundleError) as exc:
        fail_usage(str(exc))
    typer.echo(format_report(report))
    if json_out:
        json_out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


def _refuse_existing(path: Optional[Path], force: bool) -> None:
    if path is not None and path.exists() and not force:
        fail_usage(f"{path} exists; use --force to replace it")


if __name__ == "__main__":
    app()
