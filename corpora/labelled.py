"""Labelled corpora for training and evaluation: JSONL, CSV, or a Hugging Face dataset on disk.

Every problem is a CorpusError that names the file and line, raised before any long work starts.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from .text import MISSING_CELL, FieldError, record_text, text_fields, without_surrogates

LABELS = ("civilian", "military")


class CorpusError(ValueError):
    pass


@dataclass(frozen=True)
class LabelledDoc:
    id: str
    text: str
    label: str
    source: str = ""
    weight: float = 1.0  # how much the document counts in training


def seed_corpus_paths() -> list[Path]:
    """The team's training corpus shipped with the package."""
    root = Path(str(resources.files("dualuse.corpora") / "seed"))
    return sorted(root.glob("*.jsonl"))


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> CorpusError:
    return CorpusError(f"{path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at byte {exc.start}); save the "
                       "corpus as UTF-8 (in Excel: CSV UTF-8)")


def _rows_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    from .text import json_objects

    # utf-8-sig: a byte-order mark at the start (Windows editors write one) is not part of the data
    try:
        with open(path, encoding="utf-8-sig") as fh:
            yield from json_objects(fh, str(path), CorpusError)
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from None


def _rows_csv(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:  # Excel's "CSV UTF-8" starts with a BOM
            reader = csv.DictReader(fh, restval=MISSING_CELL)
            for n, row in enumerate(reader, 2):
                yield n, row
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from None


def _rows_json(path: Path) -> Iterator[tuple[int | str, dict]]:
    """A ``.json`` corpus: an array of objects (what most tools export), one object, or JSON
    Lines under a ``.json`` name. An array's items are named ``FILE[i]`` in messages. The file
    is read once."""
    from .text import json_objects

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from None
    first = text.lstrip()[:1]
    if first != "[":
        whole = None
        if first == "{":
            try:  # one object over several lines
                whole = json.loads(text)
            except (ValueError, RecursionError):
                pass  # JSON Lines (or a value it cannot hold): read line by line below, which says where
        if isinstance(whole, dict):
            yield 1, whole
        else:
            yield from json_objects(text.splitlines(), str(path), CorpusError)
        return
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # also numbers too long to convert, nesting too deep
        raise CorpusError(f"{path}: not valid JSON ({getattr(exc, 'msg', exc)}"
                          + (f", line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ")")) from None
    for i, row in enumerate(data):
        if not isinstance(row, dict):
            raise CorpusError(f"{path}[{i}]: expected a JSON object, not {type(row).__name__}")
        yield f"{path}[{i}]", row


def _rows_parquet(path: Path, columns: list[str]) -> Iterator[tuple[int | str, dict]]:
    """A Parquet file, or a folder of Parquet files (a dataset written by Spark or pandas, its
    parts in name order), read a row group at a time where it lies (nothing is copied to a
    cache), and only the ``columns`` the corpus needs that it has: a column of another type that
    Python cannot hold (a date past year 9999) does not stop it. Rows of a folder's parts are
    named ``FILE:n`` after their part."""
    try:
        import pyarrow
        import pyarrow.parquet as pq
    except ImportError:
        raise CorpusError(f"{path}: reading Parquet needs `pip install 'dualuse[hf]'`") from None
    parts = sorted(q for q in path.rglob("*.parquet") if q.is_file()) if path.is_dir() else [path]
    if not parts:
        raise CorpusError(f"{path}: a folder named .parquet holding no .parquet files")
    for part in parts:
        try:
            reader = pq.ParquetFile(part)
            present = [c for c in dict.fromkeys(columns) if c in reader.schema_arrow.names]
            n = 0
            # With none of the columns it needs, the first row (all columns) names what there is.
            batches = reader.iter_batches(batch_size=1024, columns=present) if present else \
                reader.iter_batches(batch_size=1)
            for batch in batches:
                for row in batch.to_pylist():
                    n += 1
                    yield (n if len(parts) == 1 else f"{part}:{n}"), row
                if not present:
                    break
        except (OSError, ValueError, OverflowError, pyarrow.ArrowException) as exc:
            raise CorpusError(f"{part}: not a readable Parquet file ({type(exc).__name__}: {str(exc)[:200]})") from None


def _rows_hf(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        import datasets
    except ImportError:
        raise CorpusError(f"{path}: reading datasets needs `pip install 'dualuse[hf]'`") from None
    ds = datasets.load_from_disk(str(path))
    if isinstance(ds, datasets.DatasetDict):
        if "train" not in ds:
            raise CorpusError(f"{path}: dataset has splits {list(ds)}, none named 'train'")
        ds = ds["train"]
    for n, row in enumerate(ds, 1):
        yield n, row


def _is_saved_dataset(path: Path) -> bool:
    return (path / "dataset_dict.json").exists() or (path / "state.json").exists()


def _rows_label_folders(path: Path, label_field: str, text_field: str, id_field: str) -> Iterator[tuple[int, dict]]:
    """A folder with one subfolder per label (``military/``, ``civilian/``), holding documents
    in any format ``dualuse tag`` reads."""
    from .readers import iter_documents

    # hidden folders (.git, .ipynb_checkpoints) are not labels
    subfolders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not subfolders:
        raise CorpusError(f"{path}: expected one subfolder per label (military/, civilian/), found none")
    n = 0
    for folder in subfolders:
        for doc in iter_documents([str(folder)]):
            if any(part.startswith(".") for part in Path(os.path.relpath(doc.source, folder)).parts):
                continue  # .DS_Store, .git/: a system's files, not documents
            n += 1
            if doc.error is not None:
                raise CorpusError(f"{doc.source}: {doc.error}")
            yield n, {id_field: doc.id, text_field: doc.text, label_field: folder.name}


def _rows_hub(name: str, split: str) -> Iterator[tuple[int, dict]]:
    try:
        import datasets
    except ImportError:
        raise CorpusError(f"{name}: reading datasets needs `pip install 'dualuse[hf]'`") from None
    try:
        ds = datasets.load_dataset(name, split=split)
    except Exception as exc:  # the hub client raises many types: offline, missing, gated, bad split
        raise CorpusError(f"cannot load dataset {name!r} (split {split!r}) from the Hugging Face hub: "
                          f"{type(exc).__name__}: {str(exc)[:200]}. Without network, save it with "
                          "`datasets` where there is one and pass the folder instead.") from None
    for n, row in enumerate(ds, 1):
        yield n, row


class _JsonObject(dict):
    """A decoded JSON object that also keeps its (key, value) pairs as written, repeats included."""

    def __init__(self, pairs: list) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def parse_label_map(value: str | None) -> dict | None:
    """``--label-map``: "dod=military,nih=civilian" or a JSON file holding such an object. The
    values it maps from are matched whatever their case and surrounding spaces, as labels are."""
    if not value:
        return None
    path = Path(value)
    if path.suffix.lower() == ".json" or path.is_file():
        if not path.is_file():
            raise CorpusError(f"--label-map {value}: no such file")
        try:
            decoded = json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=_JsonObject)
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, exc) from None
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
        if not isinstance(decoded, dict):
            raise CorpusError(f"{path}: --label-map needs a JSON object such as {{\"dod\": \"military\", "
                              f"\"nih\": \"civilian\"}}, not a {type(decoded).__name__}")
        pairs = decoded.pairs  # a key written twice is kept, to be caught
        source = str(path)
    else:
        pairs = [p.split("=", 1) for p in value.split(",") if p.strip()]
        if not all(len(p) == 2 for p in pairs):
            raise CorpusError(f"--label-map takes FROM=TO pairs separated by commas, not {value!r}")
        source = "--label-map"
    folded: dict[str, str] = {}
    for key, target in pairs:
        to = target.strip().lower() if isinstance(target, str) else target
        if to not in LABELS:
            raise CorpusError(f"{source}: {key!r} maps to {target!r}; labels are {' or '.join(LABELS)}")
        k = str(key).strip().lower()
        if not k:
            raise CorpusError(f"{source}: a label to map from is empty (in '={target}')")
        if folded.get(k, to) != to:
            raise CorpusError(f"{source}: {key!r} is mapped to both {folded[k]} and {to}")
        folded[k] = to
    return folded


def read_labelled(path: str | Path, *, text_field: str = "text", label_field: str = "label",
                  id_field: str = "id", label_map: dict | None = None, hub_split: str | None = None
                  ) -> Iterator[LabelledDoc]:
    """Validated documents of one corpus. ``hub_split`` reads ``path`` as a dataset name on the
    Hugging Face hub."""
    if hub_split is not None:
        rows = _rows_hub(str(path), hub_split)
        path = Path(str(path))
        yield from _validated(rows, path, text_field, label_field, id_field, label_map)
        return
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or directory")
    suffix = path.suffix.lower()
    if path.is_dir() and not _is_saved_dataset(path) and suffix != ".parquet":
        # the files' own text, whatever --text-field says, under a key no field name takes
        rows = _rows_label_folders(path, label_field, _FOLDER_TEXT, id_field)
        text_field = _FOLDER_TEXT
    elif suffix == ".parquet":
        rows = _rows_parquet(path, [*text_fields_or_none(text_field), label_field, id_field])
    elif path.is_dir():
        rows = _rows_hf(path)
    elif suffix == ".csv":
        rows = _rows_csv(path)
    elif suffix == ".json":
        rows = _rows_json(path)
    elif suffix in (".jsonl", ".ndjson"):
        rows = _rows_jsonl(path)
    else:
        raise CorpusError(f"{path}: unknown corpus format (use .jsonl, .csv, .parquet, a saved dataset "
                          "folder or a folder with one subfolder per label)")
    yield from _validated(rows, path, text_field, label_field, id_field, label_map)


_FOLDER_TEXT = "\0dualuse text"


def text_fields_or_none(text_field) -> tuple:
    """``--text-field`` as names, or none when it is not valid (``_validated`` then says why)."""
    try:
        return text_fields(text_field)
    except FieldError:
        return ()


MAX_DOC_CHARS = 1_000_000  # spaCy's own limit for one Doc (``tag`` cuts longer texts into parts)


def _validated(rows, path: Path, text_field, label_field: str, id_field: str,
               label_map: dict | None) -> Iterator[LabelledDoc]:
    try:
        fields = text_fields(text_field)
    except FieldError as exc:
        raise CorpusError(str(exc)) from None
    if label_map:  # matched as labels are: whatever the case and spaces
        label_map = {str(k).strip().lower(): str(v).strip().lower() for k, v in label_map.items()}
    for n, row in rows:
        where = n if isinstance(n, str) else f"{path}:{n}"  # a line, or an array's item: "FILE[i]"
        for name in fields:
            if name not in row:
                raise CorpusError(f"{where}: no field {name!r} (fields: {', '.join(map(str, row))}); "
                                  "use --text-field")
        if label_field not in row:
            raise CorpusError(f"{where}: no field {label_field!r} (fields: {', '.join(map(str, row))}); "
                              "use --label-field")
        label = row[label_field]
        if label is None or label is MISSING_CELL or (isinstance(label, str) and not label.strip()):
            raise CorpusError(f"{where}: missing label")
        if isinstance(label, float) and label.is_integer():
            label = int(label)  # 1.0: how pandas writes an integer column that has gaps
        label = str(label).strip()
        if label_map:
            label = label_map.get(label.lower(), label)
        if label not in LABELS and label.lower() in LABELS:  # "Military", "CIVILIAN" as spreadsheets write them
            label = label.lower()
        if label not in LABELS:
            raise CorpusError(f"{where}: unknown label {label!r} (expected {' or '.join(LABELS)}; "
                              "map others with --label-map)")
        if len(fields) == 1 and not isinstance(row[fields[0]], str):
            value = row[fields[0]]
            if value is None or value is MISSING_CELL:
                raise CorpusError(f"{where}: empty text")
            raise CorpusError(f"{where}: field {fields[0]!r} holds {type(value).__name__}, not text")
        try:
            text = without_surrogates(record_text(row, fields))  # JSON "\\ud83d" escapes: no tokenizer takes them
        except FieldError as exc:
            raise CorpusError(f"{where}: {exc}") from None
        if not text.strip():
            raise CorpusError(f"{where}: empty text")
        if len(text) > MAX_DOC_CHARS:
            raise CorpusError(f"{where}: a text of {len(text):,} characters; a labelled document may have at most "
                              f"{MAX_DOC_CHARS:,} (split it into parts with the same label)")
        doc_id = row.get(id_field)
        doc_id = None if doc_id is MISSING_CELL else doc_id
        default_id = f"{path.name}{n[len(str(path)):]}" if isinstance(n, str) else f"{path.name}:{n}"
        yield LabelledDoc(id=str(doc_id) if doc_id is not None else default_id, text=text,
                          label=label, source=where)


def iter_corpora(paths: Iterable[str | Path], *, hub: Iterable[tuple[str, str]] = (),
                 weights=None, **fields) -> Iterator[LabelledDoc]:
    """The documents of all corpora (files, folders, and (name, split) datasets on the hub),
    validated, one at a time. ``weights`` maps a corpus (its path as given or any other path to
    the same file; a hub dataset's name) to how much each of its documents counts in training."""
    import dataclasses

    paths, hub = list(paths), list(hub)
    per_path, per_hub = corpus_weights(paths, hub, weights)
    for path, weight in zip(paths, per_path):
        for d in read_labelled(path, **fields):
            yield d if weight == 1.0 else dataclasses.replace(d, weight=weight)
    for (name, split), weight in zip(hub, per_hub):
        for d in read_labelled(name, hub_split=split, **fields):
            yield d if weight == 1.0 else dataclasses.replace(d, weight=weight)


def _same_file(a: str | Path, b: str | Path) -> bool:
    a, b = Path(a), Path(b)
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


MIN_WEIGHT, MAX_WEIGHT = 1e-3, 1e3  # a document's weight; far outside, the solvers stall or ignore it


def check_weight(value, what: str) -> float:
    """``value`` as a document weight, or a CorpusError saying why it cannot be one."""
    import math

    try:
        w = float(value)
    except (TypeError, ValueError):
        raise CorpusError(f"{what}: the weight must be a number") from None
    if not math.isfinite(w) or w <= 0:
        raise CorpusError(f"{what}: the weight must be a positive number (to leave a corpus out, do not give it)")
    if not MIN_WEIGHT <= w <= MAX_WEIGHT:
        raise CorpusError(f"{what}: the weight must lie between {MIN_WEIGHT:g} and {MAX_WEIGHT:g} (a document counts "
                          "that many times; beyond, the learners stall or ignore it)")
    return w


def corpus_weights(paths: list, hub: list, weights) -> tuple[list[float], list[float]]:
    """The weight of each corpus path and each (name, split) hub dataset (1 where ``weights``
    says nothing). ``weights``: a dict, or (corpus, weight) pairs as given on the command line.
    A weight that names no corpus, that is not a number between ``MIN_WEIGHT`` and
    ``MAX_WEIGHT``, or a second, different weight for the same corpus is refused: a typo would
    otherwise train with weight 1, or with one of the two, and say nothing."""
    pairs = list(weights.items()) if isinstance(weights, dict) else list(weights or ())
    per_path, per_hub = [1.0] * len(paths), [1.0] * len(hub)
    given_path: dict[int, str] = {}
    given_hub: dict[int, str] = {}
    for key, value in pairs:
        what = f"--weight {key}={value}"
        w = check_weight(value, what)
        hits = [i for i, p in enumerate(paths) if str(p) == str(key)] or \
               [i for i, p in enumerate(paths) if _same_file(p, key)]
        hub_hits = [i for i, (name, _) in enumerate(hub) if name == str(key)]
        if not hits and not hub_hits:
            given = ", ".join(map(str, list(paths) + [name for name, _ in hub]))
            raise CorpusError(f"{what}: {key} is not one of the corpora given ({given})")
        for weights_of, given, indices in ((per_path, given_path, hits), (per_hub, given_hub, hub_hits)):
            for i in indices:
                if i in given and weights_of[i] != w:
                    raise CorpusError(f"{what}: that corpus already has weight {weights_of[i]:g} (--weight "
                                      f"{given[i]}); give one weight per corpus")
                weights_of[i], given[i] = w, f"{key}={value}"
    return per_path, per_hub


def check_classes(counts: dict, sources: Iterable = ()) -> None:
    """Training needs documents of both labels. ``sources``: the corpora, named when empty."""
    if not sum(counts.values()):
        named = ", ".join(map(str, sources))
        raise CorpusError(f"the corpus is empty ({named} hold no documents)" if named else "the corpus is empty")
    present = [lab for lab in LABELS if counts.get(lab)]
    if len(present) < 2:
        raise CorpusError(f"the corpus has a single class ({present[0]}); training needs both "
                          f"{' and '.join(LABELS)}")


def read_corpora(paths: Iterable[str | Path], *, hub: Iterable[tuple[str, str]] = (),
                 weights=None, **fields) -> list[LabelledDoc]:
    """All documents of all corpora in memory (see ``iter_corpora``); at least one of each label."""
    paths, hub = list(paths), list(hub)
    docs = list(iter_corpora(paths, hub=hub, weights=weights, **fields))
    check_classes({lab: sum(d.label == lab for d in docs) for lab in LABELS}, paths + [n for n, _ in hub])
    return docs


TRAINING_CORPUS = "training_corpus.jsonl.gz"


def text_key(text: str) -> str:
    """Identity of a document's text for deduplication and leakage checks (spacing ignored)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:32]


_TITLE_WORDS = 30  # a first block this short, then a blank line, reads as a title


def text_keys(text: str) -> set[str]:
    """``text_key`` of a document, and of its body when it opens with a short block and a blank
    line: a document given with its title joined ("title\n\nbody", ``--text-field title
    --text-field text``) then still matches the same document given as its body alone."""
    keys = {text_key(text)}
    head, sep, body = text.strip().partition("\n\n")
    if sep and body.strip() and len(head.split()) <= _TITLE_WORDS:
        keys.add(text_key(body))
    return keys


def pack_corpus(docs: Iterable[LabelledDoc]) -> bytes:
    """A training corpus as gzip JSONL, to keep inside a bundle (rehearsal, leakage checks).
    The gzip header carries no time stamp, so the same corpus gives the same bytes."""
    import gzip

    return gzip.compress("".join(_corpus_line(d) for d in docs).encode("utf-8"), compresslevel=6, mtime=0)


def _escaped(d: LabelledDoc) -> tuple[str, str, str]:
    """A document's id, text and label as JSON values: escaped once, for both lines below."""
    return tuple(json.dumps(v, ensure_ascii=False) for v in (d.id, d.text, d.label))


def _corpus_line(d: LabelledDoc, escaped: tuple | None = None) -> str:
    """One document of a packed training corpus: the JSON object {"id", "text", "label"}."""
    i, t, lab = escaped or _escaped(d)
    return f'{{"id": {i}, "text": {t}, "label": {lab}}}\n'


def _digest_line(d: LabelledDoc, escaped: tuple | None = None) -> str:
    """One document's share of the corpus hash: the JSON array [id, label, text]."""
    i, t, lab = escaped or _escaped(d)
    return f"[{i}, {lab}, {t}]\n"


def bundle_corpus(bundle: Path) -> list[LabelledDoc]:
    """The training corpus kept in a bundle; the shipped bundle's is the team's seed corpus."""
    return list(iter_bundle_corpus(bundle))


def iter_bundle_corpus(bundle: Path) -> Iterator[LabelledDoc]:
    """``bundle_corpus`` one document at a time (checked for presence before the first)."""
    path = Path(bundle) / TRAINING_CORPUS
    if not path.exists():
        raise CorpusError(f"{bundle}: the bundle keeps no training corpus ({TRAINING_CORPUS}), so it cannot be "
                          "used as --base")
    return _bundle_rows(bundle, path)


def _bundle_rows(bundle: Path, path: Path) -> Iterator[LabelledDoc]:
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            yield LabelledDoc(id=r["id"], text=r["text"], label=r["label"], source=f"{bundle}:{TRAINING_CORPUS}")


def bundle_text_keys(bundle: Path) -> set:
    """``text_keys`` of every document of a bundle's training corpus, read as a stream."""
    keys: set = set()
    for d in iter_bundle_corpus(bundle):
        keys |= text_keys(d.text)
    return keys


def corpus_sha256(docs: Iterable[LabelledDoc]) -> str:
    digest = hashlib.sha256()
    for d in docs:
        digest.update(_digest_line(d).encode("utf-8"))
    return digest.hexdigest()


class CorpusScan:
    """The packed training corpus written while a corpus streams past, holding nothing: the
    same JSONL as ``pack_corpus`` (gzip at a faster level) into ``pack_to``, and the same hash
    as ``corpus_sha256``."""

    def __init__(self, pack_to: Path) -> None:
        import gzip

        self.digest = hashlib.sha256()
        self._raw = open(pack_to, "wb")
        self._gz = gzip.GzipFile(filename="", fileobj=self._raw, mode="wb", mtime=0, compresslevel=1)

    def add(self, d: LabelledDoc) -> LabelledDoc:
        escaped = _escaped(d)
        self.digest.update(_digest_line(d, escaped).encode("utf-8"))
        self._gz.write(_corpus_line(d, escaped).encode("utf-8"))
        return d

    def close(self) -> None:
        if not self._gz.closed:
            self._gz.close()
            self._raw.close()

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()
