"""Named equivalence sets: characters counted as the same before CER and WER are computed.

``none`` (the default) compares the texts as they are, after NFC. ``dinglehopper`` is the set
dinglehopper 0.11 always applies (its "SBB" normalization, made for OCR-D ground truth against
Tesseract's Fraktur and Calamari's GT4HistOCR models), so that figures compare like for like with
it: after NFC, in two steps,

1. ligatures are spelled out: the Unicode ones (``ﬁ ﬀ ﬂ ﬃ ﬆ ĳ``) and those MUFI and eMOP encode
   in the private-use area (``ſſ``, ``ſſi``, ``ch``, ``ck``, ``ll``, ``ſi``, ``ſt``, ``ct``, ``tz``,
   ``as``, ``is``, ``us``, ``Qu``, ``ſp`` and ``q&``);
2. letters and punctuation are unified: MUFI's private-use ``ä ö ü`` and the umlaut written as a
   superscript e (``aͤ oͤ uͤ``) become ``ä ö ü``, MUFI's q with acute ``q́``, the em dash and ``==``
   the en dash ``–``, the right single quotation mark ``’`` the apostrophe ``'``, and the double
   oblique hyphen ``⸗`` the hyphen ``-``.

The long s ``ſ`` stays ``ſ``, and nothing else is folded (not case, not other dashes or quotes).
A ligature's letters come out before the letters are unified, so ``Qu`` from its ligature followed
by a combining e becomes ``Qü``, as in dinglehopper.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

from pipeline.config import EQUIVALENCE_SETS

#: Step 1 of ``dinglehopper``: ligatures and the letters they stand for.
_LIGATURES: Mapping[str, str] = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb06": "st", "\u0133": "ij",
    # MUFI (Medieval Unicode Font Initiative) private-use ligatures
    "\ueba6": "ſſ", "\ueba7": "ſſi", "\ueba2": "ſi", "\ueada": "ſt", "\ueba5": "ſp",
    "\uf502": "ch", "\ueec4": "ck", "\uf4f9": "ll", "\ueec5": "ct", "\ueedc": "tz", "\ue8bf": "q&",
    # eMOP (Early Modern OCR Project) private-use ligatures
    "\uf532": "as", "\uf533": "is", "\uf534": "us", "\uf535": "Qu",
}
#: Step 2 of ``dinglehopper``: letters and punctuation counted as one.
_LETTERS: Mapping[str, str] = {
    "\ue42c": "ä", "\ue644": "ö", "\ue72b": "ü",  # MUFI private-use umlauts
    "a\u0364": "ä", "o\u0364": "ö", "u\u0364": "ü",  # the umlaut as a combining small e above
    "\uf50e": "q\u0301",  # MUFI q with acute
    "\u2014": "\u2013", "==": "\u2013",  # em dash and a doubled equals sign: the en dash
    "\u2019": "'",  # right single quotation mark: the apostrophe
    "\u2e17": "-",  # double oblique hyphen: the hyphen
}


def _replacer(table: Mapping[str, str]) -> Callable[[str], str]:
    """A function replacing, in one left-to-right pass, each key of ``table`` by its value."""
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    return lambda text: pattern.sub(lambda m: table[m.group()], text)


#: Each set of ``EQUIVALENCE_SETS`` (``AlignConfig.equivalences``, ``cer --equivalences``) as its steps.
_STEPS: dict[str, tuple[Callable[[str], str], ...]] = {
    "none": (),
    "dinglehopper": (_replacer(_LIGATURES), _replacer(_LETTERS)),
}


def apply_equivalences(text: str, name: str = "none") -> str:
    """``text`` in NFC with the equivalence set ``name`` applied (``EQUIVALENCE_SETS``)."""
    try:
        steps = _STEPS[name]
    except KeyError:
        raise ValueError(f"unknown equivalence set {name!r}; use one of {', '.join(EQUIVALENCE_SETS)}") from None
    text = unicodedata.normalize("NFC", text)
    for step in steps:
        text = step(text)
    return text
