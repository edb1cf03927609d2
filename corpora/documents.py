"""The unit every reader yields and every stage consumes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Document:
    """One input document. ``error`` is set (and ``text`` empty) when it could not be read."""

    id: str
    text: str
    source: str
    meta: dict = field(default_factory=dict)
    error: str | None = None

    @classmethod
    def failed(cls, id: str, source: str, error: str, **meta) -> "Document":
        return cls(id=id, text="", source=source, meta=meta, error=error)

    def failed_with(self, error: str) -> "Document":
        """This document, read but not processed: its error record keeps its id, source and meta."""
        return Document.failed(self.id, self.source, error, **self.meta)
