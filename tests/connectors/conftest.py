"""A real S3 server for the object-storage tests: moto in server mode on a free port of 127.0.0.1,
started once for the session and stopped at its end. Without moto installed the tests skip (and
fail under CI=true, where the dev extra is installed)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow.fs as pa_fs
import pytest

REGION = "us-east-1"
ACCESS_KEY = "AKIACCPATESTKEY00001"
SECRET_ENV = "CCPA_TEST_S3_SECRET"
SECRET = "ccpa-test-secret-never-printed"


@dataclass(frozen=True)
class S3Server:
    endpoint: str  # http://127.0.0.1:PORT

    def filesystem(self) -> pa_fs.S3FileSystem:
        """A client of the server that may create buckets (the product's never does)."""
        return pa_fs.S3FileSystem(
            access_key=ACCESS_KEY,
            secret_key=SECRET,
            endpoint_override=self.endpoint.removeprefix("http://"),
            scheme="http",
            region=REGION,
            allow_bucket_creation=True,
        )

    def store_keys(self, path: str) -> dict[str, str]:
        """The estate entry's keys of a files store at `path` (s3://bucket/prefix) on this server."""
        return {
            "path": path,
            "endpoint": self.endpoint,
            "region": REGION,
            "access_key": ACCESS_KEY,
            "secret_key_env": SECRET_ENV,
        }


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as err:
        reason = f"moto[server] is not installed ({err}): no local S3 server"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the dev extra installs it)")
        pytest.skip(reason)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    os.environ[SECRET_ENV] = SECRET
    try:
        host, port = server.get_host_and_port()
        yield S3Server(f"http://{host}:{port}")
    finally:
        os.environ.pop(SECRET_ENV, None)
        server.stop()
