"""``rosca-circle``: n members, rotation, defaults, collateral and the enforcement problem.

The circle of the seed's series (version 1: 10 members pay 300 a month for 10 months; the
member scheduled for the month receives the pot, the short pot when members fail to pay;
nothing carries over) with the levers of an on-chain design (docs/domain.md): collateral
slashed on default, an outside sanction, a credit rating that drops on default and gates
the next cycle, a discount factor, repeated cycles and three orders of receipt (Besley,
Coate and Loury, "The economics of rotating savings and credit associations", AER 83,
1993; Anderson, Baland and Moene, "Enforcement in informal saving groups", JDE 90, 2009).

Written in the general core as a population of ``members`` identical members with two
actions, ``pay`` and ``default``, played for ``members x cycles`` rounds. Nothing here is
a result: the theory derives each member's incentive constraint in each round by stepping
these mechanisms along the honest profile and every one-shot deviation
(:mod:`theory.rounds`); the closed forms of the literature are the tests' oracles.

A round, as partial state update blocks (each reads the state before it):

1. At the start of a cycle: a member whose rating is 0 is excluded for good when the
   rating gate is on; the defaults of the last cycle are forgotten.
2. At the start of a cycle: the order of receipt among the active members (``fixed``: by
   member index; ``rating``: highest rating first, ties by index; ``random``: a lottery
   drawn for the cycle), and the collateral each posts (``collateral_mode``):
   ``uniform``: ``collateral``; ``schedule``: ``collateral_schedule`` by position;
   ``required`` and ``released``: ``collateral_scale`` x the contributions the member still
   owes after its turn, ``contribution x (active members - position)``.
3. Payments. A member is due if active, in good standing this cycle, and the round is one
   of the cycle's ``active members`` rounds. A due member who pays gives ``contribution``;
   one who defaults loses its collateral (slashed into the round's pot), pays the outside
   ``sanction`` (a loss to it, not money in the circle), drops to rating 0 and is not due
   again this cycle (with ``miss`` = ``skip``, version 1's rule, only that payment is
   missed and the member stays due). The member at the round's position receives the pot
   (contributions plus slashed collateral) unless it has defaulted; then the payers are
   refunded and the slashed collateral goes to the circle's reserve. ``released``: after
   each payment a member past its turn keeps only ``collateral_scale x contribution x``
   the payments still to come; the rest is returned.
4. At the end of a cycle every member's remaining collateral is returned.

Each member's reward is what it receives; its cost what it pays, plus slashed collateral
and the sanction (posting and getting back one's own collateral is not a payoff: the
member keeps title to it). Money is conserved: everything paid in (contributions and
collateral posted) is received, returned, still held or in the reserve.
"""

from __future__ import annotations

import numpy as np

from theory.functions import count, member_index, rank, total, where
from theory.model import (
    Mechanism,
    Model,
    Option,
    Parameter,
    Player,
    Profile,
    StateVariable,
)


# -- when in the cycle -------------------------------------------------------------------
def slot(p, s):
    """The round's place in its cycle, 0-based."""
    return s.Round % p.members


def cycle_start(p, s):
    return slot(p, s) == 0


def round_in_cycle(p, s):
    """The round's number in its cycle, 1-based."""
    return slot(p, s) + 1


# -- block 1: exclusion -----------------------------------------------------------------
def active(p, s, a):
    gate = where(p.rating_gate >= 1, s.Round > 0, False)
    return where(cycle_start(p, s), s.Active & ~(gate & (s.Rating <= 0)), s.Active)


# -- block 2: order and collateral ------------------------------------------------------
def position(p, s, a):
    index = member_index(s.Active)
    key = where(p.order == "random", s.Lottery, where(p.order == "rating", -s.Rating, index))
    new = where(s.Active, rank(key + 0.0 * index, s.Active), p.members + 1)
    return where(cycle_start(p, s), new, s.Position)


def active_count(p, s, a):
    return where(cycle_start(p, s), count(s.Active), s.Active_Count)


def owed_after_turn(p, s, pos):
    """Contributions a member at position ``pos`` still owes after its turn."""
    return p.contribution * (count(s.Active) - pos)


def posted(p, s, a):
    pos = position(p, s, a)
    schedule = np.asarray([float(x) for x in p.collateral_schedule] or [0.0])
    by_position = schedule[np.clip(np.asarray(pos).astype(np.int64) - 1, 0, len(schedule) - 1)]
    amount = where(
        p.collateral_mode == "uniform",
        p.collateral + 0.0 * pos,
        where(
            p.collateral_mode == "schedule",
            by_position,
            p.collateral_scale * owed_after_turn(p, s, pos),
        ),
    )
    return where(cycle_start(p, s) & s.Active, amount, 0.0)


def held_at_start(p, s, a):
    return where(cycle_start(p, s), posted(p, s, a), s.Held)


def defaulted_reset(p, s, a):
    return where(cycle_start(p, s), False, s.Defaulted)


# -- block 3: payments -----------------------------------------------------------------
def due(p, s):
    real = round_in_cycle(p, s) <= s.Active_Count
    return s.Active & ~s.Defaulted & real


def pays(p, s, a):
    return due(p, s) & a.members.pay


def missed(p, s, a):
    return due(p, s) & a.members.default


def slashed(p, s, a):
    return where(missed(p, s, a), s.Held, 0.0)


def recipient_ok(p, s, a):
    """The member whose turn it is, if it is in good standing after this round's
    payments."""
    turn = s.Active & (s.Position == round_in_cycle(p, s))
    return turn & ~(s.Defaulted | missed(p, s, a))


def pot(p, s, a):
    return p.contribution * count(pays(p, s, a)) + total(slashed(p, s, a))


def received(p, s, a):
    ok = recipient_ok(p, s, a)
    nobody = count(ok) == 0
    refund = where(nobody & pays(p, s, a), p.contribution, 0.0)
    return where(ok, pot(p, s, a), 0.0) + refund


def reserve(p, s, a):
    nobody = count(recipient_ok(p, s, a)) == 0
    return s.Reserve + where(nobody, total(slashed(p, s, a)), 0.0)


def release_cap(p, s):
    """``released``: what a member past its turn must still hold after this round."""
    left = s.Active_Count - round_in_cycle(p, s)
    return p.collateral_scale * p.contribution * left


def held_after_payment(p, s, a):
    kept = where(missed(p, s, a), 0.0, s.Held)
    past_turn = s.Position <= round_in_cycle(p, s)
    releasing = (p.collateral_mode == "released") & past_turn & pays(p, s, a)
    cap = release_cap(p, s)
    return where(releasing & (kept > cap), cap, kept)


def released_now(p, s, a):
    return where(missed(p, s, a), 0.0, s.Held) - held_after_payment(p, s, a)


def rating_after(p, s, a):
    return where(missed(p, s, a), 0.0, s.Rating + where(pays(p, s, a), 1.0, 0.0))


# -- block 4: end of cycle ---------------------------------------------------------------
def cycle_end(p, s):
    """After block 3 the round counter has moved on: a cycle ended when it is a multiple
    of the member count."""
    return s.Round % p.members == 0


def returned_at_end(p, s, a):
    return s.Returned + where(cycle_end(p, s), s.Held, 0.0)


def held_at_end(p, s, a):
    return where(cycle_end(p, s), 0.0, s.Held)


def learned(p, s):
    """Where an adaptive member's decision is learned: after its turn in the cycle, while
    it is still due. Before its turn it pays (it is waiting for the pot), as in the
    enforcement problem of the literature."""
    return (due(p, s) & (s.Position < round_in_cycle(p, s)),)


def situation(p, s):
    """What a member can tell apart: 0 not due (excluded, defaulted, or no round), 1 due
    before or at its turn, 2 due after its turn."""
    after = s.Position < round_in_cycle(p, s)
    return (where(due(p, s), where(after, 2, 1), 0),)


def ledger(p, s):
    """Money this round, after the step: paid into the circle (contributions, collateral
    posted), paid out (pots and refunds, collateral returned), and what it holds
    (collateral, the reserve of slashed collateral that had no recipient)."""
    paid_in = total(s.Paid) + total(s.Posted)
    paid_out = total(s.Received) + total(s.Returned)
    return paid_in, paid_out, total(s.Held) + s.Reserve


def outcomes(p, data):
    """The circle's outcomes from recorded arrays ``(steps + 1, runs[, members])``: full
    pots, amounts collected, completed cycles, defaults and net value by position, the
    pot's shortfall by round, honest members' losses and defaulters' gains."""
    n = int(np.max(p.members))
    c = float(np.max(p.contribution))
    rounds = int(np.max(p.members)) * int(np.max(p.cycles))
    paid = np.asarray(data["Paid"][1:], dtype=float)  # (T, runs, n)
    steps, runs = paid.shape[:2]
    missed = np.asarray(data["Missed"][1:], dtype=bool)
    position = np.asarray(data["Position"][1:], dtype=float)
    active_count = np.asarray(data["Active_Count"][1:], dtype=float).reshape(steps, runs)
    t = np.arange(steps)
    in_game = t % rounds
    slot = in_game % n + 1
    real = slot[:, None] <= active_count
    collected = paid.sum(axis=2)
    full = real & (~missed.any(axis=2)) & (collected >= active_count * c - 1e-9)
    net = (
        np.asarray(data["Received"][1:])
        - paid
        - np.asarray(data["Slashed"][1:])
        - np.asarray(data["Sanctioned"][1:])
    )
    game = t // rounds
    cycle = game * int(np.max(p.cycles)) + in_game // n
    n_cycles = int(cycle.max()) + 1
    by_cycle = np.zeros((n_cycles, runs, n), dtype=bool)
    np.logical_or.at(by_cycle, cycle, missed)
    pos_cycle = np.zeros((n_cycles, runs, n))
    pos_cycle[cycle, :, :] = position
    rate, when, value = [], [], []
    first_round = np.full((n_cycles, runs, n), np.nan)
    for j in range(steps - 1, -1, -1):
        first_round[cycle[j]] = np.where(missed[j], slot[j], first_round[cycle[j]])
    per_member_net = np.zeros((game.max() + 1, runs, n))
    np.add.at(per_member_net, game, net)
    pos_game = np.zeros((game.max() + 1, runs, n))
    pos_game[game, :, :] = position
    for k in range(1, n + 1):
        at = pos_cycle == k
        hit = by_cycle & at
        rate.append(float(hit.sum() / max(1, at.sum())))
        rounds_hit = first_round[hit]
        when.append(float(rounds_hit.mean()) if rounds_hit.size else None)
        value.append(float(per_member_net[pos_game == k].mean()) if (pos_game == k).any() else 0.0)
    expected = active_count * c
    shortfall = np.where(real, expected - collected, 0.0)
    by_round = [float(shortfall[in_game == r].mean()) for r in range(min(rounds, steps))]
    defaulters = np.zeros((game.max() + 1, runs, n), dtype=bool)
    np.logical_or.at(defaulters, game, missed)
    honest_losses = np.where(~defaulters, np.maximum(-per_member_net, 0.0), 0.0).sum(axis=2)
    gains = np.where(defaulters, per_member_net, 0.0).sum(axis=2)
    first = in_game == 0
    return {
        "first_round_full_pot_rate": float(full[first].mean()),
        "first_round_collected_mean": float(collected[first].mean()),
        "full_pot_rate": float(full[real].mean()) if real.any() else 0.0,
        "collected_mean": float(collected[real].mean()) if real.any() else 0.0,
        "completion_rate": float((~by_cycle.any(axis=2)).mean()),
        "defaults_by_position": rate,
        "default_round_by_position": when,
        "net_value_by_position": value,
        "shortfall_by_round": by_round,
        "honest_losses_mean": float(honest_losses.mean()),
        "defaulter_gains_mean": float(gains.mean()),
        "defaulters_mean": float(defaulters.sum(axis=2).mean()),
    }


def honest(p, s):
    """Every member pays in every round of every cycle."""
    return (np.ones(np.shape(s.Pays), dtype=bool),)


def v1_policy(p, s, draw):
    """Version 1: each member fails to pay with ``default_probability``, independently,
    each round."""
    u = draw(member_index(s.Pays))
    return (u >= p.default_probability,)


def version_one(model, values):
    """Round one under version 1 (each member fails to pay with ``default_probability``,
    independently): the chance of a full pot and the mean amount collected, by stepping
    this model's mechanisms once on every profile of defaults (up to 12 members). With
    ``miss`` = ``skip`` (version 1's rule) every round is alike; when a miss is a default,
    later rounds depend on earlier ones, so the expectation is for the first round of each
    game."""
    import itertools

    p = model.params(values, numeric=True)
    n = int(p.members)
    if n > 12:
        return None
    q = float(p.default_probability)
    genesis = model.initial_state(p)
    profiles = np.array(list(itertools.product((True, False), repeat=n)))
    rows = len(profiles)
    state = {}
    for k, v in genesis.items():
        arr = np.asarray(v)
        state[k] = np.broadcast_to(arr, (rows,) + arr.shape) if arr.ndim else np.full((rows, 1), v)
    new = model.step(p, state, (profiles,))
    paid = np.asarray(new["Paid"], dtype=float).sum(axis=1)
    misses = (~profiles).sum(axis=1)
    weight = q**misses * (1 - q) ** (n - misses)
    full = paid >= n * float(p.contribution) - 1e-9
    return {
        "first_round_full_pot_rate": float(weight[full].sum()),
        "first_round_collected_mean": float((weight * paid).sum()),
    }


def check(values):
    """Cross-field checks: one scheduled amount and one discount factor per member, and
    a schedule when the mode asks for one."""
    from fractions import Fraction

    from theory.errors import ParameterError

    n = int(Fraction(str(values.get("members", 10))))
    schedule = values.get("collateral_schedule") or ()
    if values.get("collateral_mode") == "schedule" and not schedule:
        raise ParameterError(
            f"collateral_mode 'schedule' needs collateral_schedule, a list of {n} amounts "
            "(one per position)"
        )
    if schedule and len(schedule) != n:
        raise ParameterError(
            f"collateral_schedule has {len(schedule)} amounts; it needs one per member ({n})"
        )
    own = values.get("member_discounts") or ()
    if own and len(own) != n:
        raise ParameterError(
            f"member_discounts has {len(own)} factors; it needs one per member ({n})"
        )
    if any(not 0 < Fraction(x) <= 1 for x in own):
        raise ParameterError("member_discounts must each be in (0, 1]")


def _random_path(p):
    if p.order == "random":
        return (
            "order 'random' draws the order of receipt by lottery each cycle; the "
            "one-shot-deviation derivation follows a deterministic path (use order 'fixed' "
            "or 'rating')"
        )
    return None


def _discount(p):
    own = p.member_discounts
    if len(own):
        return np.asarray([float(x) for x in own])
    return p.discount


MODEL = Model(
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
        Parameter("discount", "1", "discount factor d per round", "1", lower_open=True, upper="1"),
        Parameter("collateral", "0", "uniform collateral K slashed on default", "GBP"),
        Parameter(
            "collateral_scale",
            "1",
            "modes 'required'/'released': multiple of the contributions owed after one's turn",
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
            "default_probability",
            "0.1",
            "v1: chance a member fails to pay a round",
            "1",
            upper="1",
            role="policy",
        ),
        Parameter("theta", "0", "ROI hurdle of the adaptive policies", "1", role="policy"),
    ),
    options=(
        Option("order", "fixed", "order of receipt", ("fixed", "random", "rating")),
        Option(
            "miss",
            "default",
            "a missed payment: 'default' (out for the cycle, collateral slashed) or 'skip' "
            "(only that payment is missed, as in version 1 of the series)",
            ("default", "skip"),
        ),
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
    state=(
        StateVariable("Round", 0, "rounds played", "rounds"),
        StateVariable("Active_Count", lambda p: p.members, "members in this cycle", "members"),
        StateVariable("Reserve", 0.0, "slashed collateral kept by the circle", "GBP"),
        StateVariable("Pays", True, "the member paid this round", "bool", per_member="members"),
        StateVariable("Active", True, "in the circle (not excluded)", "bool", per_member="members"),
        StateVariable(
            "Position",
            lambda p: np.arange(1, int(p.members) + 1),
            "turn to receive",
            "position",
            per_member="members",
        ),
        StateVariable("Defaulted", False, "defaulted this cycle", "bool", per_member="members"),
        StateVariable("Rating", 1.0, "credit rating (payments made)", "1", per_member="members"),
        StateVariable("Held", 0.0, "collateral held", "GBP", per_member="members"),
        StateVariable("Posted", 0.0, "collateral posted this round", "GBP", per_member="members"),
        StateVariable("Paid", 0.0, "contribution paid this round", "GBP", per_member="members"),
        StateVariable("Received", 0.0, "pot or refund received", "GBP", per_member="members"),
        StateVariable("Slashed", 0.0, "collateral slashed this round", "GBP", per_member="members"),
        StateVariable("Sanctioned", 0.0, "sanction paid this round", "GBP", per_member="members"),
        StateVariable(
            "Missed", False, "missed a due payment this round", "bool", per_member="members"
        ),
        StateVariable(
            "Returned", 0.0, "collateral returned this round", "GBP", per_member="members"
        ),
        StateVariable(
            "Lottery", 0.0, "the random order's draw", "1", per_member="members", draw=True
        ),
    ),
    players=(
        Player(
            "members",
            ("pay", "default"),
            "Pays",
            reward=lambda p, s: s.Received,
            cost=lambda p, s: s.Paid + s.Slashed + s.Sanctioned,
            reward_text="the pot on one's turn, refunds",
            cost_text="contributions, slashed collateral, sanction",
            population="members",
        ),
    ),
    blocks=(
        (
            Mechanism("Active", active, "exclusion of rating-0 members at a cycle start"),
            Mechanism("Defaulted", defaulted_reset, "defaults are per cycle"),
            Mechanism("Returned", lambda p, s, a: 0.0 * s.Returned, "reset"),
        ),
        (
            Mechanism("Position", position, "order of receipt at a cycle start"),
            Mechanism("Active_Count", active_count, "members in the cycle"),
            Mechanism("Held", held_at_start, "collateral posted at a cycle start"),
            Mechanism("Posted", posted, "collateral posted this round"),
        ),
        (
            Mechanism(
                "Paid",
                lambda p, s, a: where(pays(p, s, a), p.contribution, 0.0),
                "contribution if due and paying",
            ),
            Mechanism("Slashed", slashed, "collateral of a due member who defaults"),
            Mechanism(
                "Sanctioned",
                lambda p, s, a: where(missed(p, s, a), p.sanction, 0.0),
                "outside sanction on a default",
            ),
            Mechanism("Received", received, "pot to the member whose turn it is, or refunds"),
            Mechanism("Reserve", reserve, "slashed collateral with no recipient"),
            Mechanism(
                "Defaulted",
                lambda p, s, a: s.Defaulted | (missed(p, s, a) & (p.miss == "default")),
                "a missed payment is a default, unless misses are skipped",
            ),
            Mechanism("Missed", missed, "a due payment missed this round"),
            Mechanism("Rating", rating_after, "payments made; 0 on default"),
            Mechanism("Held", held_after_payment, "slashed, or released as payments arrive"),
            Mechanism("Returned", released_now, "collateral released this round"),
            Mechanism("Round", lambda p, s, a: s.Round + 1, "the round counter"),
        ),
        (
            Mechanism("Returned", returned_at_end, "remaining collateral at a cycle end"),
            Mechanism("Held", held_at_end, "nothing held between cycles"),
        ),
    ),
    native_policies={"v1": v1_policy},
    default_policy="v1",
    default_steps=lambda p: int(p.members) * int(p.cycles),
    rounds=lambda p: int(p.members) * int(p.cycles),
    discount=_discount,
    profiles=(Profile("no-default", "every member pays in every round of every cycle", honest),),
    period=lambda p: int(p.members),
    extras=version_one,
    check=check,
    learns=learned,
    situations=situation,
    n_situations=3,
    ledger=ledger,
    missed="Missed",
    outcomes=outcomes,
    round_label=lambda p, t: (
        f"cycle {(t - 1) // int(p.members) + 1}, round {(t - 1) % int(p.members) + 1}"
    ),
    random_path=_random_path,
    key_parameters=("collateral", "sanction", "discount"),
    source="Besley, Coate and Loury (1993); Anderson, Baland and Moene (2009)",
)
