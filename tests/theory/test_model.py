"""The model description: backend-neutral helpers and the model lint."""

import dataclasses

import numpy as np
import pytest
import sympy as sp

from theory.errors import ModelError
from theory.model import Mechanism, Namespace, maximum, where
from theory.models import MODELS, get_model
from theory.models.rosca_v2 import MODEL as ROSCA


def test_where_on_every_backend():
    assert where(True, 1, 2) == 1 and where(False, 1, 2) == 2
    np.testing.assert_array_equal(where(np.array([True, False]), 1, 2), [1, 2])
    x = sp.Symbol("x")
    assert where(x > 0, x, 0).subs(x, 3) == 3
    assert where(x > 0, x, 0).subs(x, -3) == 0


def test_maximum_on_every_backend():
    assert maximum(1, 2) == 2
    np.testing.assert_array_equal(maximum(np.array([1, 5]), 3), [3, 5])
    x = sp.Symbol("x")
    assert maximum(x, 1).subs(x, 4) == 4


def test_namespace_refuses_unknown_names_and_assignment():
    s = Namespace({"a": 1}, "state variable")
    assert s.a == 1
    with pytest.raises(ModelError, match="unknown state variable 'b'"):
        _ = s.b
    with pytest.raises(ModelError):
        s.a = 2


def test_lint_rejects_the_seed_misspelt_key():
    """The draft's update block writes 'Contributer_On'; the lint names it."""
    bad = Mechanism("Contributer_On", lambda p, s, a: a.contributor)
    with pytest.raises(ModelError, match="'Contributer_On'.*did you mean 'Contributers_On'"):
        dataclasses.replace(ROSCA, blocks=((bad,) + ROSCA.blocks[0],) + ROSCA.blocks[1:])


def test_lint_rejects_a_read_of_an_unknown_key():
    bad = Mechanism("Cheats_Volume", lambda p, s, a: p.zeta * s.Total_Colected)
    with pytest.raises(ModelError, match="'Total_Colected'"):
        dataclasses.replace(ROSCA, blocks=((bad,),) + ROSCA.blocks[1:])


def test_lint_rejects_an_unknown_parameter():
    bad = Mechanism("Cheats_Volume", lambda p, s, a: p.zetta * s.Total_Collected)
    with pytest.raises(ModelError, match="unknown parameter 'zetta'"):
        dataclasses.replace(ROSCA, blocks=((bad,),) + ROSCA.blocks[1:])


def test_shipped_models():
    assert set(MODELS) == {
        "rosca-v2",
        "verifiers-dilemma",
        "inspection",
        "rosca-audit",
        "volunteers",
        "rosca-circle",
    }
    kinds = {name: m.kind for name, m in MODELS.items()}
    assert kinds["volunteers"] == "population" and kinds["rosca-circle"] == "many-round"
    assert kinds["rosca-audit"] == "two-player"
    for m in MODELS.values():
        assert m.__doc__ or m.summary
        for q in m.parameters:
            assert q.admits(q.default_value), q.name
            assert q.meaning


def test_seed_genesis_state_and_parameters():
    """The seed's genesis state and parameter values, exactly."""
    m = get_model("rosca-v2")
    d = m.defaults()
    assert {k: str(v) for k, v in d.items()} == {
        "beta": "2/5",
        "gamma": "1",
        "delta": "1/4",
        "zeta": "1/5",
        "epsilon": "1",
        "volume": "3000",
        "theta": "1/10",
        "cheat_probability": "3/10",
    }
    s = m.initial_state(m.params(d))
    assert s["Contributers_On"] is True and s["Cheaters_On"] is False
    assert s["Total_Collected"] == 3000 and s["Honest_Volume"] == 3000
    assert s["Cheats_Volume"] == 0 and s["Contributers_Rating"] == 0


def test_same_step_on_floats_arrays_and_symbols():
    """One step of the seed model on floats equals the array and the symbolic step."""
    m = get_model("rosca-v2")
    d = {k: float(v) for k, v in m.defaults().items()}
    p = m.params(d)
    s0 = m.initial_state(p)
    flt = m.step(p, s0, (True, True))
    arr = m.step(
        p,
        {k: np.array([v, v]) for k, v in s0.items()},
        (np.array([True, False]), np.array([True, True])),
    )
    sym_p = m.symbolic_parameters()
    sym = m.step(sym_p, m.initial_state(sym_p), (True, True))
    sub = {m.symbols[k]: v for k, v in d.items()}
    flags = {pl.flag for pl in m.players}
    for k in set(m.state_keys) - flags:
        assert float(arr[k][0]) == pytest.approx(float(flt[k]))
        assert float(sp.sympify(sym[k]).subs(sub)) == pytest.approx(float(flt[k]))
    # hand-computed: the cheater takes 0.2 x 3000 and pays 0.25 per unit when caught
    assert flt["Cheats_Volume"] == 600 and flt["Cheaters_Cost"] == 150
    assert flt["Cheater_Reward"] == 600 and flt["Contributers_Cost"] == 600
    assert flt["Contributers_Rating"] == 1 and flt["Contributers_Reward"] == pytest.approx(0.4)
    assert arr["Contributers_Cost"][1] == 0  # the withholding contributor loses nothing
