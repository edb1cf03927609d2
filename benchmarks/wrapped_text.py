"""Mentions in hard-wrapped text against the same text unwrapped, in one run.

Text files and text taken from PDFs break their lines at a fixed width, often inside a term
("synthetic aperture" at one line's end, "radar" at the next line's start). Here each SBIR
abstract and Federal Register summary is tagged twice with the default bundle: as published, and
with a line break put in place of the space where a line would pass ``--width`` characters. The
break takes the space's place, so character offsets are the same in both, and the mentions can be
compared by (start, end, term). Tabs and no-break spaces are given the same check with
``--space``.

    python benchmarks/wrapped_text.py [--docs 4000] [--width 72] [--space "\\n"]

Printed: the mentions of the unwrapped text, how many of them the wrapped text gives at the same
offsets with the same term (the ratio is the share kept), and how many the wrapped text gives
that the unwrapped one does not; then how many document flags differ and how far the military
probability moved.
"""

from __future__ import annotations

import argparse

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


def mentions(record: dict) -> set:
    return {(m["start"], m["end"], m["term_id"]) for m in record["mentions"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=4000, help="documents from each corpus")
    ap.add_argument("--width", type=int, default=72)
    ap.add_argument("--space", default="\n", help="what takes a wrapped space's place (a line break by default)")
    args = ap.parse_args()
    space = args.space.encode().decode("unicode_escape")
    rows = [r for path in (SBIR, FEDERAL_REGISTER) for r in read_jsonl_gz(path, args.docs)]
    wrapped = [wrap(r["text"], args.width, space) for r in rows]
    assert all(len(w) == len(r["text"]) for w, r in zip(wrapped, rows))
    tagger = load()
    plain = tagger.tag((r["id"], r["text"]) for r in rows)
    broken = tagger.tag((r["id"], w) for r, w in zip(rows, wrapped))
    found = kept = extra = docs_changed = flags_changed = 0
    shift = []
    for a, b in zip(plain, broken):
        flags_changed += a["flag"] != b["flag"]
        shift.append(abs(a["military_prob"] - b["military_prob"]))
        ma, mb = mentions(a), mentions(b)
        found += len(ma)
        kept += len(ma & mb)
        extra += len(mb - ma)
        docs_changed += ma != mb
    breaks = sum(w.count(space) - r["text"].count(space) for w, r in zip(wrapped, rows))
    print(f"{len(rows)} documents ({args.docs} SBIR, {args.docs} Federal Register), {breaks:,} breaks "
          f"({space!r} at width {args.width})\n")
    print("| text | mentions | same mention in the wrapped text | share kept | only in the wrapped text | "
          "documents that differ |\n|---|---|---|---|---|---|")
    print(f"| as published (reference) | {found:,} | - | - | - | - |")
    print(f"| hard-wrapped | - | {kept:,} | **{kept / max(found, 1):.3f}** | {extra:,} | {docs_changed:,} |")
    print(f"\ndocument flags that differ: {flags_changed} of {len(rows)}; military probability moved by "
          f"{sum(shift) / len(shift):.4f} on average, at most {max(shift):.4f}")


if __name__ == "__main__":
    main()
