"""``rosca-circle``: n members, rotation, defaults, collateral and the enforcement problem.

The circle of the seed's series (version 1: 10 members pay 300 a month for 10 months; the
member scheduled for the month receives the pot, the short pot when members fail to pay;
nothing carries over) with the levers of an on-chain design (DOMAIN.md section 4):
collateral slashed on default (uniform, by position, the theory's least schedule, or
released as payments arrive), a sanction, a credit rating that drops on default and gates
the next cycle, a discount factor and repeated cycles.

This is the toolkit's n-player model: its theory is the enforcement problem of
:mod:`theory.circle` (temptation and least collateral by position), not a 2x2 stage game,
so ``rosca design`` analyses it where ``rosca solve`` analyses the two-player games. It
shares their parameter descriptions, validation, random numbers, command line and report.

Order of receipt: ``fixed`` (member index), ``random`` (a permutation per run and cycle,
drawn from the counter-based generator) or ``rating`` (highest rating first). Behaviours:
``v1`` (each member fails to pay with ``default_probability``, independently, each round)
and ``roi`` (each member pays iff what paying keeps, the expected pot if it has not yet
received plus the collateral, sanction and future cycles it would lose, is at least
``1 + theta`` times the remaining payments; the expected pot falls with the share of missed
payments the member has observed, so one default can spread).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from theory.errors import ParameterError
from theory.model import Parameter, ParameterSet
from theory.parameters import Option


@dataclass(frozen=True, eq=False)
class CircleModel(ParameterSet):
    """An n-member ROSCA circle: parameters, options and behaviours."""

    name: str
    title: str
    summary: str
    parameters: tuple[Parameter, ...]
    options: tuple[Option, ...]
    policies: tuple[str, ...] = ("roi", "v1")
    default_policy: str = "roi"
    kind: str = field(default="circle")

    def check(self, values: Mapping[str, Fraction], options: Mapping[str, Any]) -> None:
        """Cross-field checks: the schedule's length must be the number of members."""
        n = int(values["members"])
        schedule = options.get("collateral_schedule") or ()
        if options.get("collateral_mode") == "schedule" and not schedule:
            raise ParameterError(
                "collateral_mode 'schedule' needs collateral_schedule, a list "
                f"of {n} amounts (one per position)"
            )
        own = options.get("member_discounts") or ()
        if own and len(own) != n:
            raise ParameterError(
                f"member_discounts has {len(own)} factors; it needs one per member ({n})"
            )
        if any(not 0 < x <= 1 for x in own):
            raise ParameterError("member_discounts must each be in (0, 1]")
        if schedule and len(schedule) != n:
            raise ParameterError(
                f"collateral_schedule has {len(schedule)} amounts; it needs one per member ({n})"
            )

    def default_steps(self, values: Mapping[str, Fraction]) -> int:
        return int(values["members"]) * int(values["cycles"])


MODEL = CircleModel(
    name="rosca-circle",
    title="The ROSCA circle: rotation, defaults and collateral",
    summary=(
        "n members pay c each round; the scheduled member receives the pot (short when "
        "members fail to pay). Collateral, a sanction, a rating that gates the next cycle "
        "and the discount factor decide who is tempted to stop paying after receiving."
    ),
    parameters=(
        Parameter(
            "members", "10", "number of members n", "members", lower="2", upper="1000", integer=True
        ),
        Parameter(
            "contribution", "300", "contribution c per member and round", "GBP", lower_open=True
        ),
        Parameter(
            "default_probability",
            "0.1",
            "v1: chance a member fails to pay a round",
            "1",
            upper="1",
            role="policy",
        ),
        Parameter("discount", "1", "discount factor d per round", "1", lower_open=True, upper="1"),
        Parameter("collateral", "0", "uniform collateral K slashed on default", "GBP"),
        Parameter(
            "collateral_scale",
            "1",
            "multiple of the theory's least schedule (modes 'required' and 'released')",
            "1",
        ),
        Parameter("sanction", "0", "outside sanction S on a defaulter", "GBP"),
        Parameter(
            "cycles", "1", "number of cycles", "cycles", lower="1", upper="100", integer=True
        ),
        Parameter(
            "rating_gate",
            "1",
            "1: a default excludes the member from later cycles",
            "1",
            upper="1",
            integer=True,
        ),
        Parameter(
            "theta", "0", "roi: hurdle, pay iff kept >= (1 + theta) x payments", "1", role="policy"
        ),
    ),
    options=(
        Option("order", "fixed", "order of receipt", ("fixed", "random", "rating")),
        Option(
            "collateral_mode",
            "uniform",
            "how collateral is set",
            ("uniform", "required", "released", "schedule"),
        ),
        Option("collateral_schedule", "", "collateral by position (mode 'schedule')", is_list=True),
        Option(
            "member_discounts",
            "",
            "each member's own discount factor (default: discount)",
            is_list=True,
        ),
    ),
)
