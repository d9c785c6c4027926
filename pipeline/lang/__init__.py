"""What the pipeline knows about languages and scripts, in one place.

- ``script``: letters counted per Unicode script; the script of a transcription's original (from
  the archive's language name or its letters), how to tell its lines from the English
  translation's, and which scripts a Tesseract language setting (``rus+eng``) reads.
- ``months``: month names per language (``data/months.yaml``), for dates, alignment keys and
  divergence scoring; ``dates``: each language's date grammar over them; ``numbers``: how it
  groups digits, marks decimals, ordinals and scales.
- ``translit``: Cyrillic in Latin letters: one fixed romanization for lookup keys, and every
  spelling of the ``iuliia`` schemes plus ``data/spanish.yaml`` for matching names.
- ``lexicon``: the Russian dictionary (pymorphy3): word forms and their readings.
- ``proper_names``: whether a word is a proper name, for divergence scoring and translation checks.

Data files live in ``data/``, a plain folder found with ``importlib.resources`` beside the modules
(it needs no ``__init__.py``; ``pyproject.toml`` ships every ``*.yaml`` of the package).

Adding a language:

1. ``script.py``: its English name (as the archive's ``Original Language`` gives it) in
   ``_LANGUAGE_SCRIPTS``; if it is written in Cyrillic, its Tesseract code in ``_CYRILLIC_OCR_LANGS``.
2. ``data/months.yaml``: a section under its code with one pattern per month, every grammatical
   case and the usual abbreviations; and in ``dates.py`` a grammar function in ``_GRAMMARS``, to
   have its dates found; in ``numbers.py`` its digit grouping, decimal mark, ordinal endings
   and scale words, to have its numbers compared.
3. ``packaging/debian-packages.txt``: its Tesseract data, ``tesseract-ocr-<code>`` (``deu``,
   ``ukr`` …), so that ``--lang <code>`` can read it.

The dictionary, the proper-name tests and the transliterations are Russian's (pymorphy3 with
``pymorphy3-dicts-ru``, the Russian schemes of ``iuliia``): an original in another language is
still compared with its scan, but a Latin-script one gets no dictionary evidence and no translation
flags (``pipeline.checks``), and another Cyrillic language is judged by the Russian dictionary.
"""
