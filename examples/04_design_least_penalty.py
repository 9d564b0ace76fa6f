# %% [markdown]
# # 4. The design question: the least penalty that keeps members honest
#
# In the ROSCA game honesty is the cheater's best response to contributing only when the
# penalty per unit caught, delta, exceeds the gain gamma. Below it cheating is dominant;
# above it (contribute, honest) becomes an equilibrium. Do adaptive agents find it?

# %%
import matplotlib.pyplot as plt
import numpy as np

from simulation.backends import run_sweep
from simulation.experiment import Experiment
from theory.analysis import analyse
from theory.models import get_model

model = get_model("rosca-v2")
a = analyse(model)
(t,) = [t for t in a.thresholds if t.parameter == "delta" and t.kind == "payoff"]
print("least penalty for honesty:", t.text)

# %% [markdown]
# Sweep delta across the threshold with fictitious-play agents (the hurdle theta = 0.1
# makes them demand a margin: the adaptive threshold is delta > gamma / (1 + theta)).

# %%
points = [{"delta": d} for d in np.round(np.linspace(0.25, 2.0, 8), 3)]
exp = Experiment(model, points=points, policy="fictitious-play", runs=5, steps=100)
table = next(run_sweep(exp, chunk_points=len(points)))
print(table[["delta", "simulated_row", "simulated_col", "regime_simulated", "agree"]])

# %% [markdown]
# The simulated cheating rate against the penalty, with the theory's threshold gamma and the
# hurdle's gamma / (1 + theta).

# %%
fig, ax = plt.subplots(figsize=(5.4, 3.4), layout="constrained")
ax.plot(
    table["delta"].astype(float),
    table["simulated_col"].astype(float),
    "o-",
    label="simulated P(cheat)",
)
gamma, theta = float(a.values["gamma"]), float(a.values["theta"])
ax.axvline(gamma, color="k", ls="--", label="theory: delta = gamma")
ax.axvline(gamma / (1 + theta), color="grey", ls=":", label="with the hurdle")
ax.set(xlabel="delta (penalty per unit caught)", ylabel="P(cheat)", ylim=(-0.05, 1.05))
ax.legend(fontsize=8)
fig.savefig("04_least_penalty.png", dpi=100)
