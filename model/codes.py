"""Control-list codes a document cites: export control classification numbers (the five-character
codes of the US Commerce Control List and the EU/Wassenaar dual-use list, "3A001.b.5"),
"EAR99", Military List entries ("ML10.a"), US Munitions List categories ("USML Category XI")
and MTCR Annex categories.

A code is a fact of the text, not a guess: it is found by its exact form, and a bare "Category
II" counts only with the list it belongs to named before it (tariff petitions and bank rules have
categories too).
"""

from __future__ import annotations

import re

_ROMAN = r"(?:XXI|XX|XIX|XVIII|XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(?![A-Za-z])"
_USML_NAME = r"(?:USML|(?:U\.\s?S\.|United States) Munitions List(?: \(USML\))?)"
_CATEGORY = r"(?:[Cc]ategory|[Cc]at\.)"
_SUBPARAGRAPHS = r"(?:\([a-z]\)(?:\([0-9]{1,2}\)(?:\([ivx]{1,4}\))?)?)?"

_DIGIT_CODE = re.compile(r"[0-9][A-EYx][0-9]")

# (list name, a cheap test of what a text must hold for the pattern to match, pattern). Most
# texts cite no code; looking first spares them the full patterns, which cost a fifth of tagging.
_PATTERNS = (
    # digit = category, letter = product group, three digits, then optional sub-paragraphs, each
    # a letter or a number (".b", ".b.5", ".a.1.c"); also the 0Y521 series, and "x" for any group
    # only in the 515 and 600 series ("9x515", "3x611"): "1x105" and "1x128" are numbers and sizes.
    ("dual-use (ECCN)", lambda t: _DIGIT_CODE.search(t) is not None,
     re.compile(r"(?<![\w.\-/])(?:[0-9][A-E][0-9]{3}|0Y521|[0-9]x(?:515|6[0-9]{2}))"
                r"(?:\.(?:[a-z]|[0-9]{1,2})(?![\w]))*(?![\w\-/])")),
    ("EAR99", lambda t: "EAR" in t, re.compile(r"(?<![\w\-])EAR ?99(?![\w\-])")),
    ("Military List", lambda t: "ML" in t,
     re.compile(r"(?<![\w\-])ML(?:2[0-2]|1[0-9]|[1-9])(?:\.?[a-z](?:\.[0-9]{1,2})?)?(?![\w\-])")),
    ("US Munitions List", lambda t: "Munitions List" in t or "USML" in t,
     re.compile(_USML_NAME + r",?\s+" + _CATEGORY + r"\s+" + _ROMAN + _SUBPARAGRAPHS)),
    ("MTCR Annex", lambda t: "MTCR" in t,
     re.compile(r"MTCR\)?(?: Annex)?(?:\s+as)?\s+" + _CATEGORY + r"\s+(?:II|I)(?![\w])")),
    ("MTCR Annex", lambda t: "MTCR" in t or "Missile Technology Control Regime" in t,
     re.compile(_CATEGORY + r"\s+(?:II|I)\s+(?:of|in|on)\s+the\s+(?:MTCR|Missile Technology Control "
                r"Regime)(?: \(MTCR\))?(?: Annex)?")),
)

# A number in scientific notation ("1E100", "2E308") has the form of a technology ECCN: one is
# taken only with export control named within the 120 characters before it.
_E_NUMBER = re.compile(r"[0-9]E[0-9]{3}")
_CONTROL_CONTEXT = re.compile(r"ECCN|Export|export|EAR|CCL|Commerce Control|[Cc]ontrol")

# "Category XI of the USML", "Categories I (firearms), II (guns), and III of the U.S. Munitions List",
# "U.S. Munitions List Categories I, II, and III": one code per numeral, at the numeral. The
# numerals are separated by commas or "and" (never nothing, so a run of letters has one reading).
_NUMBER_ITEM = _ROMAN + r"(?:\s*\([^()]{1,80}\))?"
_NUMERALS = r"(" + _NUMBER_ITEM + r"(?:(?:,\s*(?:and\s+)?|\s+and\s+)" + _NUMBER_ITEM + r")*)"
_USML_LISTS = (re.compile(r"[Cc]ategor(?:y|ies)\s+" + _NUMERALS + r",?\s*of\s+the\s+" + _USML_NAME),
               re.compile(_USML_NAME + r",?\s+[Cc]ategories\s+" + _NUMERALS))
_NUMERAL = re.compile(r"(?<![\w(])" + _ROMAN)
_PARENTHESES = re.compile(r"\([^()]*\)")


def find_codes(text: str, offset: int = 0) -> list[dict]:
    """Each code cited in ``text`` with its list and character offsets (plus ``offset``), in
    order of appearance. A sentence's closing period is not part of a code. ``code`` is the
    code as written, but US Munitions List and MTCR categories are spelt one way ("USML Category
    XI(c)", "MTCR Category I"), and where the categories come before the list ("Categories I and
    II of the USML") each numeral is one code, with the numeral's offsets."""
    found = []
    for name, needed, pattern in _PATTERNS:
        if not needed(text):
            continue
        for match in pattern.finditer(text):
            code = " ".join(match.group(0).split())
            if (name == "dual-use (ECCN)" and _E_NUMBER.fullmatch(code)
                    and not _CONTROL_CONTEXT.search(text, max(0, match.start() - 120), match.start())):
                continue
            if name == "MTCR Annex":  # "MTCR) Annex as Category I", "Category I of the MTCR Annex"
                code = "MTCR Category " + re.search(r"\b(II|I)\b", code[code.lower().index("cat"):]).group(1)
            elif name == "US Munitions List":  # "U.S. Munitions List (USML) Cat. XI(c)"
                code = "USML Category " + code.rsplit(" ", 1)[1]
            found.append({"code": code, "list": name,
                          "start": match.start() + offset, "end": match.end() + offset})
    lists = _USML_LISTS if ("Munitions List" in text or "USML" in text) else ()
    for match in (m for pattern in lists for m in pattern.finditer(text)):
        numerals = match.group(1)
        blanked = _PARENTHESES.sub(lambda m: " " * len(m.group(0)), numerals)  # "(firearms, ...)"
        for numeral in _NUMERAL.finditer(blanked):
            start = match.start(1) + numeral.start()
            found.append({"code": f"USML Category {numeral.group(0)}", "list": "US Munitions List",
                          "start": start + offset, "end": start + len(numeral.group(0)) + offset})
    found.sort(key=lambda c: (c["start"], -c["end"]))
    kept: list[dict] = []
    for c in found:  # two forms over the same words ("USML Category XI of the USML") are one code
        if not any(k["code"] == c["code"] and k["end"] > c["start"] for k in kept[-3:]):
            kept.append(c)
    return kept
