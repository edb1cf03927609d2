"""Flags on the Federal Register notices of the genres the classifier found hard, for two
bundles side by side in one run: the Army Corps of Engineers (mostly civil works), Veterans
Affairs (benefits administration), civil unmanned-aircraft rules (FAA), and the defence
departments' other notices. Unlabelled: the counts say how many of each group move, and the
listed moves are for reading. A second table gives, per genre picked by its title (whose label
the team's rules settle: DFARS military, FAR civilian, ...), the median probability and the
share scored 0.5 or more; texts only, as in ``dualuse tag`` without a title field.

    python benchmarks/fr_agency_flags.py --before OLD_BUNDLE [--after NEW_BUNDLE] [--list 10]
"""

from __future__ import annotations

import argparse
import collections
import re

import numpy as np

from dualuse.model import load

from common import FEDERAL_REGISTER, read_jsonl_gz

GROUPS = {
    "Army Corps of Engineers": re.compile(r"Corps of Engineers", re.I),
    "Veterans Affairs": re.compile(r"Veterans Affairs|\bVA\b", re.I),
    "FAA unmanned aircraft": re.compile(r"(Federal Aviation Administration|\bFAA\b).*(unmanned aircraft|\bUAS\b|drone)|"
                                        r"(unmanned aircraft|\bUAS\b|drone).*(Federal Aviation Administration|\bFAA\b)",
                                        re.I | re.S),
    "other defence-department notices": re.compile(r"Department of Defense|Department of the (Army|Navy|Air Force)|\bDoD\b",
                                                   re.I),
}


GENRES = {
    "DFARS rules and collections (military)":
        lambda r: "Defense Federal Acquisition Regulation Supplement" in r["title"] or "DFARS" in r["title"],
    "FAR rules and collections (civilian)": lambda r: r["title"].startswith("Federal Acquisition Regulation"),
    "defence-department collections, subject unstated (military, ambiguous)":
        lambda r: r["title"].startswith("Proposed Collection; Comment Request")
        and bool(re.search(r"Department of (Defense|the Navy|the Army|the Air Force)|\bDoD\b", r["text"])),
    "Veterans Affairs (civilian)": lambda r: bool(re.search(r"Department of Veterans Affairs|\(VA\)", r["text"])),
    "TRICARE and its formulary panel (civilian)": lambda r: "TRICARE" in r["title"] or "Uniform Formulary" in r["title"],
    "FAA unmanned aircraft (civilian)": lambda r: bool(re.search(r"unmanned aircraft|\bUAS\b", r["title"] + r["text"], re.I)
                                                       and re.search(r"Federal Aviation Administration|\bFAA\b", r["text"])),
}


def group_of(row: dict) -> str | None:
    text = (row.get("title") or "") + "\n" + (row.get("text") or "")
    for name, pattern in GROUPS.items():
        if pattern.search(text):
            return name
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--before", required=True, help="bundle to compare with")
    ap.add_argument("--after", default=None, help="bundle (default: the shipped one)")
    ap.add_argument("--list", type=int, default=10, help="moves to print per group")
    args = ap.parse_args()
    everything = [r for r in read_jsonl_gz(FEDERAL_REGISTER) if r.get("text")]
    rows = [(r, g) for r in everything for g in [group_of(r)] if g]
    genres = {name: [r for r in everything if picks(r)] for name, picks in GENRES.items()}
    flags, probs = {}, {}
    for name, path in (("before", args.before), ("after", args.after)):
        tagger = load(path)
        flags[name] = [rec["flag"] for rec in tagger.tag((r["id"], r["text"]) for r, _ in rows)]
        probs[name] = {g: np.array([rec["military_prob"] for rec in tagger.tag((r["id"], r["text"]) for r in rs)])
                       for g, rs in genres.items()}
    print("| group | notices | military before | military after | review before | review after | moved |")
    print("|---|---|---|---|---|---|---|")
    for group in GROUPS:
        idx = [i for i, (_, g) in enumerate(rows) if g == group]
        count = {k: collections.Counter(flags[k][i] for i in idx) for k in flags}
        moved = sum(flags["before"][i] != flags["after"][i] for i in idx)
        print(f"| {group} | {len(idx)} | {count['before']['military']} | {count['after']['military']} | "
              f"{count['before']['review']} | {count['after']['review']} | {moved} |")
    print("\n| genre (by title) | notices | median before | median after | >= 0.5 before | >= 0.5 after |")
    print("|---|---|---|---|---|---|")
    for g, rs in genres.items():
        b, a = probs["before"][g], probs["after"][g]
        print(f"| {g} | {len(rs)} | {np.median(b):.2f} | {np.median(a):.2f} | {(b >= 0.5).mean():.0%} | "
              f"{(a >= 0.5).mean():.0%} |")
    for group in GROUPS:
        moves = [i for i, (_, g) in enumerate(rows) if g == group and flags["before"][i] != flags["after"][i]]
        if moves:
            print(f"\n{group}: {len(moves)} moved")
            for i in moves[: args.list]:
                r = rows[i][0]
                print(f"  {flags['before'][i]:>8} -> {flags['after'][i]:8} {r['id']:16} {r['title'][:90]}")


if __name__ == "__main__":
    main()
