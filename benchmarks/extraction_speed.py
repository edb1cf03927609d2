"""Extraction throughput: the full pipeline against bare spacy.blank("en") tokenization.

Same process, same texts, both through nlp.pipe; each is timed `--rounds` times, alternating,
and the best round of each is kept (the machine is shared and noisy).

    python benchmarks/extraction_speed.py [--docs 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse

import spacy

from dualuse.model.pipeline import build_pipeline

from common import FEDERAL_REGISTER, best_of, read_jsonl_gz, speed_table


def run(nlp, texts: list[str], batch_size: int) -> int:
    return sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=256)
    args = ap.parse_args()
    texts = [r["text"] for r in read_jsonl_gz(FEDERAL_REGISTER, args.docs)]
    words = sum(len(t.split()) for t in texts)
    bare, full = spacy.blank("en"), build_pipeline()
    best = best_of(args.rounds, {"bare": lambda: run(bare, texts, args.batch_size),
                                 "pipeline": lambda: run(full, texts, args.batch_size)})
    print(f"{len(texts)} Federal Register abstracts, {words} words (whitespace-split)")
    print(speed_table(best, len(texts), words, header="pipeline"))
    print(f"\nratio pipeline/bare: {best['bare'] / best['pipeline']:.2f}")


if __name__ == "__main__":
    main()
