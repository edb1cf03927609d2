"""Import spaCy without its command-line tools.

``import spacy`` loads ``spacy.cli`` (all of spaCy's commands, Weasel, requests, Jinja) only
to offer ``spacy.info``: about 0.15 s of every `dualuse tag` run's start, which is most of what
one document costs. ``import_spacy()`` imports spaCy with a stand-in for that one module and
removes the stand-in straight after, so a later ``import spacy.cli`` imports the real package,
and ``spacy.info`` imports it when called.

It does so only when spaCy's ``__init__`` takes nothing else from ``spacy.cli`` than that one
line (checked in the source before importing); for any other spaCy it is a plain import.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

_CLI_LINE = "from .cli.info import info"


def _only_info_from_cli() -> bool:
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.origin:
        return False
    try:
        with open(spec.origin, encoding="utf-8") as fh:
            source = fh.read()
    except OSError:
        return False
    lines = [line.split("#")[0].strip() for line in source.splitlines()]
    return lines.count(_CLI_LINE) == 1 and sum(".cli" in line or "cli." in line for line in lines) == 1


def _info(*args, **kwargs):
    """spaCy's ``info``, imported when first called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def _cli_when_asked(name: str):
    """``spacy.cli`` as an attribute of ``spacy`` (``spacy.cli.download(...)``), imported on
    first use; spaCy's module defines no ``__getattr__`` of its own."""
    if name == "cli":
        return importlib.import_module("spacy.cli")
    raise AttributeError(f"module 'spacy' has no attribute {name!r}")


def import_spacy() -> types.ModuleType:
    """The ``spacy`` module, imported without ``spacy.cli`` where that is safe: in a process
    with a single thread (no other thread can import ``spacy.cli`` while the stand-in is in
    place) that has not imported spaCy yet."""
    if ("spacy" in sys.modules or "spacy.cli" in sys.modules or threading.active_count() > 1
            or not _only_info_from_cli()):
        import spacy

        return spacy
    package = types.ModuleType("spacy.cli")
    package.__path__ = []
    module = types.ModuleType("spacy.cli.info")
    module.info = _info
    package.info = module
    stand_ins = {"spacy.cli": package, "spacy.cli.info": module}
    sys.modules.update(stand_ins)
    try:
        import spacy
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
    if spacy.__dict__.get("cli") is package:
        del spacy.cli
    if "__getattr__" not in spacy.__dict__:
        spacy.__getattr__ = _cli_when_asked
    return spacy
