# %% [markdown]
# # 5. The ROSCA circle: who is tempted, and how much collateral keeps everyone paying
#
# Members pay a contribution each round; the member at position k receives the pot in
# round k. Having received, it is tempted to stop paying: it would save the payments
# still due. On chain (WeTrust's lending circle, say) there is no sanction, so
# collateral must cover the temptation. Nothing below is a typed-in formula: the
# theory steps the circle's own mechanisms along "everyone pays" and along every
# one-shot deviation (docs/domain.md, section 4).

# %%
from fractions import Fraction

from simulation.batched import run_batched
from simulation.compare_rounds import compare_rounds
from simulation.experiment import Experiment
from theory.design import analyse_rounds
from theory.models import get_model

circle = get_model("rosca-circle")
values = {"members": 5, "contribution": 100}
a = analyse_rounds(circle, values)
design = a.profiles[0]
for m in design.members:
    print(
        f"{m.agent.name}: tempted by {m.temptation + 0.0:.0f} at {m.binding.label}; "
        f"least collateral {m.required:.0f}"
    )
print(design.thresholds["collateral"].text)

# %% [markdown]
# ## Several cycles: the last one binds
# With exclusion from later cycles at stake, early cycles deter more than the last,
# where there is no future to lose.

# %%
several = {
    "members": 5,
    "contribution": 100,
    "discount": Fraction(9, 10),
    "cycles": 3,
    "sanction": 20,
}
print(analyse_rounds(circle, several).profiles[0].thresholds["collateral"].text)

# %% [markdown]
# ## Members who learn find the same defaults
# Each member learns, from the payoffs it experiences over games played in sequence,
# whether paying after its turn pays (the seed's ROI rule, made to learn). After
# learning, one more game is played with what was learned: with collateral 250, the
# first two positions (tempted by 400 and 300) default right after their turn; the
# others keep paying.

# %%
pt = {"members": 5, "contribution": 100, "collateral": 250}
games = 800
exp = Experiment(circle, points=[pt], policy="roi", runs=40, steps=games * 5, seed=1)
learned = run_batched(exp, keys=["Missed"])
c = compare_rounds(exp, learned)
print(c.text)
