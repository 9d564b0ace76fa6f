# %% [markdown]
# # 3. The inspection game: equilibrium, paradox and learning
#
# The stage game behind both models. Its unique equilibrium is mixed:
# P(verify) = G/(G+P), P(cheat) = C/(R+L). The cheating rate does not depend on the
# penalty (Tsebelis' paradox). Fictitious play approaches it in time average; myopic best
# response cycles through the four profiles.

# %%
import sympy as sp

from simulation.batched import run_batched
from simulation.compare import compare_flags
from simulation.experiment import Experiment
from theory.equilibria import analyse_symbolic
from theory.models import get_model
from theory.payoffs import stage_game

model = get_model("inspection")
game = stage_game(model)
print(game.payoff[0], game.payoff[1])
mixed = [e for e in analyse_symbolic(game).equilibria if e.kind == "mixed"][0]
print("P(verify) =", mixed.row[0], "  P(cheat) =", mixed.col[0])
print("d P(cheat) / d P =", sp.diff(mixed.col[0], model.symbols["P"]))

# %% [markdown]
# ## Fictitious play, then myopic best response

# %%
for policy, steps in (("fictitious-play", 4000), ("last-observation", 200)):
    exp = Experiment(model, policy=policy, steps=steps)
    t = run_batched(exp, keys=["Verifier_On", "Cheater_On"])
    c = compare_flags(exp, exp.points[0], t.data["Verifier_On"], t.data["Cheater_On"])
    print(policy, "->", c.verdict)
