"""A real local filesystem that counts what is read from it: which files are opened, how many bytes."""

from __future__ import annotations

import io
import os
from collections import Counter

import pyarrow as pa
import pyarrow.fs as pa_fs
from fsspec.implementations.local import LocalFileSystem


class CountingFile(io.RawIOBase):
    """A read-only local file that counts the bytes read; it holds no descriptor between reads."""

    def __init__(self, path: str, tally: Counter[str]) -> None:
        super().__init__()
        self.path, self.tally, self.position = path, tally, 0
        self.size = os.path.getsize(path)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        with open(self.path, "rb") as file:
            file.seek(self.position)
            count = file.readinto(buffer)
        self.position += count
        self.tally["bytes"] += count
        return count


class CountingHandler(pa_fs.FSSpecHandler):  # type: ignore[misc]
    """The local filesystem, counting the files opened and the bytes read from them."""

    def __init__(self) -> None:
        super().__init__(LocalFileSystem())
        self.opened: Counter[str] = Counter()
        self.tally: Counter[str] = Counter()

    def open_input_file(self, path: str) -> pa.NativeFile:
        self.opened[path] += 1
        return pa.PythonFile(CountingFile(path, self.tally), mode="r")

    open_input_stream = open_input_file
