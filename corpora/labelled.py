"""Labelled corpora for training and evaluation: JSONL, CSV, or a Hugging Face dataset on disk.

Every problem is a CorpusError that names the file and line, raised before any long work starts.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

LABELS = ("civilian", "military")


class CorpusError(ValueError):
    pass


@dataclass(frozen=True)
class LabelledDoc:
    id: str
    text: str
    label: str
    source: str = ""


def seed_corpus_paths() -> list[Path]:
    """The team's training corpus shipped with the package."""
    root = Path(str(resources.files("dualuse.corpora") / "seed"))
    return sorted(root.glob("*.jsonl"))


def _rows_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise CorpusError(f"{path}:{n}: expected a JSON object")
            yield n, row


def _rows_csv(path: Path) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for n, row in enumerate(reader, 2):
            yield n, row


def _rows_hf(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        import datasets
    except ImportError:
        raise CorpusError(f"{path}: reading datasets needs `pip install 'dualuse[hf]'`") from None
    if path.is_dir():
        ds = datasets.load_from_disk(str(path))
        if isinstance(ds, datasets.DatasetDict):
            if "train" not in ds:
                raise CorpusError(f"{path}: dataset has splits {list(ds)}, none named 'train'")
            ds = ds["train"]
    else:
        ds = datasets.load_dataset("parquet", data_files=str(path), split="train")
    for n, row in enumerate(ds, 1):
        yield n, row


def read_labelled(path: str | Path, *, text_field: str = "text", label_field: str = "label",
                  id_field: str = "id", label_map: dict | None = None) -> Iterator[LabelledDoc]:
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or directory")
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".parquet":
        rows = _rows_hf(path)
    elif suffix == ".csv":
        rows = _rows_csv(path)
    elif suffix in (".jsonl", ".json", ".ndjson"):
        rows = _rows_jsonl(path)
    else:
        raise CorpusError(f"{path}: unknown corpus format (use .jsonl, .csv, .parquet or a saved dataset folder)")
    for n, row in rows:
        where = f"{path}:{n}"
        if text_field not in row:
            raise CorpusError(f"{where}: no field {text_field!r} (fields: {', '.join(map(str, row))}); "
                              "use --text-field")
        if label_field not in row:
            raise CorpusError(f"{where}: no field {label_field!r} (fields: {', '.join(map(str, row))}); "
                              "use --label-field")
        text, label = row[text_field], row[label_field]
        if label is None or (isinstance(label, str) and not label.strip()):
            raise CorpusError(f"{where}: missing label")
        label = str(label).strip()
        if label_map:
            label = label_map.get(label, label)
        if label not in LABELS:
            raise CorpusError(f"{where}: unknown label {label!r} (expected {' or '.join(LABELS)}; "
                              "map others with --label-map)")
        if not isinstance(text, str) or not text.strip():
            raise CorpusError(f"{where}: empty text")
        doc_id = row.get(id_field)
        yield LabelledDoc(id=str(doc_id) if doc_id is not None else f"{path.name}:{n}", text=text,
                          label=label, source=where)


def read_corpora(paths: Iterable[str | Path], **fields) -> list[LabelledDoc]:
    """All documents of all corpora, validated; at least one of each label."""
    docs: list[LabelledDoc] = []
    for path in paths:
        docs.extend(read_labelled(path, **fields))
    if not docs:
        raise CorpusError("the corpus is empty")
    labels = {d.label for d in docs}
    if len(labels) < 2:
        raise CorpusError(f"the corpus has a single class ({labels.pop()}); training needs both "
                          f"{' and '.join(LABELS)}")
    return docs


def corpus_sha256(docs: Iterable[LabelledDoc]) -> str:
    digest = hashlib.sha256()
    for d in docs:
        digest.update(json.dumps([d.id, d.label, d.text], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
