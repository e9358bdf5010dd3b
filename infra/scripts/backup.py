"""Back up and restore the indicator service's database, SQLite or PostgreSQL (see infra/BACKUP.md).

    python infra/scripts/backup.py backup --out FILE     [--database-url URL]
    python infra/scripts/backup.py restore --from FILE   [--database-url URL]

The database is DATABASE_URL (or --database-url), by default the embedded SQLite file under DATA_DIR.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def database_url(given: str | None) -> str:
    if given:
        return given
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from services.indicators.config import IndicatorsSettings

    return IndicatorsSettings().database_url


@contextmanager
def _written(out: Path) -> Iterator[Path]:
    """A file beside `out` to write the backup into, moved onto `out` at the end and removed on any failure.

    An output that cannot be written is refused before any work, with one line that names it.
    """
    if out.is_dir():
        raise BackupError(f"cannot write the backup to {out}: it is a directory, give a file name")
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        partial.touch()
    except OSError as exc:
        raise BackupError(f"cannot write the backup to {out}: {exc}") from exc
    try:
        yield partial
        partial.replace(out)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup to {out} failed: {exc}") from exc


def _check_sqlite_file(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from exc
    if verdict != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {verdict}")


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy with SQLite's online backup API: a consistent snapshot even while the service writes."""
    source_connection = sqlite3.connect(source)
    target_connection = sqlite3.connect(target)
    try:
        source_connection.backup(target_connection)
    finally:
        target_connection.close()
        source_connection.close()


def backup_sqlite(database: Path, target: Path) -> None:
    if not database.exists():
        raise BackupError(f"there is no database at {database}")
    _sqlite_copy(database, target)
    # One self-contained file: the service runs in WAL mode, a backup should not need a -wal beside it.
    with sqlite3.connect(target) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    _check_sqlite_file(target)


def restore_sqlite(backup: Path, database: Path) -> None:
    _check_sqlite_file(backup)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        # Through the backup API as well, so that a connection still open on the database sees the restored pages.
        _sqlite_copy(backup, database)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"cannot write the database {database}: {exc}") from exc


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment that carries it (not the argv)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _major_version(binary: str) -> int:
    path = shutil.which(binary)
    if path is None:
        raise BackupError(f"{binary} is not installed; install the PostgreSQL client of the server's version")
    found = re.search(r"(\d+)(?:\.\d+)?", subprocess.run([path, "--version"], capture_output=True, text=True).stdout)
    if found is None:
        raise BackupError(f"cannot tell the version of {path}")
    return int(found.group(1))


def _check_client_version(binary: str, url: URL) -> None:
    """pg_dump cannot dump a newer server, and a dump of a newer pg_dump cannot be read by an older pg_restore."""
    client = _major_version(binary)
    dsn, env = _libpq(url)
    try:
        with psycopg.connect(dsn, password=env.get("PGPASSWORD"), connect_timeout=10) as connection:
            server = connection.info.server_version // 10000
    except psycopg.Error as exc:
        raise BackupError(f"cannot connect to the database: {exc}") from exc
    if client < server:
        raise BackupError(
            f"{binary} is version {client} but the server is version {server}; use the client tools of version "
            f"{server} or newer (for example inside the server's container, see infra/BACKUP.md)"
        )


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


def backup_postgres(url: URL, target: Path) -> None:
    _check_client_version("pg_dump", url)
    dsn, env = _libpq(url)
    # pg_dump reads in one repeatable-read snapshot: consistent while the service writes.
    _run(["pg_dump", "--format=custom", "--file", str(target), "--dbname", dsn], env)


def restore_postgres(backup: Path, url: URL) -> None:
    if not backup.is_file():
        raise BackupError(f"there is no backup at {backup}")
    _check_client_version("pg_restore", url)
    dsn, env = _libpq(url)
    # One transaction: a restore that fails halfway leaves the database as it was.
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", "--dbname", dsn, str(backup)],
        env,
    )  # fmt: skip


def backup(url: str, out: Path) -> None:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {backend} database")
    with _written(out) as target:
        if backend == "sqlite":
            backup_sqlite(Path(parsed.database or ""), target)
        else:
            backup_postgres(parsed, target)


def restore(backup_file: Path, url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        restore_sqlite(backup_file, Path(parsed.database or ""))
    elif parsed.get_backend_name() == "postgresql":
        restore_postgres(backup_file, parsed)
    else:
        raise BackupError(f"cannot restore a {parsed.get_backend_name()} database")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else the embedded SQLite file")
    commands = parser.add_subparsers(dest="command", required=True)
    backup_command = commands.add_parser("backup", help="write a consistent backup of the database to FILE")
    backup_command.add_argument("--out", type=Path, required=True, metavar="FILE")
    restore_command = commands.add_parser("restore", help="replace the database's contents with a backup")
    restore_command.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE")
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        if args.command == "backup":
            backup(url, args.out)
            print(f"backed up {shown} to {args.out} ({args.out.stat().st_size} bytes)")
        else:
            restore(args.source, url)
            print(f"restored {shown} from {args.source}")
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
