"""``quanyu backup`` and ``quanyu restore``: the database and the uploaded files in one archive.

An archive (``.tar``) holds ``manifest.json`` (format, when, the database engine, the applied
migrations, each table's row count, each member's SHA-256), the database (PostgreSQL: ``pg_dump
--format=custom``; SQLite: a consistent copy made by SQLite's online backup) and the uploaded files
under ``media/``. A restore checks every checksum and that the archive's engine is the configured
one before it changes anything, then replaces the database (PostgreSQL: the schema ``public``
dropped and the archive's script run, in one transaction through ``psql``; SQLite's backup in the
other direction) and the media folder, and compares the tables' row counts with the
manifest. Personal data stays as it is stored (encrypted): an archive is as safe as the key
``QUANYU_PII_KEY``, kept apart from it; an archive holds every person's record, so it is kept like
the database itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(RuntimeError):
    """The archive cannot be written or restored; the message says why (nothing was changed)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while piece := fh.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Every table's row count (the manifest's, and what a restore must give back)."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args() -> list[str]:
    db = connection.settings_dict
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return [*args, "--dbname", str(db["NAME"])]


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, env=_pg_env(), check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()[-500:]}") from None


def _dump_database(target: Path) -> None:
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *_pg_args(),
            ]
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # a consistent copy while others keep writing
        copy.close()
    else:
        raise BackupError(f"no backup for the {connection.vendor} engine")


def _load_database(source: Path) -> None:
    if connection.vendor == "postgresql":
        connection.close()  # our own session holds no lock on what is dropped
        _pg_replace(source)
    else:
        connection.ensure_connection()
        with sqlite3.connect(source) as saved:
            saved.backup(connection.connection)
        saved.close()


def _pg_replace(source: Path) -> None:
    """The schema ``public`` dropped whole and rebuilt from the archive, in one transaction:
    ``pg_restore`` writes the archive as a script, ``psql`` runs it after the drop. Not
    ``pg_restore --clean``, which drops object by object and fails on partitioned tables (it drops
    a partition's inherited key before its parent: core.partitions) and leaves behind what the
    archive does not name."""
    script = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--file",
        "-",
        str(source),
    ]
    load = [
        "psql",
        "--no-psqlrc",
        "--quiet",
        "--single-transaction",
        "--set",
        "ON_ERROR_STOP=1",
        "--command",
        "DROP SCHEMA public CASCADE",
        "--command",
        "CREATE SCHEMA public",
        "--file",
        "-",
        *_pg_args(),
    ]
    try:
        writer = subprocess.Popen(script, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env())  # noqa: S603
    except FileNotFoundError:
        raise BackupError("pg_restore is not installed (Debian: postgresql-client)") from None
    assert writer.stdout is not None
    try:
        loaded = subprocess.run(  # noqa: S603
            load, stdin=writer.stdout, capture_output=True, text=True, env=_pg_env(), check=False
        )
    except FileNotFoundError:
        writer.kill()
        raise BackupError("psql is not installed (Debian: postgresql-client)") from None
    finally:
        writer.stdout.close()
    written = writer.wait()
    errors = writer.stderr.read().decode("utf-8", "replace") if writer.stderr else ""
    if written != 0:
        raise BackupError(f"pg_restore failed: {errors.strip()[-500:]}")
    if loaded.returncode != 0:
        raise BackupError(f"psql failed: {loaded.stderr.strip()[-500:]}")


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup(target: Path) -> dict[str, Any]:
    """Write the archive ``target``; its manifest is returned."""
    if connection.vendor not in DB_MEMBER:
        raise BackupError(f"no backup for the {connection.vendor} engine")
    with tempfile.TemporaryDirectory(prefix="quanyu-backup-") as tmp:
        work = Path(tmp)
        db_file = work / DB_MEMBER[connection.vendor]
        counts = table_counts()
        _dump_database(db_file)
        members = {db_file.name: _sha256(db_file)}
        media = _media_root()
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        for path in files:
            members[f"media/{path.relative_to(media).as_posix()}"] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": connection.vendor,
            "migrations": sorted(
                f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
            ),
            "tables": counts,
            "members": members,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(work / MANIFEST, MANIFEST)
            archive.add(db_file, db_file.name)
            for path in files:
                archive.add(path, f"media/{path.relative_to(media).as_posix()}")
        partial.replace(target)  # an interrupted backup leaves no archive that looks whole
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        with tarfile.open(source) as archive:
            handle = archive.extractfile(MANIFEST)
            if handle is None:
                raise KeyError(MANIFEST)
            return dict(json.loads(handle.read().decode("utf-8")))
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"not a Quanyu backup: {exc}") from None


def restore(source: Path) -> dict[str, Any]:
    """Replace the database and the uploaded files with the archive's; its manifest is returned.
    Everything is checked before anything is changed."""
    manifest = read_manifest(source)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"the archive is of a {manifest['engine']} database, this one is {connection.vendor}"
        )
    with tempfile.TemporaryDirectory(prefix="quanyu-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(source) as archive:
            archive.extractall(work, filter="data")  # no links or paths outside the folder
        for name, digest in manifest["members"].items():
            path = work / name
            if not path.is_file() or _sha256(path) != digest:
                raise BackupError(f"{name} is missing or damaged in the archive")
        _load_database(work / DB_MEMBER[connection.vendor])
        media = _media_root()
        if media.exists():
            shutil.rmtree(media)
        if (work / "media").exists():
            shutil.copytree(work / "media", media)
    counts = table_counts()
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"restored tables differ from the archive: {wrong}")
    return manifest
