"""Atomic output: write to a temporary sibling, then move into place (DESIGN.md rule 7).

An interrupted or failed run leaves nothing behind at the destination, neither a
half-written file nor a half-filled folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from theory.errors import RoscaError


class OutputError(RoscaError):
    """An output path cannot be written."""


def check_parent(path: str | Path) -> Path:
    """Return ``path`` as a Path, raising :class:`OutputError` when its folder is missing."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"output folder {str(parent)!r} does not exist")
    return p


def check_table_path(path: str | Path) -> Path:
    """A ``.csv`` or ``.parquet`` output path whose folder exists (pyarrow for parquet)."""
    p = check_parent(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise OutputError(f"--out must end in .csv or .parquet, got {str(p)!r}")
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise OutputError(
                "writing .parquet needs pyarrow: pip install "
                "'rosca-equilibria[parquet]' (or use .csv)"
            ) from None
    return p


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``."""
    p = check_parent(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def atomic_write_text(path: str | Path, text: str) -> Path:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return atomic_write(path, write)


def atomic_directory(path: str | Path, fill: Callable[[Path], None], force: bool = False) -> Path:
    """Fill a temporary folder beside ``path`` with ``fill(tmp)``, then move it into place.

    An existing ``path`` is refused unless ``force``; with ``force`` only the files the new
    folder contains are replaced (other files in ``path`` are kept).
    """
    dest = Path(path)
    check_parent(dest)
    if dest.exists() and not force:
        raise OutputError(f"output folder {str(dest)!r} exists; use --force to replace the report")
    if dest.exists() and not dest.is_dir():
        raise OutputError(f"output path {str(dest)!r} exists and is not a folder")
    tmp = Path(
        tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent if str(dest.parent) else ".")
    )
    try:
        fill(tmp)
        if not dest.exists():
            os.replace(tmp, dest)
        else:
            for item in tmp.iterdir():
                target = dest / item.name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                os.replace(item, target)
            tmp.rmdir()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
