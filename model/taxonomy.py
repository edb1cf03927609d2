"""The dual-use technology taxonomy: loading, validation and surface-form expansion.

A taxonomy file is JSONL. The first line is a header (``{"taxonomy": ..., "version": ...}``);
every other line is one technology (``id``, ``name``, ``family``, ``category``, ``patterns``,
``source`` and optionally ``exclude``: phrases in which a pattern names something else, such as
"frigate tuna"; and ``context_patterns`` with ``context``: patterns too ambiguous alone, such as
the acronym "SRM", that count only where one of the ``context`` words is near, "rocket" or
"propellant"). Cue lists use the same format with ``label`` in place of ``family``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

from dualuse.corpora.text import json_objects

FAMILIES: dict[str, str] = {
    "nuclear": "nuclear",
    "materials_chemicals": "materials and chemicals",
    "materials_processing": "materials processing and manufacturing",
    "electronics": "electronics and semiconductors",
    "computing_ai": "computing and AI",
    "telecom_infosec": "telecommunications and information security",
    "sensors_lasers": "sensors, lasers and optics",
    "navigation_avionics": "navigation and avionics",
    "marine": "marine",
    "aerospace_propulsion": "aerospace and propulsion",
    "biotech": "biotechnology, pathogens and toxins",
    "quantum": "quantum",
    "robotics_autonomy": "robotics and autonomy",
    "energetic_materials": "energetic materials",
    "weapons_munitions": "weapons and munitions",
}
CUE_LABELS = ("military", "civilian")

_CATEGORY = re.compile(r"^(?:[0-9][A-E][0-9]{3}[a-z0-9.]*|ML[0-9]{1,2}[a-z.]*|PL[0-9]{4})$")


class TaxonomyError(ValueError):
    """A taxonomy or cue file that cannot be used; the message names the line."""


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    label: str  # the family for technologies, "military"/"civilian" for cues
    patterns: tuple[str, ...]
    category: str | None = None
    source: str | None = None
    exclude: tuple[str, ...] = ()  # phrases in which a pattern names something else
    context_patterns: tuple[str, ...] = ()  # patterns that count only near a context word
    context: tuple[str, ...] = ()  # those words (single words, any case)


@dataclass
class Taxonomy:
    version: str
    entries: list[Entry]
    title: str = "dualuse taxonomy"
    by_id: dict[str, Entry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entries}

    def header(self) -> dict:
        return {"taxonomy": self.title, "version": self.version}

    def to_lines(self, label_field: str) -> list[str]:
        lines = [json.dumps(self.header(), ensure_ascii=False)]
        for e in self.entries:
            row = {"id": e.id, "name": e.name, label_field: e.label}
            if label_field == "family":
                row["category"] = e.category
            row["patterns"] = list(e.patterns)
            if e.exclude:
                row["exclude"] = list(e.exclude)
            if e.context_patterns:
                row["context_patterns"] = list(e.context_patterns)
                row["context"] = list(e.context)
            if e.source is not None:
                row["source"] = e.source
            lines.append(json.dumps(row, ensure_ascii=False))
        return lines

    def merged(self, other: "Taxonomy") -> "Taxonomy":
        """This taxonomy extended by ``other``; entries of ``other`` replace same-id entries."""
        entries = {e.id: e for e in self.entries}
        entries.update({e.id: e for e in other.entries})
        return Taxonomy(version=f"{self.version}+{other.version}", entries=list(entries.values()),
                        title=self.title)


def parse_lines(lines: Iterable[str], *, label_field: str, origin: str = "<taxonomy>") -> Taxonomy:
    """Parse and validate taxonomy lines; raise TaxonomyError naming the first bad line."""
    header: dict | None = None
    entries: list[Entry] = []
    seen_ids: set[str] = set()
    seen_patterns: dict[str, str] = {}
    allowed = set(FAMILIES) if label_field == "family" else set(CUE_LABELS)
    for n, row in json_objects(lines, origin, TaxonomyError):
        where = f"{origin}:{n}"
        if "id" not in row:
            if header is not None or entries:
                raise TaxonomyError(f"{where}: entry has no 'id'")
            if "version" not in row:
                raise TaxonomyError(f"{where}: header line needs a 'version'")
            header = row
            continue
        for key in ("id", "name", label_field, "patterns"):
            if not row.get(key):
                raise TaxonomyError(f"{where}: entry {row.get('id')!r} has no {key!r}")
        if row["id"] in seen_ids:
            raise TaxonomyError(f"{where}: duplicate id {row['id']!r}")
        if row[label_field] not in allowed:
            raise TaxonomyError(f"{where}: unknown {label_field} {row[label_field]!r} "
                                f"(expected one of {', '.join(sorted(allowed))})")
        category = row.get("category")
        if category is not None and not _CATEGORY.match(category):
            raise TaxonomyError(f"{where}: category {category!r} is not a control-list code")
        patterns = row["patterns"]
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p.strip() for p in patterns):
            raise TaxonomyError(f"{where}: 'patterns' must be a list of non-empty strings")
        context_patterns, context = row.get("context_patterns", []), row.get("context", [])
        if not isinstance(context_patterns, list) or not all(isinstance(p, str) and p.strip()
                                                             for p in context_patterns):
            raise TaxonomyError(f"{where}: 'context_patterns' must be a list of non-empty strings")
        if context_patterns and (not isinstance(context, list) or not context or
                                 not all(isinstance(w, str) and w.strip() and " " not in w.strip() for w in context)):
            raise TaxonomyError(f"{where}: 'context_patterns' need 'context', a list of single words")
        for p in patterns + context_patterns:
            key = pattern_key(p)
            if key in seen_patterns and seen_patterns[key] != row["id"]:
                raise TaxonomyError(f"{where}: pattern {p!r} already belongs to {seen_patterns[key]!r}")
            seen_patterns[key] = row["id"]
        exclude = row.get("exclude", [])
        if not isinstance(exclude, list) or not all(isinstance(p, str) and p.strip() for p in exclude):
            raise TaxonomyError(f"{where}: 'exclude' must be a list of non-empty strings")
        seen_ids.add(row["id"])
        entries.append(Entry(id=row["id"], name=row["name"], label=row[label_field],
                             patterns=tuple(dict.fromkeys(p.strip() for p in patterns)),
                             category=category, source=row.get("source"),
                             exclude=tuple(p.strip() for p in exclude),
                             context_patterns=tuple(dict.fromkeys(p.strip() for p in context_patterns)),
                             context=tuple(w.strip().lower() for w in context) if context_patterns else ()))
    if header is None:
        raise TaxonomyError(f"{origin}: no header line with a 'version'")
    if not entries:
        raise TaxonomyError(f"{origin}: no entries")
    return Taxonomy(version=str(header["version"]), entries=entries,
                    title=header.get("taxonomy", "dualuse taxonomy"))


def read(path: str | Path, *, label_field: str = "family") -> Taxonomy:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read ({exc})") from None
    return parse_lines(text.splitlines(), label_field=label_field, origin=str(path))


def packaged(name: str) -> Path:
    return Path(str(resources.files("dualuse.model") / "data" / name))


def default_taxonomy() -> Taxonomy:
    return read(packaged("taxonomy.jsonl"), label_field="family")


def default_cues() -> Taxonomy:
    return read(packaged("cues.jsonl"), label_field="label")


# ---------------------------------------------------------------- surface forms

def pattern_key(pattern: str) -> str:
    """Identity of a pattern: exact for case-sensitive acronyms, lower-cased otherwise."""
    p = " ".join(pattern.split())
    return p if is_case_sensitive(p) else p.lower()


def is_case_sensitive(pattern: str) -> bool:
    """Single-token acronyms and formulas ("AI", "GaN", "5G", "HMX") match by exact case.

    Anything with a space is matched case-insensitively: a multi-word phrase is specific
    enough not to collide with ordinary words.
    """
    if " " in pattern.strip():
        return False
    letters = [c for c in pattern if c.isalpha()]
    uppers = sum(c.isupper() for c in letters)
    if uppers >= 2 or (uppers >= 1 and not pattern[:1].isupper()):
        return True
    return uppers >= 1 and any(c.isdigit() for c in pattern)


_ES_ENDINGS = ("s", "x", "z", "ch", "sh")
_UNCOUNTED = ("aircraft", "spacecraft", "hovercraft", "rotorcraft", "watercraft", "software",
              "hardware", "firmware", "equipment", "ammunition", "armour", "armor", "personnel",
              "intelligence", "plutonium", "uranium", "deuterium", "tritium", "water", "oxide",
              "fuel", "steel", "gas")


def plural(word: str) -> str | None:
    """English plural of a head noun, or None when it has none we should add."""
    low = word.lower()
    if not word.isalpha() or low.endswith(_UNCOUNTED) or len(word) < 3:
        return None
    if low.endswith("sis"):
        return word[:-2] + "es"
    if low.endswith(_ES_ENDINGS):
        return word if low.endswith("s") else word + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def singular(word: str) -> str | None:
    low = word.lower()
    if not word.isalpha() or len(word) < 4 or low.endswith(("ss", "us", "is", "ics")):
        return None
    if low.endswith("ies"):
        return word[:-3] + "y"
    if low.endswith(("ches", "shes", "xes")):
        return word[:-2]
    if low.endswith("s"):
        return word[:-1]
    return None


# The version of the written-forms rules below (``surface_forms``): bump it when they change, so
# that a pipeline built over the packaged lists stops reusing the forms the shipped bundle saved.
FORMS_VERSION = "3"  # 2: long patterns with their hyphens written as spaces; 3: lower-case forms tokenized as written


def surface_forms(pattern: str) -> list[str]:
    """The written variants of one pattern that a matcher should know.

    Adds the plural (or singular) of the head word and, for phrases joined by hyphens or
    spaces, the other joinings: "counter-drone" also gives "counter drone" and "counterdrone";
    "fibre optic" also gives "fibre-optic".
    """
    base = " ".join(pattern.split())
    joinings = {base}
    if is_case_sensitive(base):
        forms = {base}
        if base[-1:].isalpha() and base[-1:].isupper():
            forms.add(base + "s")
        return sorted(forms)
    parts = re.split(r"([ -])", base)
    words, seps = parts[0::2], parts[1::2]
    if seps:
        # Every joining for short compounds; for longer phrases all-space, all-hyphen, and the
        # pattern's own hyphens each written as a space or not ("high temperature gas-cooled
        # reactor", "ultra-high speed camera"); with more than three hyphens, each hyphenated word
        # as a whole ("beyond visual range air-to-air missile"). That is how they are written.
        combos = _combinations(len(seps)) if len(seps) <= 2 else [(" ",) * len(seps), ("-",) * len(seps)]
        if len(seps) > 2:
            groups = _hyphen_groups(words, seps)
            if groups and len(groups) <= 4:
                for spaced in _combinations(len(groups)):
                    combo = list(seps)
                    for group, sep in zip(groups, spaced):
                        for i in group:
                            combo[i] = sep
                    combos.append(tuple(combo))
        for combo in combos:
            joinings.add("".join(w + (combo[i] if i < len(combo) else "") for i, w in enumerate(words)))
        if "-" in seps and all(len(w) <= 8 for w in words):
            joinings.add("".join(words))
    forms = set()
    for form in joinings:
        forms.add(form)
        head = re.split(r"([ -])", form)
        last = head[-1]
        alt = plural(last)
        if alt:
            forms.add(form[: len(form) - len(last)] + alt)
        if len(head) > 1:
            alt = singular(last)
            if alt:
                forms.add(form[: len(form) - len(last)] + alt)
    return sorted(forms)


def _hyphen_groups(words: list[str], seps: list[str]) -> list[list[int]]:
    """The positions in ``seps`` of a pattern's own hyphens that ``surface_forms`` varies
    together: each hyphen alone when there are at most three, else the hyphens of each
    hyphenated word (between two spaces; a hyphen at a word's edge is left as written)."""
    hyphens = [i for i, sep in enumerate(seps) if sep == "-"]
    if len(hyphens) <= 3:
        return [[i] for i in hyphens]
    groups, current = [], []
    for i, sep in enumerate(seps + [" "]):
        if sep == "-":
            current.append(i)
            continue
        # the word's own hyphens, not one that starts or ends it ("-anti-tamper")
        inner = [h for h in current if words[h] and words[h + 1]]
        if inner:
            groups.append(current)
        current = []
    return groups


def _combinations(n: int) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for _ in range(n):
        combos = [c + (s,) for c in combos for s in (" ", "-")]
    return combos
