"""Extraction throughput: the full pipeline against bare spacy.blank("en") tokenization.

Same process, same texts, both through nlp.pipe; each is timed `--rounds` times, alternating,
and the best round of each is kept (the machine is shared and noisy).

    python benchmarks/extraction_speed.py [--docs 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse

import spacy

from dualuse.model.pipeline import build_pipeline

from common import FEDERAL_REGISTER, read_jsonl_gz, timed


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
    best = {"bare": float("inf"), "pipeline": float("inf")}
    for _ in range(args.rounds):
        for name, nlp in (("bare", bare), ("pipeline", full)):
            _, seconds = timed(run, nlp, texts, args.batch_size)
            best[name] = min(best[name], seconds)
    print(f"{len(texts)} Federal Register abstracts, {words} words (whitespace-split)")
    print("| pipeline | seconds | docs/s | words/s |\n|---|---|---|---|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds:.2f} | {len(texts) / seconds:,.0f} | {words / seconds:,.0f} |")
    print(f"\nratio pipeline/bare: {best['bare'] / best['pipeline']:.2f}")


if __name__ == "__main__":
    main()
