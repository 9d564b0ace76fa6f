"""``rosca report``: complete, self-contained, atomic; figures checked on their data."""

import re
import shutil
import subprocess

import numpy as np
import pytest

from reports import figures
from reports.cli import main
from reports.document import render
from reports.report import compute_report
from theory.analysis import analyse
from theory.models import get_model

EXPECTED = {"report.md", "report.html", "report.json", "dynamics.csv"} | {
    f"{n}.{ext}"
    for n in (
        "regime_map",
        "actions",
        "volumes",
        "cumulative_profit",
        "cheat_fraction",
        "roi",
        "frequencies",
        "agreement_map",
    )
    for ext in ("png", "svg", "csv")
}


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("r") / "rosca-report"
    assert main(["report", "--out", str(out), "--runs", "5"]) == 0
    return out


def test_report_is_complete(report_dir):
    assert EXPECTED <= {p.name for p in report_dir.iterdir()}
    md = (report_dir / "report.md").read_text()
    for section in (
        "## Summary",
        "## The model",
        "## Payoff matrices",
        "## Equilibria and their existence conditions",
        "## Regime map",
        "## Thresholds",
        "## Dynamics",
        "## Theory against simulation",
    ):
        assert section in md
    assert "circle" not in md.lower()  # a report is about its own model
    assert "Cheat strictly dominates honest for the cheater." in md
    assert "honest iff delta > gamma" in md


def test_html_loads_no_external_resource(report_dir):
    html = (report_dir / "report.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*['"]?(https?:)?//""", html)
    assert "<script" not in html and "@import" not in html
    assert html.count("data:image/png;base64,") == 8


def test_html_renders_in_headless_chromium(report_dir, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'); .ci/run installs it")
    png = tmp_path / "page.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1200,2400",
            f"--screenshot={png}",
            (report_dir / "report.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    from matplotlib.image import imread

    img = imread(png)
    assert img.shape[0] >= 2000 and img.shape[1] >= 1000
    assert img[..., :3].std() > 0.05  # not a blank page
    dark = (img[..., :3].mean(axis=2) < 0.5).mean()
    assert dark > 0.005  # text and figures are drawn


def test_existing_folder_is_refused_unless_force(report_dir, capsys):
    assert main(["report", "--out", str(report_dir)]) == 2
    assert "use --force" in capsys.readouterr()[1]
    keep = report_dir / "my-notes.txt"
    keep.write_text("mine")
    assert main(["report", "--out", str(report_dir), "--force", "--runs", "2"]) == 0
    assert keep.read_text() == "mine"  # --force replaces only the report's own files


def test_interrupted_report_leaves_nothing(tmp_path, monkeypatch):
    import reports.document as document

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(document, "to_html", boom)
    out = tmp_path / "rep"
    assert main(["report", "inspection", "--out", str(out), "--runs", "2"]) == 130
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def inspection_data():
    m = get_model("inspection")
    return compute_report(m, m.defaults(), runs=4, steps=400)


def test_regime_map_data_matches_the_point_analysis(inspection_data):
    grid = inspection_data.grid
    m = get_model("inspection")
    rng = np.random.default_rng(0)
    for _ in range(6):
        i, j = rng.integers(0, len(grid.y)), rng.integers(0, len(grid.x))
        vals = dict(m.defaults())
        vals[grid.x_name] = repr(float(grid.x[j]))
        vals[grid.y_name] = repr(float(grid.y[i]))
        assert grid.regime_at(i, j) == analyse(m, vals).regime
    table = figures.regime_map_data(grid)
    assert len(table) == grid.codes.size and set(table["regime"]) <= set(grid.names.values())


def test_figure_data(inspection_data, tmp_path):
    d = inspection_data
    freq = figures.frequencies_data(d.comparison)
    assert freq["predicted"].tolist() == pytest.approx([0.2, 0.2])
    assert ((freq["simulated"] - 0.2).abs() < 0.1).all()
    ax = figures.plot_frequencies(d.comparison, ["verifier", "cheater"])
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx(freq["simulated"].tolist())
    ax = figures.plot_regime_map(d.grid)
    assert ax.get_xlabel() == "P" and ax.get_ylabel() == "C"
    ax = figures.plot_agreement_map(d.agreement, "P", "C")
    assert len(d.agreement) == 144 and {"agree", "distance", "regime_agree"} <= set(d.agreement)
    files = render(d, tmp_path)
    assert "report.html" in files and (tmp_path / "frequencies.csv").exists()


def test_circle_report(tmp_path, capsys):
    out = tmp_path / "circle"
    assert (
        main(
            ["report", "rosca-circle", "--set", "collateral=2000", "--runs", "4", "--out", str(out)]
        )
        == 0
    )
    md = (out / "report.md").read_text()
    assert "## Incentive constraints by one-shot deviation" in md
    assert "collateral >= 2700 (binding: members[1], cycle 1, round 2)" in md
    for name in ("positions", "slack", "regime_map"):
        assert (out / f"{name}.png").exists() and (out / f"{name}.csv").exists()
    regimes = set((out / "regime_map.csv").read_text().splitlines()[1:])
    assert any("no-default is an equilibrium" in r for r in regimes)
    assert any("members[1] tempted" in r for r in regimes)
    said = capsys.readouterr()[0]
    # every learning member defaults exactly where the derivation says deviating pays (four
    # runs are too few for the equivalence test to call it agreement)
    assert said.count("as predicted in 100% of 4 runs") == 10 and "DISAGREE" not in said


def test_population_report(tmp_path, capsys):
    out = tmp_path / "volunteers"
    assert main(["report", "volunteers", "--runs", "4", "--out", str(out)]) == 0
    md = (out / "report.md").read_text()
    assert "## Equilibria and their existence conditions" in md
    assert "(1 verify, 4 idle) + symmetric mixed" in md
    for name in ("members", "shares", "regime_map"):
        assert (out / f"{name}.png").exists() and (out / f"{name}.csv").exists()
    text = (out / "regime_map.csv").read_text()
    assert "1 takes verify + symmetric mixed" in text and "nobody takes verify" in text
    # the bystander effect: the chance that nobody verifies grows with the group
    assert "that no member takes 'verify' grows from 0.25 with 2 members" in capsys.readouterr()[0]


def test_three_player_report(tmp_path, capsys):
    from tests.reports.explore_models import THREE

    src = tmp_path / "three.py"
    src.write_text(THREE)
    out = tmp_path / "three"
    assert main(["report", str(src), "--runs", "4", "--out", str(out)]) == 0
    md = (out / "report.md").read_text()
    for section in ("## Payoffs by profile", "## Pure equilibria", "## Regime map"):
        assert section in md
    assert "(verify, idle, idle) + (idle, verify, idle)" in md
    regimes = set((out / "regime_map.csv").read_text().splitlines()[1:])
    assert any("(idle, idle, verify)" in r for r in regimes)  # where carol's cost is lowest
    assert (out / "shares.png").exists()
    assert "pure equilibria are" in capsys.readouterr()[0]
