"""Public names of a module imported when first used (PEP 562), so that a command that needs
none of the pipeline (``scanproof --help``, ``scanproof cer``) does not pay for loading it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(module: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that finds each name of ``homes`` in its module (name → dotted
    module path) when it is first asked for; any other name is an ``AttributeError`` of ``module``."""

    def __getattr__(name: str) -> Any:
        if name in homes:
            return getattr(import_module(homes[name]), name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
