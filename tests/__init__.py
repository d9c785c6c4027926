"""scanproof's tests. A regular package (not a namespace one), so that ``tests.conftest`` is this
folder's even where an installed distribution ships a top-level ``tests`` package of its own (spylls does).
"""
