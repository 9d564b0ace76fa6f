"""Safe output: write to a temporary sibling, then move into place (docs/design.md rule 7).

The promises, each checked before any work starts and again just before the move:

* only a regular file is ever replaced, and only a real folder written into: a symbolic
  link (never followed), a folder given as a file, a named pipe, a device or a socket is
  refused with one line;
* a replaced file keeps its permission bits; a new file or folder gets the umask's (the
  temporary is created with mode 0666/0777 and the umask applied, as ``open`` does);
* a failed or interrupted write (an error, SIGINT, or SIGTERM, which the command line
  turns into an exception) removes its temporary and leaves the previous file as it was;
* ``rosca report --force`` replaces only the report's own regular files and never deletes
  a folder or anything the report does not write.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from theory.errors import PATH_CHARACTERS, RoscaError, quoted


class OutputError(RoscaError):
    """An output path cannot be written."""


def shown(path: str | Path) -> str:
    """A path as a message shows it: quoted, escaped, cut only when very long."""
    return quoted(path, PATH_CHARACTERS)


_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What an ``lstat`` mode describes, in words.

    Examples
    --------
    >>> kind_of(os.lstat("/").st_mode)
    'a folder'
    """
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def check_parent(path: str | Path) -> Path:
    """Return ``path`` as a Path, raising :class:`OutputError` when its folder is missing.

    Examples
    --------
    >>> check_parent("/no/such/folder/x.csv")
    Traceback (most recent call last):
    ...
    reports.cli.outputs.OutputError: output folder '/no/such/folder' does not exist
    """
    p = Path(path)
    if not str(path):
        raise OutputError("--out must name a file or folder, got an empty name")
    parent = p.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise OutputError(f"output folder {shown(parent)} {what}")
    return p


def check_output_file(path: str | Path) -> Path:
    """``path`` if a file may be written there: its folder exists, and it is absent or a
    regular file (not a symbolic link, folder, pipe, device or socket).

    Examples
    --------
    >>> check_output_file("/dev/null")
    Traceback (most recent call last):
    ...
    reports.cli.outputs.OutputError: output '/dev/null' is a device; rosca replaces only ...
    """
    p = check_parent(path)
    st = _lstat(p)
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = kind_of(st.st_mode)
        hint = "; give a file name inside it" if kind == "a folder" else ""
        raise OutputError(f"output {shown(p)} is {kind}; rosca replaces only regular files{hint}")
    return p


def check_table_path(path: str | Path) -> Path:
    """A ``.csv`` or ``.parquet`` output path (see :func:`check_output_file`); pyarrow must
    be installed for parquet."""
    p = check_output_file(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise OutputError(f"--out must end in .csv or .parquet, got {shown(p)}")
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise OutputError(
                "writing .parquet needs pyarrow: pip install "
                "'rosca-equilibria[parquet]' (or use .csv)"
            ) from None
    return p


def check_output_folder(path: str | Path, force: bool, names: tuple[str, ...] = ()) -> Path:
    """``path`` if a report folder may be written there: absent, or (with ``force``) a real
    folder in which each of ``names`` is absent or a regular file.

    Examples
    --------
    >>> check_output_folder("/", force=False)
    Traceback (most recent call last):
    ...
    reports.cli.outputs.OutputError: output folder '/' exists; use --force to replace the report
    """
    dest = check_parent(path)
    st = _lstat(dest)
    if st is None:
        return dest
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"output {shown(dest)} is {kind_of(st.st_mode)}, not a folder")
    if not force:
        raise OutputError(f"output folder {shown(dest)} exists; use --force to replace the report")
    for name in names:
        _check_replaceable(dest / name)
    return dest


def _check_replaceable(target: Path) -> os.stat_result | None:
    st = _lstat(target)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputError(
            f"{shown(target)} is {kind_of(st.st_mode)}, not one of the report's files; "
            "--force replaces only regular files: move it away first"
        )
    return st


def _temporary_name(dest: Path) -> Path:
    return dest.parent / f".{dest.name[:100]}.{secrets.token_hex(4)}.tmp"


def temporary_file(dest: str | Path) -> Path:
    """Create an empty temporary file beside ``dest`` with the umask's permissions."""
    dest = Path(dest)
    while True:
        tmp = _temporary_name(dest)
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            return tmp
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue


def move_into_place(tmp: Path, dest: str | Path) -> Path:
    """Rename ``tmp`` to ``dest`` (re-checked: absent or a regular file), giving it the
    permission bits of the file it replaces."""
    p = check_output_file(dest)
    st = _lstat(p)
    if st is not None:
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
    os.replace(tmp, p)
    return p


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it into place.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> atomic_write(folder / "a.txt", lambda tmp: tmp.write_text("hello")).read_text()
    'hello'
    >>> def broken(tmp):
    ...     tmp.write_text("half")
    ...     raise OSError("disk full")
    >>> atomic_write(folder / "a.txt", broken)
    Traceback (most recent call last):
    ...
    OSError: disk full
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('hello', ['a.txt'])
    >>> shutil.rmtree(folder)
    """
    p = check_output_file(path)
    tmp = temporary_file(p)
    try:
        write(tmp)
        move_into_place(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return p


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` with :func:`atomic_write`."""

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return atomic_write(path, write)


def _temporary_folder(dest: Path) -> Path:
    while True:
        tmp = _temporary_name(dest)
        try:
            os.mkdir(tmp, 0o777)
            return tmp
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue


def atomic_directory(path: str | Path, fill: Callable[[Path], None], force: bool = False) -> Path:
    """Fill a temporary folder beside ``path`` with ``fill(tmp)``, then move it into place.

    An existing ``path`` is refused unless ``force``; with ``force`` only the files the new
    folder contains are replaced, each keeping its permission bits (other files in
    ``path`` are kept). Nothing is moved unless every one of them may be replaced.
    """
    dest = check_output_folder(path, force)
    tmp = _temporary_folder(dest)
    try:
        fill(tmp)
        if _lstat(dest) is None:
            os.rename(tmp, dest)
            return dest
        check_output_folder(dest, force)
        items = sorted(tmp.iterdir())
        for item in items:
            if _check_replaceable(dest / item.name) is not None and item.is_dir():
                raise OutputError(f"{shown(dest / item.name)} exists; cannot replace it")
        for item in items:
            st = _check_replaceable(dest / item.name)
            if st is not None:
                os.chmod(item, stat.S_IMODE(st.st_mode))
            os.replace(item, dest / item.name)
        tmp.rmdir()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
