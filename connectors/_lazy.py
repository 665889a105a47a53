"""`pyarrow.dataset` and `pyarrow.compute`, imported when first used rather than when a connector module is.

Importing the dataset module imports pandas (pyarrow's dataset module initialises its pandas shim),
about half a second; the compute module wraps its ~300 kernels as Python functions when imported
(0.1-0.3 s). A command which only lists a store's tables (`ccpa stores`) needs neither. The first
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
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
else:
    ds = _Deferred("pyarrow.dataset")
    pc = _Deferred("pyarrow.compute")

__all__ = ["ds", "pc"]
