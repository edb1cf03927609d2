"""Control-list codes in real text: every code `dualuse` finds in the SBIR abstracts and the
Federal Register summaries (titles and texts), printed in its context for reading, and, for
recall, every place that names a control list (ECCN, USML, Munitions List, MTCR, EAR99,
Wassenaar, Military List, Commerce Control List) with no code found within 80 characters.

    python benchmarks/control_codes.py [--context 50]
"""

from __future__ import annotations

import argparse
import collections
import re

from dualuse.model.codes import find_codes

from common import FEDERAL_REGISTER, SBIR, read_jsonl_gz

LIST_NAMES = re.compile(r"ECCN|USML|Munitions List|MTCR|EAR ?99|Wassenaar|Military List|Commerce Control List")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--context", type=int, default=50)
    args = ap.parse_args()
    k = args.context
    for source in (SBIR, FEDERAL_REGISTER):
        codes, lists, docs, uncovered = 0, collections.Counter(), set(), []
        for row in read_jsonl_gz(source):
            for field in ("title", "text"):
                text = row.get(field) or ""
                found = find_codes(text)
                for c in found:
                    codes += 1
                    lists[c["list"]] += 1
                    docs.add(row["id"])
                    print(f"  {row['id']:18} {c['code']:22} | {text[max(0, c['start'] - k):c['end'] + 20]!r}")
                for m in LIST_NAMES.finditer(text):
                    lo, hi = max(0, m.start() - 80), m.end() + 80
                    if not any(c["start"] < hi and c["end"] > lo for c in found):
                        uncovered.append((row["id"], text[lo:hi]))
        print(f"{source.name}: {codes} codes in {len(docs)} documents {dict(lists)}; "
              f"{len(uncovered)} list names with no code near them:")
        for doc_id, window in uncovered:
            print(f"    {doc_id:18} {window!r}")


if __name__ == "__main__":
    main()
