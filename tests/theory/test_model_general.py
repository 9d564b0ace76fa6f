"""The general model description: its lint for every new kind of description, and the
command line's one-line refusals for the new bad inputs (issue: one core for every game)."""

import pytest

from reports.cli.main import main
from theory.errors import ModelError
from theory.model import Mechanism, Model, Parameter, Player, Profile, StateVariable, where


def player(name, actions=("a", "b"), flag=None, population=None):
    return Player(
        name,
        actions,
        flag or f"{name}_flag",
        reward=lambda p, s: 0,
        cost=lambda p, s: 0,
        population=population,
    )


def model(players, state=None, parameters=(), **kw):
    names = [pl.flag for pl in players]
    states = state or tuple(
        StateVariable(n, False, "flag", per_member=pl.name if pl.population else None)
        for n, pl in zip(names, players)
    )
    return Model(
        name="m",
        title="t",
        summary="s",
        parameters=tuple(parameters),
        state=states,
        players=tuple(players),
        blocks=(),
        **kw,
    )


def test_one_player_is_not_a_game():
    with pytest.raises(ModelError, match="one player is not a game"):
        model([player("solo")])


def test_one_action_is_not_a_choice():
    with pytest.raises(ModelError, match="has 1 action"):
        model([player("x", ("only",)), player("y")])


def test_a_population_needs_its_count_parameter():
    with pytest.raises(ModelError, match="counts its members with unknown parameter 'n'"):
        model([player("crowd", population="n")])
    with pytest.raises(ModelError, match="must be an integer parameter"):
        model([player("crowd", population="n")], parameters=[Parameter("n", "3", "count")])


def test_per_member_state_names_a_population():
    with pytest.raises(ModelError, match="per member of unknown population 'ghosts'"):
        model(
            [player("x"), player("y")],
            state=(
                StateVariable("x_flag", False, ""),
                StateVariable("y_flag", False, ""),
                StateVariable("Z", 0, "", per_member="ghosts"),
            ),
        )


def test_misspelt_keys_are_refused_for_m_actions_and_populations():
    crowd = player("crowd", ("go", "stay"), population="n")
    with pytest.raises(ModelError, match="did you mean 'Crowd_Gain'"):
        Model(
            name="m",
            title="t",
            summary="s",
            parameters=(Parameter("n", "3", "", lower="2", integer=True),),
            state=(
                StateVariable("crowd_flag", False, "", per_member="crowd"),
                StateVariable("Crowd_Gain", 0, "", per_member="crowd"),
            ),
            players=(crowd,),
            blocks=((Mechanism("Crowd_Gain", lambda p, s, a: s.Crowd_Gains + 1),),),
        )
    three = player("x", ("a", "b", "c"))
    with pytest.raises(ModelError, match="unknown action of player 'x' 'd'"):
        Model(
            name="m",
            title="t",
            summary="s",
            parameters=(),
            state=(
                StateVariable("x_flag", 0, ""),
                StateVariable("y_flag", False, ""),
                StateVariable("G", 0, ""),
            ),
            players=(three, player("y")),
            blocks=((Mechanism("G", lambda p, s, a: where(a.x.d, 1, 0)),),),
        )


def test_profiles_need_many_rounds_and_vice_versa():
    with pytest.raises(ModelError, match="profiles need a many-round model"):
        model([player("x"), player("y")], profiles=(Profile("p", "", lambda p, s: (True, True)),))
    with pytest.raises(ModelError, match="names at least one profile"):
        model([player("x"), player("y")], rounds=lambda p: 3)


def one_line(capsys, *argv):
    code = main(list(argv))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_cli_a_profile_that_does_not_exist(capsys):
    err = one_line(capsys, "design", "rosca-circle", "--target", "honesty")
    assert "unknown profile 'honesty'" in err and "no-default" in err


def test_cli_a_member_count_outside_its_bounds(capsys):
    err = one_line(capsys, "design", "rosca-circle", "--set", "members=1")
    assert "members" in err and "[2, 1000]" in err
    err = one_line(capsys, "solve", "volunteers", "--set", "members=100001")
    assert "members" in err


def test_cli_a_game_too_large_to_enumerate(capsys):
    err = one_line(capsys, "solve", "volunteers", "--set", "members=9", "--format", "nfg")
    assert "too many for an .nfg file" in err
    err = one_line(capsys, "design", "rosca-circle", "--set", "members=1000", "--set", "cycles=100")
    assert "too large to derive" in err and "fewer members or cycles" in err


def test_cli_design_refuses_a_one_shot_game(capsys):
    err = one_line(capsys, "design", "inspection")
    assert "no strategy profiles" in err
