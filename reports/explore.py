"""The explorer: one self-contained HTML page on which a model's equilibria move with its
parameters (``rosca explore``), for every kind of model of the core.

Compute, then compile, then render, one module per kind of model:

* two players, and three or more single players: :mod:`reports.explore_games` (payoff
  tables, candidates with their conditions, the exact equilibria at the point, thresholds,
  regime map, learning dynamics);
* a population of identical members: :mod:`reports.explore_population` (payoffs through
  counts, the count equilibria from ``D(k)`` at every count, the symmetric mixed
  equilibrium, the bystander curve);
* many rounds: :mod:`reports.explore_rounds` (the one-shot-deviation constraints, affine
  in the free parameters, moved live within the region the page derived).

Every formula on a page is the theory's own sympy expression, compiled to JavaScript by
sympy's code printer (:mod:`reports.jscode`); the shared shell is
:mod:`reports.explore_common`. A page whose compiled script would exceed
:data:`MAX_SOURCE` characters is refused with one line (:class:`ExploreError`).
"""

from __future__ import annotations

from typing import Any

from reports.explore_common import (
    CompiledPage,
    ExploreError,
    Slider,
    decimal,
    slider,
)
from reports.explore_games import ExplorerData, compile_game, game_data, render_game
from reports.explore_population import (
    PopulationData,
    compile_population,
    population_data,
    render_population,
)
from reports.explore_rounds import RoundsData, compile_rounds, render_rounds, rounds_data
from theory.model import Model

__all__ = [
    "MAX_SOURCE",
    "CompiledPage",
    "ExploreError",
    "Slider",
    "build_page",
    "compile_page",
    "decimal",
    "explorer_data",
    "render_page",
    "slider",
]

MAX_SOURCE = 2_000_000
"""The most characters of compiled JavaScript a page may hold."""

PageData = ExplorerData | PopulationData | RoundsData


def explorer_data(model: Model, values: dict[str, Any], source: str = "") -> PageData:
    """Analyse ``model`` at ``values`` (parameters and options) and gather what its page shows.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("volunteers")
    >>> type(explorer_data(m, m.defaults())).__name__
    'PopulationData'
    """
    if model.kind == "many-round":
        return rounds_data(model, values, source)
    if model.kind == "population":
        return population_data(model, values, source)
    return game_data(model, values, source)


def compile_page(data: PageData, limit: int | None = None) -> CompiledPage:
    """Compile every expression of ``data`` to JavaScript; refuse a page over ``limit``
    characters (:data:`MAX_SOURCE` by default).

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("inspection")
    >>> page = compile_page(explorer_data(m, m.defaults()))
    >>> page.rational, page.spec["candidates"][2]["label"]
    (True, 'mixed')
    """
    most = MAX_SOURCE if limit is None else limit
    if isinstance(data, RoundsData):
        return compile_rounds(data, most)
    if isinstance(data, PopulationData):
        return compile_population(data, most)
    return compile_game(data, most)


def render_page(data: PageData, page: CompiledPage) -> str:
    """The self-contained HTML page."""
    if isinstance(data, RoundsData):
        return render_rounds(data, page)
    if isinstance(data, PopulationData):
        return render_population(data, page)
    return render_game(data, page)


def build_page(model: Model, values: dict[str, Any], source: str = "") -> str:
    """Compute, compile and render the explorer page of ``model`` at ``values``.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("rosca-v2")
    >>> text = build_page(m, m.defaults())
    >>> 'type: "range", name: p.name' in text, "http" in text.split("<script>")[1]
    (True, False)
    """
    data = explorer_data(model, values, source)
    return render_page(data, compile_page(data))
