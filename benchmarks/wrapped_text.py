"""Mentions in hard-wrapped text against the same text unwrapped, in one run.

Text files and text taken from PDFs break their lines at a fixed width, often inside a term
("synthetic aperture" at one line's end, "radar" at the next line's start). Here each SBIR
abstract and Federal Register summary is tagged twice with the default bundle: as published, and
with a line break put in place of the space where a line would pass ``--width`` characters. The
break takes the space's place, so character offsets are the same in both, and the mentions can be
compared by (start, end, term). Tabs and no-break spaces are given the same check with
``--space``. With ``--hyphenate`` a long lower-case word that would pass the width is broken
inside, as justified text and PDFs do ("ra-" at one line's end, "dar" at the next line's start);
the hyphen is a character more, so the wrapped text's offsets are mapped back to the published
text's before the comparison.

    python benchmarks/wrapped_text.py [--docs 4000] [--width 72] [--space "\\n"] [--hyphenate]

Printed: the mentions of the unwrapped text, how many of them the wrapped text gives at the same
offsets with the same term (the ratio is the share kept), and how many the wrapped text gives
that the unwrapped one does not; then how many document flags differ and how far the military
probability moved.
"""

from __future__ import annotations

import argparse
import re

from dualuse.model import load

from common import FEDERAL_REGISTER, SBIR, read_jsonl_gz


def wrap(text: str, width: int, space: str = "\n") -> str:
    """``text`` with ``space`` in place of each plain space where its line would pass ``width``."""
    chars = list(text)
    line_start, last_space = 0, -1
    for i, c in enumerate(chars):
        if c == "\n":
            line_start, last_space = i + 1, -1
        elif c == " ":
            last_space = i
        if i - line_start >= width and last_space > line_start:
            chars[last_space] = space
            line_start, last_space = last_space + 1, -1
    return "".join(chars)


def hyphen_wrap(text: str, width: int) -> tuple[str, list[int]]:
    """``text`` wrapped at ``width`` as ``wrap`` does, but a lower-case word of 8 letters or more
    that would pass the width is broken inside with a hyphen and a line break (at least 3 letters
    on each side); and, for each character of the result, its offset in ``text`` (the inserted
    hyphen and break take the offset of the letter before them)."""
    out, origin = [], []
    line = 0
    for piece in re.finditer(r"\S+|\s+", text):
        word, at = piece.group(), piece.start()
        if word.isspace():
            for k, c in enumerate(word):
                if c == " " and line >= width:
                    c = "\n"
                out.append(c)
                origin.append(at + k)
                line = 0 if c in "\n\r" else line + 1
            continue
        room = width - line
        if line < width < line + len(word) and len(word) >= 8 and word.isalpha() and word.islower() and 3 <= room <= len(word) - 3:
            out += list(word[:room]) + ["-", "\n"] + list(word[room:])
            origin += [at + k for k in range(room)] + [at + room - 1] * 2 + [at + k for k in range(room, len(word))]
            line = len(word) - room
        else:
            out += list(word)
            origin += range(at, at + len(word))
            line += len(word)
    return "".join(out), origin


def mentions(record: dict, origin: list[int] | None = None) -> set:
    if origin is None:
        return {(m["start"], m["end"], m["term_id"]) for m in record["mentions"]}
    return {(origin[m["start"]], origin[m["end"] - 1] + 1, m["term_id"]) for m in record["mentions"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=4000, help="documents from each corpus")
    ap.add_argument("--width", type=int, default=72)
    ap.add_argument("--space", default="\n", help="what takes a wrapped space's place (a line break by default)")
    ap.add_argument("--hyphenate", action="store_true", help="break long words at the line end with a hyphen")
    args = ap.parse_args()
    space = args.space.encode().decode("unicode_escape")
    rows = [r for path in (SBIR, FEDERAL_REGISTER) for r in read_jsonl_gz(path, args.docs)]
    if args.hyphenate:
        space = "\n"
        wrapped, origins = zip(*(hyphen_wrap(r["text"], args.width) for r in rows))
        assert all(len(w) == len(o) for w, o in zip(wrapped, origins))
    else:
        wrapped = [wrap(r["text"], args.width, space) for r in rows]
        origins = [None] * len(rows)
        assert all(len(w) == len(r["text"]) for w, r in zip(wrapped, rows))
    tagger = load()
    plain = tagger.tag((r["id"], r["text"]) for r in rows)
    broken = tagger.tag((r["id"], w) for r, w in zip(rows, wrapped))
    found = kept = extra = docs_changed = flags_changed = 0
    shift = []
    for a, b, origin in zip(plain, broken, origins):
        flags_changed += a["flag"] != b["flag"]
        shift.append(abs(a["military_prob"] - b["military_prob"]))
        ma, mb = mentions(a), mentions(b, origin)
        found += len(ma)
        kept += len(ma & mb)
        extra += len(mb - ma)
        docs_changed += ma != mb
    breaks = sum(w.count(space) - r["text"].count(space) for w, r in zip(wrapped, rows))
    inside = ""
    if args.hyphenate:
        hyphens = sum(len(o) - len(r["text"]) for o, r in zip(origins, rows)) // 2  # each adds "-" and a break
        inside = f"; {hyphens:,} of them inside a word, after a hyphen"
    print(f"{len(rows)} documents ({args.docs} SBIR, {args.docs} Federal Register), {breaks:,} breaks "
          f"({space!r} at width {args.width}{inside})\n")
    print("| text | mentions | same mention in the wrapped text | share kept | only in the wrapped text | "
          "documents that differ |\n|---|---|---|---|---|---|")
    print(f"| as published (reference) | {found:,} | - | - | - | - |")
    print(f"| hard-wrapped | - | {kept:,} | **{kept / max(found, 1):.3f}** | {extra:,} | {docs_changed:,} |")
    print(f"\ndocument flags that differ: {flags_changed} of {len(rows)}; military probability moved by "
          f"{sum(shift) / len(shift):.4f} on average, at most {max(shift):.4f}")


if __name__ == "__main__":
    main()
