"""A throwaway PostgreSQL cluster for tests: Debian's initdb and pg_ctl in a temporary folder, on a free
loopback port, trusting local connections; removed afterwards.

initdb refuses to run as root, so as root the cluster runs as the `postgres` user that Debian's package
creates (its folder is handed to that user).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

from tests.ports import free_port

SERVICE_USER = "postgres"


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL is not installed, or cannot be run as a non-root user here."""


def postgres_bin() -> Path:
    """The folder of initdb and pg_ctl: the newest of /usr/lib/postgresql/*/bin, else wherever PATH has them."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                        if p.parent.parent.name.isdigit() else 0)
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise PostgresUnavailableError("PostgreSQL's initdb is missing: `make test` installs Debian's postgresql")


def _as_service_user(command: list[str]) -> list[str]:
    """`command` run as a non-root user (as is, when this process is not root)."""
    if os.geteuid() != 0:
        return command
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError as error:
        raise PostgresUnavailableError(f"running as root and there is no {SERVICE_USER!r} user to run PostgreSQL "
                                       "as (Debian's postgresql package creates it)") from error
    return ["runuser", "-u", SERVICE_USER, "--", *command]


def _run(command: list[str]) -> None:
    result = subprocess.run(_as_service_user(command), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise PostgresUnavailableError(f"{' '.join(command[:2])} failed: {result.stderr.strip() or result.stdout}")


@contextlib.contextmanager
def cluster(fsync: bool = False) -> Iterator[str]:
    """Run a PostgreSQL server until the block ends; yields the URL of its `postgres` database. Without `fsync`
    (tests: a test cluster never needs to survive a crash) commits do not wait for the disk."""
    binaries = postgres_bin()
    # Not under pytest's tmp_path: that is private to root, and the server may run as another user.
    root = Path(tempfile.mkdtemp(prefix="wenda-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVICE_USER)
        for path in (root, sockets):
            os.chown(path, account.pw_uid, account.pw_gid)
    port = free_port()
    try:
        _run([str(binaries / "initdb"), "-D", str(data), "-U", "wenda", "--auth=trust", "--encoding=UTF8",
              "--locale=C.UTF-8", "--no-sync"])
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1" + ("" if fsync else " -c fsync=off")
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60",
              "-o", options, "start"])
        try:
            yield f"postgresql://wenda@127.0.0.1:{port}/postgres"
        finally:
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(server_url: str, name: str) -> str:
    """An empty database `name` on the server (dropped first if a previous run left it); its URL."""
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"
