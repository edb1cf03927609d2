"""Saving and loading scikit-learn objects with skops, against an explicit list of trusted types.

Nothing here ever unpickles: skops rebuilds objects from a declarative schema and refuses
any type that is not on ``TRUSTED_TYPES``.
"""

from __future__ import annotations

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


def dump(obj, path: Path) -> None:
    import skops.io as sio

    data = sio.dumps(obj, compression=8)
    untrusted = set(sio.get_untrusted_types(data=data)) - TRUSTED_TYPES
    if untrusted:
        raise UnsafeModelError(f"refusing to save types that loading would not trust: {sorted(untrusted)}")
    path.write_bytes(data)


def load(path: Path):
    import skops.io as sio

    try:
        untrusted = set(sio.get_untrusted_types(file=path))
    except Exception as exc:  # skops raises several types for a file that is not a skops archive
        raise UnsafeModelError(f"{path.name}: not a readable skops model file ({exc})") from None
    unknown = untrusted - TRUSTED_TYPES
    if unknown:
        raise UnsafeModelError(f"{path.name}: holds types that are not trusted: {sorted(unknown)}")
    return sio.load(path, trusted=sorted(untrusted))
