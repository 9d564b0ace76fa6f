"""The model lint, exercised at the cadCAD boundary with the seed's misspelt key."""

import dataclasses

import pytest

from simulation.cadcad_adapter import run_cadcad, validate_blocks
from simulation.experiment import Experiment
from theory.errors import ModelError
from theory.model import Mechanism
from theory.models import get_model


def test_the_seed_partial_state_update_block_is_rejected():
    """The draft's block, verbatim in structure: 'Contributer_On' is not a state key."""
    genesis = get_model("rosca-v2").initial_state(
        get_model("rosca-v2").params(get_model("rosca-v2").defaults())
    )

    def s_commit_to_contributing(params, substep, sH, s, _input):
        return "Contributers_On", _input["contributer"]

    def s_commit_to_cheating(params, substep, sH, s, _input):
        return "Cheaters_On", _input["cheater"]

    seed_blocks = [
        {
            "policies": {},
            "variables": {
                "Contributer_On": s_commit_to_contributing,
                "Cheaters_On": s_commit_to_cheating,
            },
        }
    ]
    with pytest.raises(ModelError, match="'Contributer_On' \\(did you mean 'Contributers_On'"):
        validate_blocks(genesis, seed_blocks)


def test_a_model_with_the_misspelt_key_never_reaches_cadcad():
    m = get_model("rosca-v2")
    bad = Mechanism("Contributer_On", lambda p, s, a: a.contributor)
    with pytest.raises(ModelError, match="Contributer_On"):
        model = dataclasses.replace(m, blocks=((bad,) + m.blocks[0],) + m.blocks[1:])
        run_cadcad(Experiment(model, steps=2))


def test_generated_blocks_pass_the_lint():
    exp = Experiment(get_model("rosca-v2"), steps=3)
    df = run_cadcad(exp)
    assert set(exp.state_keys) <= set(df.columns)
