"""`dualuse tag --html report.html`: a page with a summary table and each document's text,
technology mentions highlighted (spaCy's displaCy) and coloured by their military probability.

Documents are written to a temporary file as they arrive and the summary is put in front at
the end, so memory stays flat however many documents there are.
"""

from __future__ import annotations

import heapq
import html
import os
import tempfile
from collections import Counter
from pathlib import Path

from .output import cited_codes

MAX_RENDERED_CHARS = 200_000


def _colour(prob: float | None) -> str:
    """Green (civilian) through yellow to red (military)."""
    if prob is None:
        return "#ddd"
    return f"hsl({round(120 * (1 - prob))}, 75%, 72%)"


class HtmlReport:
    def __init__(self, path: Path, *, force: bool = False) -> None:
        if path.exists() and not force:
            raise FileExistsError(f"{path} exists; use --force to replace it")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.body = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                                prefix=f".{path.name}.", suffix=".body", delete=False)
        self.flags: Counter = Counter()
        self.families: Counter = Counter()
        self.top: list = []  # heap of (prob, -index, id)
        self.count = 0

    def add(self, record: dict, text: str | None) -> None:
        from spacy import displacy

        self.count += 1
        anchor = f"d{self.count}"
        if record.get("error"):
            self.flags["error"] += 1
            self.body.write(f'<section id="{anchor}"><h3>{html.escape(record["id"])} '
                            f'<span class="flag error">error</span></h3>'
                            f'<p class="error">{html.escape(record["error"])}</p></section>\n')
            return
        flag = record.get("flag", "-")
        prob = record.get("military_prob")
        self.flags[flag] += 1
        self.families.update({m["family"] for m in record["mentions"]})
        if prob is not None:
            item = (prob, -self.count, record["id"], anchor)
            if len(self.top) < 25:
                heapq.heappush(self.top, item)
            else:
                heapq.heappushpop(self.top, item)
        text = text or ""
        shown = text[:MAX_RENDERED_CHARS]
        ents, colours = [], {}
        for m in record["mentions"]:
            if m["end"] > len(shown):
                break
            p = m.get("military_prob")
            label = f"{m['family']} {p:.2f}" if p is not None else m["family"]
            colours[label] = _colour(p)
            ents.append({"start": m["start"], "end": m["end"], "label": label})
        rendered = displacy.render({"text": shown, "ents": ents, "title": None}, style="ent", manual=True,
                                   page=False, options={"colors": colours})
        more = (f'<p class="note">Showing the first {MAX_RENDERED_CHARS:,} of {len(text):,} characters.</p>'
                if len(text) > len(shown) else "")
        prob_text = f"{prob:.2f}" if prob is not None else "-"
        codes = cited_codes(record)
        cites = f'<p class="note">Cites control-list codes: {html.escape(codes)}</p>' if codes else ""
        self.body.write(f'<section id="{anchor}"><h3>{html.escape(record["id"])} '
                        f'<span class="flag {flag}">{flag} {prob_text}</span></h3>{cites}{rendered}{more}</section>\n')

    def finish(self) -> None:
        self.body.close()
        rows = "".join(
            f'<tr><td><a href="#{anchor}">{html.escape(doc_id)}</a></td><td>{prob:.2f}</td></tr>'
            for prob, _, doc_id, anchor in sorted(self.top, reverse=True))
        flags = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in sorted(self.flags.items()))
        # most first, ties by name: the same page whatever the interpreter's hash seed
        ranked = sorted(self.families.items(), key=lambda kv: (-kv[1], kv[0]))
        families = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in ranked)
        head = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>dualuse report</title><style>
body{{font-family:sans-serif;margin:2em;max-width:70em}} table{{border-collapse:collapse;margin:0 2em 1em 0}}
td,th{{border:1px solid #ccc;padding:2px 8px}} .tables{{display:flex;flex-wrap:wrap;align-items:flex-start}}
.flag{{font-size:80%;padding:1px 6px;border-radius:4px}} .military{{background:#f4a6a6}}
.review{{background:#f6e08b}} .civilian{{background:#a9dfa9}} .error{{background:#d9b3ff}}
section{{border-top:1px solid #ddd;margin-top:1em}} .note{{color:#777}}</style></head><body>
<h1>dualuse report</h1><p>{self.count} documents. Mentions are coloured by their military probability,
from green (civilian) to red (military).</p><div class="tables">
<table><tr><th>flag</th><th>documents</th></tr>{flags}</table>
<table><tr><th>family</th><th>documents</th></tr>{families}</table>
<table><tr><th>most military documents</th><th>p</th></tr>{rows}</table></div>
"""
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        with open(tmp, "w", encoding="utf-8") as out, open(self.body.name, encoding="utf-8") as body:
            out.write(head)
            for line in body:
                out.write(line)
            out.write("</body></html>\n")
        os.replace(tmp, self.path)
        os.unlink(self.body.name)

    def abandon(self) -> None:
        self.body.close()
        if os.path.exists(self.body.name):
            os.unlink(self.body.name)
