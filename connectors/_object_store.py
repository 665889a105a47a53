"""A files store on object storage: `path: s3://bucket/prefix`, read and written through pyarrow's S3
filesystem (`endpoint` for an S3-compatible server such as MinIO, Ceph or moto).

Objects are named `bucket/prefix/table.parquet`, as pyarrow's filesystem names them, so the rest
of the files store (listing, datasets, rewrites, the value index) sees the same paths it sees on
disk. Credentials come from the store's `access_key` and the variable `secret_key_env` names, else
from the AWS SDK's own chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ~/.aws). No message names
the secret: `masked` removes it (and all but the start of the key id) from whatever S3 answers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pyarrow.fs as pa_fs

from connectors.base import StoreError
from connectors.estate import FilesStoreConfig

CONNECT_SECONDS = 5.0
HEADS_AT_ONCE = 16
ATTEMPTS = 2  # a refused connection or a timeout is tried again once, not the SDK's default three times
_AWS_ERROR = re.compile(
    r"AWS Error (\S+) during (\S+) operation: ?(.*?)\s*(?:\(Request ID: [^)]*\))?\s*$", re.S
)
_REASONS = {
    "NETWORK_CONNECTION": "cannot reach the server",
    "ACCESS_DENIED": "access denied (check the credentials and the bucket's policy)",
    "INVALID_ACCESS_KEY_ID": "the access key id is not known to the server",
    "SIGNATURE_DOES_NOT_MATCH": "the secret key does not match the access key id",
    "NO_SUCH_BUCKET": "no such bucket",
}


def object_root(config: FilesStoreConfig) -> PurePosixPath:
    """`bucket/prefix`: the store's root as the S3 filesystem names it."""
    return PurePosixPath(str(config.path).removeprefix("s3://"))


def object_filesystem(config: FilesStoreConfig) -> pa_fs.S3FileSystem:
    """The S3 filesystem of the store's bucket; raises StoreError (one line) when it cannot be made."""
    options: dict[str, object] = {
        "connect_timeout": CONNECT_SECONDS,
        "request_timeout": CONNECT_SECONDS,
        "retry_strategy": pa_fs.AwsStandardS3RetryStrategy(max_attempts=ATTEMPTS),
    }
    if config.endpoint:
        parts = urlsplit(config.endpoint)
        options.update(endpoint_override=parts.netloc, scheme=parts.scheme)
    if config.region:
        options["region"] = config.region
    if config.access_key is not None and config.secret_key_env is not None:
        secret = os.environ.get(config.secret_key_env)
        if not secret:
            raise StoreError(f"the environment variable {config.secret_key_env} (secret_key_env) is not set")
        options.update(access_key=config.access_key, secret_key=secret)
    try:
        return pa_fs.S3FileSystem(**options)
    except (OSError, ValueError) as err:
        raise StoreError(masked(f"cannot open {config.path}: {err}", config)) from None


def object_reason(err: BaseException, config: FilesStoreConfig) -> str:
    """S3's answer in one line: what went wrong (no such bucket, access denied...), secrets masked."""
    text = " ".join(str(err).split())
    match = _AWS_ERROR.search(text)
    if match:
        code, operation, detail = match.groups()
        reason = _REASONS.get(code, code.lower().replace("_", " "))
        where = f" at {config.endpoint}" if config.endpoint and code == "NETWORK_CONNECTION" else ""
        text = f"{reason}{where} ({operation}: {detail.strip() or code})"
    elif isinstance(err, FileNotFoundError):
        text = "no such prefix in the bucket (nothing stored under it)"
    return masked(text, config)


def object_tags(filesystem: pa_fs.FileSystem, paths: Sequence[str]) -> dict[str, str]:
    """Each object's ETag (a digest of its content), asked for in parallel: S3's modification times
    count whole seconds, so an object rewritten at the same size within a second keeps size and
    mtime, never its ETag. Listing does not give it (pyarrow drops it), a HEAD per object does."""

    def tag(path: str) -> str:
        with filesystem.open_input_file(path) as stream:
            return bytes(stream.metadata().get("ETag", b"")).decode()

    with ThreadPoolExecutor(max_workers=min(HEADS_AT_ONCE, len(paths) or 1)) as pool:
        return dict(zip(paths, pool.map(tag, paths), strict=True))


def masked(text: str, config: FilesStoreConfig) -> str:
    """`text` without the secret key, the session token or more than the first 4 characters of a key id."""
    for secret in _secrets(config):
        text = text.replace(secret, "***")
    for key_id in _key_ids(config):
        text = text.replace(key_id, key_id[:4] + "***")
    return text


def _secrets(config: FilesStoreConfig) -> Iterable[str]:
    names = [config.secret_key_env, "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    return [value for name in names if name and len(value := os.environ.get(name, "")) >= 4]


def _key_ids(config: FilesStoreConfig) -> Iterable[str]:
    ids = [config.access_key, os.environ.get("AWS_ACCESS_KEY_ID")]
    return [key for key in ids if key and len(key) > 4]
