"""Inference throughput with the classifier: the default bundle producing full records, against bare
spacy.blank("en") tokenization of the same Federal Register abstracts, single process.

Each is timed `--rounds` times, alternating; the best round of each is kept. Then the same again
with the loaded objects frozen out of the garbage collector's walks (`settled`, as the `dualuse
tag` command and its workers run): both sides in the same settled process.

    python benchmarks/inference_speed.py [--docs 20000] [--rounds 2] [--model DIR]
"""

from __future__ import annotations

import argparse

import spacy

from dualuse.model import load
from dualuse.model.tagger import settled

from common import FEDERAL_REGISTER, best_of, read_jsonl_gz, speed_table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--model")
    args = ap.parse_args()
    rows = list(read_jsonl_gz(FEDERAL_REGISTER, args.docs))
    texts = [r["text"] for r in rows]
    pairs = [(r["id"], r["text"]) for r in rows]
    words = sum(len(t.split()) for t in texts)
    bare, tagger = spacy.blank("en"), load(args.model)

    def tokenize():
        return sum(len(d) for d in bare.pipe(texts, batch_size=args.batch_size))

    def tag():
        return sum(len(r["mentions"]) for r in tagger.tag(pairs, batch_size=args.batch_size))

    best = best_of(args.rounds, {"bare tokenizer": tokenize, "dualuse tag (records), API": tag})
    with settled():
        frozen = best_of(args.rounds, {"bare tokenizer, settled": tokenize,
                                       "dualuse tag (records), settled as the CLI": tag})
    print(f"{len(texts)} Federal Register abstracts, {words} words; model {tagger.model}")
    print(speed_table(best | frozen, len(texts), words))
    (bare, api), (bare_settled, cli) = best.values(), frozen.values()
    print(f"\nratio tag/bare: {bare / api:.2f} through the API as loaded; "
          f"{bare_settled / cli:.2f} settled as `dualuse tag` runs")


if __name__ == "__main__":
    main()
