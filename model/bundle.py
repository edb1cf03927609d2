"""Model bundles: a spaCy pipeline directory plus ``manifest.json`` with a SHA-256 of every file.

Loading verifies every hash first and refuses a tampered or incomplete bundle, naming the file;
a bundle written with other library versions loads with a warning.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
import warnings
from importlib import metadata
from pathlib import Path
from typing import Iterable

MANIFEST = "manifest.json"
FORMAT = 1
_LIBRARIES = ("spacy", "scikit-learn", "skops", "numpy", "scipy")


class BundleError(ValueError):
    """A bundle that must not be loaded; the message names the file."""


class BundleVersionWarning(UserWarning):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for lib in _LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = "missing"
    return versions


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST
                  and "__pycache__" not in p.parts)


def write_manifest(root: Path, info: dict) -> dict:
    manifest = {"format": FORMAT, **info, "versions": library_versions(),
                "files": {p.relative_to(root).as_posix(): sha256_file(p) for p in _files(root)}}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def read_manifest(root: Path) -> dict:
    path = root / MANIFEST
    if not root.is_dir():
        raise BundleError(f"{root}: not a model bundle (not a directory)")
    if not path.is_file():
        raise BundleError(f"{root}: not a model bundle (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{path}: unreadable manifest ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BundleError(f"{path}: manifest has no file list")
    return manifest


def verify_bundle(root: str | Path) -> dict:
    """Check every file against the manifest; return the manifest or raise BundleError."""
    root = Path(root)
    manifest = read_manifest(root)
    for rel, expected in manifest["files"].items():
        path = root / rel
        if not path.is_file():
            raise BundleError(f"{root}: incomplete bundle, {rel} is missing")
        if sha256_file(path) != expected:
            raise BundleError(f"{root}: {rel} does not match its SHA-256 in {MANIFEST}; "
                              "the bundle was modified after it was written")
    listed = set(manifest["files"])
    extra = [p.relative_to(root).as_posix() for p in _files(root) if p.relative_to(root).as_posix() not in listed]
    if extra:
        raise BundleError(f"{root}: {extra[0]} is not listed in {MANIFEST}; the bundle was modified")
    _warn_versions(root, manifest)
    return manifest


def verify_component_files(component_dir: Path, names) -> None:
    """Used by components when spaCy loads them: their files must match the bundle manifest."""
    root = component_dir.parent
    manifest = read_manifest(root)
    for name in names:
        rel = (component_dir / name).relative_to(root).as_posix()
        expected = manifest["files"].get(rel)
        if expected is None:
            raise BundleError(f"{root}: {rel} is not listed in {MANIFEST}")
        if not (component_dir / name).is_file():
            raise BundleError(f"{root}: incomplete bundle, {rel} is missing")
        if sha256_file(component_dir / name) != expected:
            raise BundleError(f"{root}: {rel} does not match its SHA-256 in {MANIFEST}; "
                              "the bundle was modified after it was written")


def _warn_versions(root: Path, manifest: dict) -> None:
    saved = manifest.get("versions", {})
    now = library_versions()
    for lib in ("spacy", "scikit-learn"):
        if lib in saved and saved[lib] != now.get(lib):
            warnings.warn(f"{root}: bundle was written with {lib} {saved[lib]}, this is {lib} {now.get(lib)}; "
                          "results may differ", BundleVersionWarning, stacklevel=3)


def check_out(out: str | Path, *, force: bool, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse an ``--out`` that would lose something the user gave: an existing path without
    ``force``; even with it, a folder that is not a bundle (no manifest) and still holds files,
    and any path that is, holds or lies inside one of ``inputs``."""
    out = Path(out)
    target = out.resolve()
    for given in inputs:
        given = Path(given)
        if not given.exists():
            continue
        source = given.resolve()
        if target == source or target in source.parents or source in target.parents:
            raise FileExistsError(f"--out {out} is, holds or lies inside the input {given}: choose another --out")
    if out.exists() and not force:
        raise FileExistsError(f"{out} exists; use --force to replace it")
    if out.is_dir() and not (out / MANIFEST).exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is a folder that is not a bundle (no {MANIFEST}) and holds files: it is not "
                              "replaced, even with --force; choose another --out")
    return out


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def save_bundle(nlp, out: str | Path, info: dict, *, force: bool = False, extra_files: dict | None = None) -> dict:
    """Write ``nlp`` and the manifest to ``out`` atomically: a temporary sibling, then a rename.

    An existing ``out`` is replaced only with ``force``, and never when it is a folder of other
    files (``check_out``).
    """
    out = check_out(out, force=force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        nlp.to_disk(tmp)
        for name, content in (extra_files or {}).items():
            if isinstance(content, Path):
                shutil.copyfile(content, tmp / name)
            elif isinstance(content, bytes):
                (tmp / name).write_bytes(content)
            else:
                (tmp / name).write_text(content, encoding="utf-8")
        manifest = write_manifest(tmp, info)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            _remove(old)
            os.replace(out, old)
            os.replace(tmp, out)
            _remove(old)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def load_pipeline(root: str | Path, *, lean: bool = False):
    """Verify the bundle, then load its spaCy pipeline. Returns (nlp, manifest). ``lean`` for
    the tagger's private pipeline: lexemes get only the attributes dualuse reads
    (``pipeline.lean_lexemes``), from the start, so the term patterns loaded with the bundle
    are lean too."""
    import spacy

    from . import classifier, components  # noqa: F401  (registers factories without entry points)
    from .pipeline import LEAN_CONFIG, SAVED_TOKENIZER

    manifest = verify_bundle(root)
    config = {}
    if lean:
        config = {"nlp": dict(LEAN_CONFIG["nlp"])}
        if (Path(root) / "tokenizer").is_file() and _tokenizer_factory(Path(root)) == "spacy.Tokenizer.v1":
            config["nlp"]["tokenizer"] = SAVED_TOKENIZER
    return spacy.load(root, config=config), manifest


def _tokenizer_factory(root: Path) -> str | None:
    """The tokenizer the bundle's config names: only spaCy's own is rebuilt from its saved
    file alone (a custom tokenizer class may read that file differently, or not at all)."""
    from spacy.util import load_config

    try:
        return load_config(root / "config.cfg")["nlp"]["tokenizer"].get("@tokenizers")
    except (OSError, KeyError, ValueError):
        return None
