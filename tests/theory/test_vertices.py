"""Exact vertex enumeration against known games, including nashpy's blind spots."""

from fractions import Fraction as F

from theory.vertices import exact_equilibria


def test_game_nashpy_vertex_enumeration_misses():
    """docs/domain.md section 5: nashpy 0.0.43's vertex_enumeration returns none here."""
    r = exact_equilibria([[-3, 3], [-3, 5]], [[2, 7], [4, 2]])
    assert r.extreme == (((F(0), F(1)), (F(1), F(0))), ((F(2, 7), F(5, 7)), (F(1), F(0))))
    assert r.degenerate
    (comp,) = r.components
    assert len(comp[0]) == 2  # the segment between the two extreme points


def test_non_degenerate_coordination_game():
    r = exact_equilibria([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    assert not r.degenerate
    assert r.extreme == (
        ((F(0), F(1)), (F(0), F(1))),
        ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3))),
        ((F(1), F(0)), (F(1), F(0))),
    )


def test_three_by_three_rock_paper_scissors():
    A = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]
    B = [[-v for v in row] for row in A]
    r = exact_equilibria(A, B)
    assert r.extreme == (((F(1, 3),) * 3, (F(1, 3),) * 3),)
