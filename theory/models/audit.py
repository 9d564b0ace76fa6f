"""``rosca-audit``: the seed's Contributors-versus-Cheaters game with three actions each.

Grown from ``rosca-v2`` (the seed notebook, "Blockchain based ROSCA - version 2"): the
contributor may also *audit* the round (pay ``audit_cost`` to catch a cheat for sure and
recover what was taken), and the cheater may take a *small* (``zeta_small``) or a *large*
(``zeta_large``) share of the pot. An inspection game with graded inspection and graded
violation (Avenhaus, von Stengel and Zamir, "Inspection games", Handbook of Game Theory 3,
2002, section 4).

Choices, documented like ``rosca-v2``'s:

* Contributing earns the round's rating reward ``beta`` (the credit a paid-up member
  gains); auditing also pays in, and earns it too; withholding earns nothing and loses
  nothing.
* A contributor who pays in loses what the cheater takes, unless it audits (then the
  amount is recovered). The cheater keeps ``gamma`` per unit taken and not recovered.
* A cheat is caught for sure under audit, with probability ``detect`` when the members
  merely contribute (their own checks), never when they withhold; a caught cheater pays
  ``delta`` per unit taken plus a fixed ``fine`` (in expectation, times ``detect`` when
  the members contribute). The fixed part makes a small cheat relatively riskier than a
  large one, so the cheater's two ways of cheating are not mere rescalings of each other.
* The volume is exogenous, as in the seed: withholding does not shrink what the cheater
  can take.

With the defaults there is no pure equilibrium: contributing invites the large cheat,
the large cheat invites auditing, auditing invites honesty, honesty invites contributing.
"""

from __future__ import annotations

from theory.model import Mechanism, Model, Parameter, Player, StateVariable, where


def paying_in(a):
    """The contributor contributes or audits."""
    return where(a.contributor.withhold, False, True)


def taken(p, s, a):
    share = where(a.cheater.large, p.zeta_large, where(a.cheater.small, p.zeta_small, 0))
    return share * s.Total_Collected


MODEL = Model(
    name="rosca-audit",
    title="ROSCA with audits: three actions each",
    summary=(
        "The seed's game with graded choices: the contributor contributes, audits (at a cost, "
        "catching and recovering any cheat) or withholds; the cheater takes a large share, a "
        "small share, or nothing."
    ),
    parameters=(
        Parameter("beta", "400", "rating reward of a round paid in", "GBP"),
        Parameter(
            "gamma", "1", "cheater's gain per unit taken and kept", "GBP/GBP", lower_open=True
        ),
        Parameter("delta", "1.5", "cheater's penalty per unit taken when caught", "GBP/GBP"),
        Parameter("fine", "100", "fixed fine on a caught cheater, whatever it took", "GBP"),
        Parameter(
            "detect", "0.5", "chance contributors catch a cheat without an audit", "1", upper="1"
        ),
        Parameter("audit_cost", "250", "cost of auditing a round", "GBP"),
        Parameter("zeta_small", "0.05", "small share of the pot", "1", upper="1", lower_open=True),
        Parameter("zeta_large", "0.2", "large share of the pot", "1", upper="1", lower_open=True),
        Parameter("volume", "3000", "GBP collected per round", "GBP", lower_open=True),
        Parameter("theta", "0", "ROI hurdle of the adaptive policies", "1", role="policy"),
    ),
    state=(
        StateVariable("Contributor_Action", 0, "0 contribute, 1 audit, 2 withhold", "action"),
        StateVariable("Cheater_Action", 2, "0 large, 1 small, 2 honest", "action"),
        StateVariable("Total_Collected", lambda p: p.volume, "GBP collected this round", "GBP"),
        StateVariable("Cheats_Volume", 0, "GBP taken by the cheater", "GBP"),
        StateVariable("Recovered", 0, "1 when an audit recovers the amount taken", "0/1"),
        StateVariable("Caught", 0, "chance the cheat is caught", "1"),
        StateVariable("Contributers_Rating", 0, "rounds paid in", "rounds"),
        StateVariable("Contributers_Reward", 0, "contributors' reward this round", "GBP"),
        StateVariable("Contributers_Cost", 0, "contributors' loss and audit cost", "GBP"),
        StateVariable("Cheater_Reward", 0, "cheater's take kept this round", "GBP"),
        StateVariable("Cheaters_Cost", 0, "cheater's expected penalty this round", "GBP"),
    ),
    players=(
        Player(
            "contributor",
            ("contribute", "audit", "withhold"),
            "Contributor_Action",
            reward=lambda p, s: s.Contributers_Reward,
            cost=lambda p, s: s.Contributers_Cost,
            reward_text="beta when paying in",
            cost_text="the amount taken (unless audited), plus the audit cost",
        ),
        Player(
            "cheater",
            ("large", "small", "honest"),
            "Cheater_Action",
            reward=lambda p, s: s.Cheater_Reward,
            cost=lambda p, s: s.Cheaters_Cost,
            reward_text="gamma x amount taken and not recovered",
            cost_text="(delta x amount taken + fine) x chance of being caught",
        ),
    ),
    blocks=(
        (
            Mechanism("Cheats_Volume", taken, "zeta_large or zeta_small x Total, or 0"),
            Mechanism(
                "Contributers_Rating",
                lambda p, s, a: s.Contributers_Rating + where(paying_in(a), 1, 0),
                "Rating + 1 when paying in",
            ),
            Mechanism(
                "Caught",
                lambda p, s, a: where(
                    a.contributor.audit, 1, where(a.contributor.contribute, p.detect, 0)
                ),
                "1 when auditing, detect when contributing, else 0",
            ),
            Mechanism(
                "Recovered",
                lambda p, s, a: where(a.contributor.audit, 1, 0),
                "1 when auditing",
            ),
        ),
        (
            Mechanism(
                "Contributers_Reward",
                lambda p, s, a: where(paying_in(a), p.beta * s.Contributers_Rating, 0),
                "beta x rating when paying in",
            ),
            Mechanism(
                "Contributers_Cost",
                lambda p, s, a: (
                    where(paying_in(a), s.Cheats_Volume * (1 - s.Recovered), 0)
                    + where(a.contributor.audit, p.audit_cost, 0)
                ),
                "loss unless recovered, plus the audit cost",
            ),
            Mechanism(
                "Cheater_Reward",
                lambda p, s, a: p.gamma * s.Cheats_Volume * (1 - s.Recovered),
                "gamma x amount kept",
            ),
            Mechanism(
                "Cheaters_Cost",
                lambda p, s, a: (
                    (p.delta * s.Cheats_Volume + where(s.Cheats_Volume > 0, p.fine, 0)) * s.Caught
                ),
                "(delta x amount + fine) x chance caught",
            ),
        ),
    ),
    key_parameters=("audit_cost", "delta", "detect", "beta"),
    regime_axes=("audit_cost", "delta"),
    volumes=("Cheats_Volume", "Total_Collected"),
    default_policy="fictitious-play",
    default_steps=400,
    source="the seed notebook (rosca-v2), graded as in Avenhaus, von Stengel and Zamir (2002)",
)
