# %% [markdown]
# # 2. The verifier's dilemma: ROI feedback that cycles
#
# The cadCAD demo (Zargham, 2019) that the seed copied: verifiers pay to check, cheaters
# cheat when the verifiers were off. Each policy estimates its ROI from the last
# observation, and the feedback does not settle at the static equilibrium: it cycles,
# with a steady cheating share.

# %%
from reports.figures import plot_actions
from simulation.analysis import analyse_runs
from simulation.experiment import Experiment
from simulation.runner import compare, simulate
from theory.analysis import analyse
from theory.models import get_model

model = get_model("verifiers-dilemma")
exp = Experiment(model, runs=1, steps=100)  # the demo's own policy, 100 steps
frame = simulate(exp)
summary = analyse_runs(exp, frame).summary
print("period of the cycle:", summary["period"])
print("running cheating-volume fraction, median:", round(summary["cheat_fraction_median"], 4))
print("cumulative verifier ROI, median:", round(summary["roi_median"]["verifier"], 1))

# %% [markdown]
# The cycle, seen: verifiers switch off when there is nothing to catch, cheaters switch on
# when the verifiers were off, and round it goes.

# %%
ax = plot_actions(frame, exp)
ax.figure.savefig("02_demo_actions.png", dpi=100)

# %% [markdown]
# The static game has only a mixed equilibrium: verify with probability gamma/delta and
# cheat with probability alfa/(beta zeta). The demo's agents do neither.

# %%
a = analyse(model)
(eq,) = a.equilibria
print("equilibrium P(verify) =", eq.row[0], " P(cheat) =", eq.col[0])
(c,) = compare(exp, frame)
print(c.verdict)
