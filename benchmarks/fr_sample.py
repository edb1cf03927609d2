"""Print the tagger's output on a random sample of Federal Register abstracts, for reading.

    python benchmarks/fr_sample.py [--n 50] [--seed 7] [--model DIR]
"""

from __future__ import annotations

import argparse
import random
import textwrap

from dualuse.model import load

from common import FEDERAL_REGISTER, read_jsonl_gz


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--model")
    ap.add_argument("--full", action="store_true", help="print the whole text, not the first 400 characters")
    args = ap.parse_args()
    rows = list(read_jsonl_gz(FEDERAL_REGISTER))
    sample = random.Random(args.seed).sample(rows, args.n)
    tagger = load(args.model)
    for row, rec in zip(sample, tagger.tag((r["id"], r["text"]) for r in sample)):
        print(f"=== {row['id']}  {row['title'][:90]}")
        print(f"    flag={rec.get('flag')} p={rec.get('military_prob')} drivers={rec.get('drivers')}")
        text = row["text"] if args.full else row["text"][:400]
        print(textwrap.indent(textwrap.fill(text, 110), "    "))
        for m in rec["mentions"]:
            print(f"    - {m['text']!r} -> {m['term']} [{m['family']}] p={m.get('military_prob')} cues={m['cues']}")


if __name__ == "__main__":
    main()
