"""`pyarrow.dataset`, imported when first used rather than when a connector module is.

Importing it imports pandas (pyarrow's dataset module initialises its pandas shim), about half a
second that a command which only lists a store's tables (`ccpa stores`) never needs. The module
object is the real one once any attribute is read (the standard library's LazyLoader).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING


def _lazy(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


if TYPE_CHECKING:
    import pyarrow.dataset as ds
else:
    ds = _lazy("pyarrow.dataset")

__all__ = ["ds"]
