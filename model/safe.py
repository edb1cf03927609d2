"""Saving and loading scikit-learn objects with skops, against an explicit list of trusted types.

Nothing here ever unpickles: skops rebuilds objects from a declarative schema and refuses
any type that is not on ``TRUSTED_TYPES``.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

TRUSTED_TYPES = frozenset({
    "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str", "builtins.int",
    "builtins.float", "builtins.bool", "builtins.NoneType", "builtins.slice", "builtins.type",
    "numpy.ndarray", "numpy.dtype", "numpy.float64", "numpy.float32", "numpy.int64", "numpy.int32",
    "numpy.bool_", "numpy.str_", "numpy.random.mtrand.RandomState",
    "scipy.sparse._csr.csr_matrix", "scipy.sparse._csr.csr_array",
    "sklearn.pipeline.Pipeline", "sklearn.pipeline.FeatureUnion",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer", "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.CountVectorizer", "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression", "sklearn.linear_model._stochastic_gradient.SGDClassifier",
    "sklearn.calibration.CalibratedClassifierCV", "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration", "sklearn.isotonic.IsotonicRegression",
    "sklearn.preprocessing._label.LabelEncoder", "sklearn.utils._bunch.Bunch",
    "sklearn.compose._column_transformer._RemainderColsList",
})


class UnsafeModelError(ValueError):
    """A model file holds types outside the trusted list, or cannot be read as skops."""


def dumps(obj) -> bytes:
    """``obj`` as skops bytes, refused when loading would not trust one of its types."""
    import io

    import skops.io as sio

    data = sio.dumps(obj, compression=zipfile.ZIP_DEFLATED, compresslevel=1)
    unknown = types_in(io.BytesIO(data)) - TRUSTED_TYPES
    if unknown:
        raise UnsafeModelError(f"refusing to save types that loading would not trust: {sorted(unknown)}")
    return data


def dump(obj, path: Path) -> None:
    path.write_bytes(dumps(obj))


def types_in(path) -> set[str]:
    """Every type named in a skops file's schema (read as JSON; nothing is constructed).
    ``path``: a file path or a binary file object."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def loads(data: bytes):
    """``load`` for the bytes of a skops file."""
    import io

    return load(io.BytesIO(data))


def load(path):
    """Load only if every type in the file is on TRUSTED_TYPES.

    skops has its own, wider default trust (any scikit-learn estimator, several containers);
    our list is checked first so that a bundle can hold only what this project writes.
    """
    import skops.io as sio

    name = path.name if isinstance(path, Path) else "the skops data"

    try:
        found = types_in(path)
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError) as exc:
        raise UnsafeModelError(f"{name}: not a readable skops model file ({exc})") from None
    unknown = found - TRUSTED_TYPES
    if unknown:
        raise UnsafeModelError(f"{name}: holds types that are not trusted: {sorted(unknown)}")
    try:
        return sio.load(path, trusted=sorted(found))
    except Exception as exc:  # skops raises several types for a malformed archive
        raise UnsafeModelError(f"{name}: not a readable skops model file ({exc})") from None
