"""Outputs: only regular files are replaced, permissions are kept or follow the umask,
temporaries never outlive a failure, ``report --force`` touches only the report's files."""

import os
import stat

import pandas as pd
import pytest

from reports.cli import main
from reports.cli.outputs import (
    OutputError,
    atomic_directory,
    atomic_write_text,
    check_output_file,
    check_output_folder,
)


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err, needle):
    assert code == 2, err
    assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err
    assert err.strip().isprintable()
    assert needle in err, err


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def leftovers(folder):
    return sorted(p.name for p in folder.rglob(".*"))


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


# -- what may be replaced ---------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_device_is_refused_before_anything_is_written(device):
    # checked without writing, so that a broken check cannot replace the device
    with pytest.raises(OutputError, match="is a device"):
        check_output_file(device)
    with pytest.raises(OutputError, match="is a device"):
        check_output_folder(device, force=True)


def test_a_symlink_is_refused_and_not_followed(capsys, tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("precious")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    code, _, err = run(capsys, "solve", "inspection", "--out", str(link))
    one_line_error(code, err, "is a symbolic link")
    assert link.is_symlink() and target.read_text() == "precious"
    assert leftovers(tmp_path) == []


def test_a_fifo_is_refused_without_blocking(capsys, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "simulate", "inspection", "--steps", "3", "--out", str(fifo))
    one_line_error(code, err, "is a named pipe")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_an_existing_folder_as_out_is_refused_before_the_work(capsys, tmp_path, monkeypatch):
    import theory.analysis

    def no_work(*a, **k):
        raise AssertionError("the computation started")

    monkeypatch.setattr(theory.analysis, "analyse", no_work)
    code, _, err = run(capsys, "solve", "inspection", "--out", str(tmp_path))
    one_line_error(code, err, "is a folder")
    assert not list(tmp_path.parent.glob(f".{tmp_path.name}.*"))  # no temporary beside it


def test_an_empty_out_is_refused(capsys):
    code, _, err = run(capsys, "simulate", "inspection", "--steps", "2", "--out", "")
    one_line_error(code, err, "empty name")


# -- permissions ------------------------------------------------------------------------


def test_a_new_file_follows_the_umask(tmp_path, umask_027):
    out = atomic_write_text(tmp_path / "new.txt", "x")
    assert mode(out) == 0o640


def test_a_replaced_file_keeps_its_permissions(tmp_path, umask_027):
    out = tmp_path / "old.txt"
    out.write_text("old")
    os.chmod(out, 0o604)
    atomic_write_text(out, "new")
    assert out.read_text() == "new" and mode(out) == 0o604


def test_a_new_report_folder_follows_the_umask(tmp_path, umask_027):
    dest = atomic_directory(tmp_path / "rep", lambda tmp: (tmp / "a.txt").write_text("a"))
    assert mode(dest) == 0o750


# -- failures leave the previous file ---------------------------------------------------


def test_a_failed_write_leaves_the_previous_file(capsys, tmp_path, monkeypatch):
    out = tmp_path / "t.csv"
    out.write_text("previous\n")

    to_csv = pd.DataFrame.to_csv

    def broken(self, path, **kw):
        if not isinstance(path, str | os.PathLike):  # a measurement into memory
            return to_csv(self, path, **kw)
        with open(path, "w") as fh:
            fh.write("partial")
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    code, _, err = run(capsys, "simulate", "inspection", "--steps", "5", "--out", str(out))
    one_line_error(code, err, "No space left on device")
    assert out.read_text() == "previous\n"
    assert leftovers(tmp_path) == []


def test_simulate_writes_parquet(capsys, tmp_path):
    base = ["simulate", "rosca-v2", "--runs", "2", "--steps", "8", "--policy", "logit"]
    assert run(capsys, *base, "--out", str(tmp_path / "t.parquet"))[0] == 0
    assert run(capsys, *base, "--out", str(tmp_path / "t.csv"))[0] == 0
    parquet = pd.read_parquet(tmp_path / "t.parquet")
    csv = pd.read_csv(tmp_path / "t.csv")
    assert len(parquet) == 2 * 9
    pd.testing.assert_frame_equal(parquet, csv, check_dtype=False)


# -- report folders ---------------------------------------------------------------------


def test_force_refuses_a_folder_with_a_report_file_name_before_the_work(capsys, tmp_path):
    dest = tmp_path / "rep"
    (dest / "report.md").mkdir(parents=True)
    (dest / "report.md" / "mine.txt").write_text("mine")
    code, _, err = run(capsys, "report", "inspection", "--out", str(dest), "--force")
    one_line_error(code, err, "not one of the report's files")
    assert (dest / "report.md" / "mine.txt").read_text() == "mine"


def test_force_never_deletes_a_folder_named_like_a_figure(tmp_path):
    dest = tmp_path / "rep"
    (dest / "regime_map.png").mkdir(parents=True)
    (dest / "regime_map.png" / "mine.txt").write_text("mine")
    (dest / "report.md").write_text("old")

    def fill(tmp):
        (tmp / "report.md").write_text("new")
        (tmp / "regime_map.png").write_bytes(b"png")

    with pytest.raises(OutputError, match="not one of the report's files"):
        atomic_directory(dest, fill, force=True)
    assert (dest / "regime_map.png" / "mine.txt").read_text() == "mine"
    assert (dest / "report.md").read_text() == "old"  # nothing moved
    assert leftovers(tmp_path) == []


def test_force_replaces_stale_report_files_and_keeps_the_rest(capsys, tmp_path):
    dest = tmp_path / "rep"
    dest.mkdir()
    (dest / "report.md").write_text("stale report")
    os.chmod(dest / "report.md", 0o600)
    (dest / "regime_map.csv").write_text("stale data")
    (dest / "notes.txt").write_text("mine")
    (dest / "drafts").mkdir()
    argv = ["report", "inspection", "--runs", "2", "--steps", "20", "--out", str(dest)]
    code, _, err = run(capsys, *argv)
    one_line_error(code, err, "use --force")
    code, out, err = run(capsys, *argv, "--force")
    assert code == 0 and err == "", err
    assert "stale" not in (dest / "report.md").read_text()
    assert mode(dest / "report.md") == 0o600
    assert "stale" not in (dest / "regime_map.csv").read_text()
    assert (dest / "notes.txt").read_text() == "mine" and (dest / "drafts").is_dir()
    assert leftovers(tmp_path) == []


def test_a_symlinked_report_folder_is_refused(capsys, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    code, _, err = run(capsys, "report", "inspection", "--out", str(link), "--force")
    one_line_error(code, err, "is a symbolic link")
    assert list(real.iterdir()) == []
