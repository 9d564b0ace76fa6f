# %% [markdown]
# # 5. The ROSCA circle: who is tempted, and how much collateral keeps everyone paying
#
# Ten members pay 300 a month; the member at position k receives the 3000 pot in month k.
# Having received, it is tempted to stop paying: it would save the remaining payments,
# T_k = c d (1 - d^(n-k)) / (1 - d), or c (n - k) without discounting. On chain (WeTrust's
# lending circle, say) there is no sanction, so collateral must cover the temptation.

# %%
from fractions import Fraction

from simulation.circle import CircleExperiment, run_circle
from simulation.circle_outcomes import predict_defaults, summarise_circle
from theory.circle import design
from theory.models.rosca_circle import MODEL

values = MODEL.defaults()
dsg = design(values)
for e in dsg.positions[:3]:
    print(
        f"position {e.position}: temptation {e.temptation}, least collateral "
        f"{e.required_collateral}"
    )
print(
    "least uniform collateral:",
    dsg.least_uniform_collateral,
    "(binding position",
    dsg.binding_position,
    ")",
)
print("exclusion alone fails at positions", dsg.exclusion_fails_at)

# %% [markdown]
# ## Adaptive members confirm it
# Members who weigh what paying keeps (the pot they still expect, the collateral they would
# lose) against the payments left default exactly where the theory says.

# %%
for K in (0, 2000, 2700):
    vals = dict(values, collateral=Fraction(K))
    exp = CircleExperiment(MODEL, vals, policy="roi", runs=10)
    s = summarise_circle(run_circle(exp))
    print(
        f"K = {K}: theory says positions {list(predict_defaults(exp).tempted)} default; "
        f"simulated defaults by position {s['defaults_by_position']}"
    )

# %% [markdown]
# ## Version 1: accidental misses
# Each member misses a month with probability 0.1: the pot is full with probability 0.9^10.

# %%
s = summarise_circle(run_circle(CircleExperiment(MODEL, values, policy="v1", runs=2000)))
print(
    "full pot rate",
    round(s["full_pot_rate"], 4),
    "theory",
    round(s["full_pot_probability_theory"], 4),
)
