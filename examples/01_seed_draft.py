# %% [markdown]
# # 1. The seed's draft, and why it has no feedback loop
#
# The project grew from the cadCAD notebook "Blockchain based ROSCA - version 2". Its
# update block writes `'Contributer_On'`, a key that is not in the state
# (`Contributers_On`), and every mechanism that would move the volumes is commented out,
# so nothing the players do changes what they observe. This script shows the three
# problems and what the toolkit says instead. (Percent-format script: it opens as a
# notebook in Jupyter with jupytext, or in VS Code.)

# %%
from reports.figures import plot_actions
from simulation.analysis import analyse_runs
from simulation.cadcad_adapter import validate_blocks
from simulation.experiment import Experiment
from simulation.runner import simulate
from theory.analysis import analyse
from theory.errors import ModelError
from theory.models import get_model

model = get_model("rosca-v2")
genesis = model.initial_state(model.params(model.defaults()))

# %% [markdown]
# ## The misspelt key
# cadCAD 0.5.3 silently ignores an update of a key that is not in the state. The toolkit's
# lint refuses it and names it.

# %%
draft_block = [{"policies": {}, "variables": {"Contributer_On": None, "Cheaters_On": None}}]
try:
    validate_blocks(genesis, draft_block)
except ModelError as err:
    print("rejected:", err)

# %% [markdown]
# ## The mechanisms switched on, the draft's behaviour kept
# The `seed` policy is the draft's: the contributor pays while the pot exceeds
# (1 + theta) x the cheat volume, and the cheater flips a coin (p = 0.3) whatever happens.
# The coin ignores the state: there is still no feedback from outcomes to decisions.

# %%
exp = Experiment(model, policy="seed", runs=20, steps=120, seed=1)
frame = simulate(exp)
summary = analyse_runs(exp, frame).summary
print("acting rates:", summary["act_rate"])
print("mean cumulative profit:", summary["cum_profit_mean"])

# %% [markdown]
# The first run's actions: the contributor keeps paying, the cheater's coin flips on, blind
# to what happens (the figure is saved beside the notebook, and shown in Jupyter).

# %%
ax = plot_actions(frame, exp)
ax.figure.savefig("01_seed_actions.png", dpi=100)

# %% [markdown]
# ## As a game: cheating is dominant
# Evaluated on symbols, the same functions give the payoff matrices. With delta = 0.25 <
# gamma = 1 cheating nets 0.75 per unit even when caught: it strictly dominates honesty.

# %%
a = analyse(model)
print(a.dominant)
print("regime:", a.regime)
for t in a.thresholds:
    if t.parameter == "delta":
        print(t.text)

# %% [markdown]
# In Jupyter the analysis shows itself: payoff matrices, every equilibrium with the
# conditions under which it exists, and the regime.

# %%
a  # noqa: B018 (the notebook shows the analysis)
