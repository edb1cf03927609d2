"""Stage 1, prepare: labelled documents -> the spaCy pipeline -> classifier rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dualuse.corpora.labelled import LabelledDoc
from dualuse.model.components import TECH_KEY
from dualuse.model.features import context_rows, document_row, lower_tokens
from dualuse.model.zones import pipe_in_zones


@dataclass
class Prepared:
    ids: list[str]
    labels: np.ndarray            # "military" / "civilian" per document
    doc_rows: list[tuple]
    families: list[frozenset]     # technology families mentioned, per document
    ctx_rows: list[tuple] = field(default_factory=list)
    ctx_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # document of each row

    def subset(self, index: np.ndarray) -> "Prepared":
        index = np.asarray(index)
        keep = set(index.tolist())
        remap = {old: new for new, old in enumerate(index.tolist())}
        ctx_keep = [i for i, d in enumerate(self.ctx_doc.tolist()) if d in keep]
        return Prepared(
            ids=[self.ids[i] for i in index], labels=self.labels[index],
            doc_rows=[self.doc_rows[i] for i in index], families=[self.families[i] for i in index],
            ctx_rows=[self.ctx_rows[i] for i in ctx_keep],
            ctx_doc=np.array([remap[self.ctx_doc[i]] for i in ctx_keep], dtype=int),
        )

    @property
    def ctx_labels(self) -> np.ndarray:
        return self.labels[self.ctx_doc] if len(self.ctx_doc) else np.array([], dtype=object)


def prepare(docs: list[LabelledDoc], nlp, *, batch_size: int = 64) -> Prepared:
    ids, labels, doc_rows, families, ctx_rows, ctx_doc = [], [], [], [], [], []
    def consume(doc, i):
        ids.append(docs[i].id)
        labels.append(docs[i].label)
        tokens = lower_tokens(doc)
        doc_rows.append(document_row(doc, tokens))
        families.append(frozenset(s.label_ for s in doc.spans.get(TECH_KEY, [])))
        rows, _ = context_rows(doc, tokens)
        ctx_rows.extend(rows)
        ctx_doc.extend([len(ids) - 1] * len(rows))

    for _ in pipe_in_zones(nlp, ((d.text, i) for i, d in enumerate(docs)), batch_size=batch_size,
                           consume=consume):
        pass
    return Prepared(ids=ids, labels=np.array(labels, dtype=object), doc_rows=doc_rows, families=families,
                    ctx_rows=ctx_rows, ctx_doc=np.array(ctx_doc, dtype=int))
