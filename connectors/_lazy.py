"""`pyarrow.dataset`, imported when first used rather than when a connector module is.

Importing it imports pandas (pyarrow's dataset module initialises its pandas shim), about half a
second that a command which only lists a store's tables (`ccpa stores`) never needs. The first
attribute read imports the module, under a lock: tables are read from several threads at once,
and the standard library's LazyLoader lets a second thread see the module half-initialised.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import TYPE_CHECKING


class _Deferred:
    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None
        self._lock = threading.Lock()

    def __getattr__(self, attribute: str) -> object:
        module = self._module
        if module is None:
            with self._lock:
                if self._module is None:
                    self._module = importlib.import_module(self._name)
                module = self._module
        return getattr(module, attribute)


if TYPE_CHECKING:
    import pyarrow.dataset as ds
else:
    ds = _Deferred("pyarrow.dataset")

__all__ = ["ds"]
