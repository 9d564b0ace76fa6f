# %% [markdown]
# # 3. The inspection game: equilibrium, paradox and learning
#
# The stage game behind both models. Its unique equilibrium is mixed:
# P(verify) = G/(G+P), P(cheat) = C/(R+L). The cheating rate does not depend on the
# penalty (Tsebelis' paradox). Fictitious play approaches it in time average; myopic best
# response cycles through the four profiles.

# %%
import numpy as np
import sympy as sp

from reports.figures import plot_regime_map
from simulation.batched import run_batched
from simulation.compare import compare_flags
from simulation.experiment import Experiment
from theory.analysis import analyse
from theory.equilibria import analyse_symbolic
from theory.models import get_model
from theory.payoffs import stage_game
from theory.regions import regime_grid

model = get_model("inspection")
game = stage_game(model)
print(game.payoff[0], game.payoff[1])
mixed = [e for e in analyse_symbolic(game).equilibria if e.kind == "mixed"][0]
print("P(verify) =", mixed.row[0], "  P(cheat) =", mixed.col[0])
print("d P(cheat) / d P =", sp.diff(mixed.col[0], model.symbols["P"]))

# %% [markdown]
# The regime map over the penalty P and the cost of verifying C: the mixed equilibrium
# holds while verifying is worth its cost (C < R + L), whatever the penalty.

# %%
grid = regime_grid(
    model, model.defaults(), "P", np.linspace(0.05, 8, 80), "C", np.linspace(0.05, 8, 80)
)
ax = plot_regime_map(grid)
ax.figure.savefig("03_regime_map.png", dpi=100)

# %% [markdown]
# ## Fictitious play, then myopic best response

# %%
for policy, steps in (("fictitious-play", 4000), ("last-observation", 200)):
    exp = Experiment(model, policy=policy, steps=steps)
    t = run_batched(exp, keys=["Verifier_On", "Cheater_On"])
    c = compare_flags(exp, exp.points[0], t.data["Verifier_On"], t.data["Cheater_On"])
    print(policy, "->", c.verdict)

# %% [markdown]
# Fictitious play's time averages spiral in to the equilibrium (1/5, 1/5): the path of the
# running frequencies of verifying and cheating.

# %%
import matplotlib.pyplot as plt  # noqa: E402

exp = Experiment(model, policy="fictitious-play", steps=4000)
t = run_batched(exp, keys=["Verifier_On", "Cheater_On"])
steps = np.arange(1, exp.n_steps + 1)
verify = np.cumsum(t.data["Verifier_On"][1:, 0]) / steps
cheat = np.cumsum(t.data["Cheater_On"][1:, 0]) / steps
fig, ax = plt.subplots(figsize=(4.6, 4.2), layout="constrained")
ax.plot(verify, cheat, lw=0.8, label="fictitious play, running frequencies")
point = game.substitution(model.defaults())
ax.plot(mixed.row[0].subs(point), mixed.col[0].subs(point), "ko", label="mixed equilibrium")
ax.set(xlabel="P(verify)", ylabel="P(cheat)", xlim=(0, 1), ylim=(0, 1))
ax.legend(fontsize=8)
fig.savefig("03_fictitious_play.png", dpi=100)

# %%
analyse(model)
