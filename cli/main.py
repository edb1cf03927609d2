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
    failed = 0
    out = sys.stdout
    for record in tag_inputs(inputs, model=model, batch_size=batch_size):
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


if __name__ == "__main__":
    app()
