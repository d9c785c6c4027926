"""What the pipeline knows about languages and scripts, in one place.

- ``script``: letters counted per Unicode script; the script of a transcription's original (from
  the archive's language name or its letters), how to tell its lines from the English
  translation's, and which scripts a Tesseract language setting (``rus+eng``) reads.
- ``months``: month names per language (``data/months.yaml``), for dates, alignment keys and
  divergence scoring; ``dates``: each language's date grammar over them; ``numbers``: how it
  groups digits, marks decimals, ordinals and scales.
- ``translit``: Cyrillic in Latin letters: one fixed romanization for lookup keys, and every
  spelling of the ``iuliia`` schemes plus ``data/spanish.yaml`` for matching names.
- ``lexicon``: the words of each language: Russian's dictionary (pymorphy3), Hunspell's for
  English, French, German and Spanish.
- ``proper_names``: whether a Russian word is a proper name, for divergence scoring and translation checks.
- ``exonyms``: the English names of places and languages named in French, German or Spanish
  (``Varsovie`` → ``Warsaw``), from the Unicode CLDR through Babel.
- ``detect``: the language(s) of a text, for ``--lang auto`` and for the checks' grammars.

Data files live in ``data/``, a plain folder found with ``importlib.resources`` beside the modules
(it needs no ``__init__.py``; ``pyproject.toml`` ships every ``*.yaml`` of the package).

Adding a language:

1. ``script.py``: its English name (as the archive's ``Original Language`` gives it) in
   ``_LANGUAGE_SCRIPTS``; if it is written in Cyrillic, its Tesseract code in ``_CYRILLIC_OCR_LANGS``.
2. ``detect.py``: its Tesseract code in ``TESSERACT`` (detected, and read by ``--lang auto``) and
   its two-letter code in ``GRAMMAR_CODES``.
3. ``data/months.yaml``: a section under its two-letter code with one pattern per month, every
   grammatical case and the usual abbreviations; and in ``dates.py`` a grammar function in
   ``_GRAMMARS``, to have its dates found; in ``numbers.py`` its ``Convention`` (digit grouping,
   decimal mark, number sign, ordinal endings, scale words), to have its numbers compared.
4. ``lexicon.py``: its Hunspell dictionary in ``HUNSPELL`` (and the word list of another spelling
   in ``WORD_LISTS``); and ``packaging/debian-packages.txt``: their packages and its Tesseract
   data, ``tesseract-ocr-<code>``.

Names of a Latin-script original are compared with the translation by spelling
(``pipeline.checks.latin_names``); those of a Russian one through its transliterations (the
Russian schemes of ``iuliia``), and another Cyrillic language is judged by the Russian dictionary.
"""
