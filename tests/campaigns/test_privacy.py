"""The privacy layer on its own (``campaigns.privacy``): primary and complementary suppression over random
tables, statistics and segment sizes."""

from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.privacy import is_shown, shown
from campaigns.privacy.segment_counts import rounded
from campaigns.privacy.statistics import extreme, is_safe
from campaigns.privacy.suppression import Grid
from tests.privacy import attacks

counts = st.integers(min_value=0, max_value=30)


def test_a_count_under_five_is_withheld_zero_included():
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == [None, None, None, 5, 12]
    assert not is_shown(0)


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=1, max_size=8))
def test_no_part_of_a_shown_total_can_be_had_by_subtraction(parts):
    grid = Grid()
    grid.add("total", sum(parts))
    grid.relation("total", [grid.add(index, value) for index, value in enumerate(parts)])
    grid.protect()
    total, seen = grid.shown("total"), [grid.shown(index) for index in range(len(parts))]
    assert attacks.by_difference(total, seen) is None
    assert attacks.small_counts([total, *seen]) is None


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(counts, min_size=2, max_size=4), min_size=2, max_size=4).filter(
        lambda rows: len({len(row) for row in rows}) == 1
    )
)
def test_no_cell_of_a_table_with_its_margins_can_be_had_by_subtraction(rows):
    grid = Grid()
    width = len(rows[0])
    grid.add("all", sum(map(sum, rows)))
    for r, row in enumerate(rows):
        grid.add(("row", r), sum(row))
        for c, value in enumerate(row):
            grid.add((r, c), value)
        grid.relation(("row", r), [(r, c) for c in range(width)])
    for c in range(width):
        grid.add(("column", c), sum(row[c] for row in rows))
        grid.relation(("column", c), [(r, c) for r in range(len(rows))])
    grid.relation("all", [("row", r) for r in range(len(rows))])
    grid.relation("all", [("column", c) for c in range(width)])
    grid.protect()
    for r in range(len(rows)):
        assert attacks.by_difference(grid.shown(("row", r)), [grid.shown((r, c)) for c in range(width)]) is None
    for c in range(width):
        cells = [grid.shown((r, c)) for r in range(len(rows))]
        assert attacks.by_difference(grid.shown(("column", c)), cells) is None
    margins = [grid.shown(("row", r)) for r in range(len(rows))]
    assert attacks.by_difference(grid.shown("all"), margins) is None


def test_a_step_and_the_step_before_never_leave_a_small_gap():
    grid = Grid()
    grid.add("invited", 20)
    grid.add("opened", 19)
    grid.nested("invited", "opened")
    grid.protect()
    assert grid.shown("invited") == 20 and grid.shown("opened") is None


def test_a_fixed_total_is_never_withheld_by_its_parts():
    grid = Grid()
    grid.add("total", 13, withheld=False)
    grid.relation("total", [grid.add("yes", 12), grid.add("no", 1)])
    grid.protect()
    assert (grid.shown("total"), grid.shown("yes"), grid.shown("no")) == (13, None, None)


def test_statistics_only_when_they_give_no_withheld_cell_back():
    assert is_safe([(1, 0, True), (2, 10, False), (3, 5, False)])  # the withheld cell holds no one
    assert not is_safe([(1, 1, True), (2, 3, True), (3, 10, False)])  # a mean would solve the two
    top_two = [(1, 10, False), (2, 2, True), (3, 3, True)]
    assert is_safe(top_two, weight=lambda value: value >= 2)  # both withheld in the top two: nothing new
    assert not is_safe([(1, 1, False), (2, 2, True)])  # fewer than five in all
    assert extreme([(10, 6), (20, 6), (500, 1)]) == 10 and extreme([(10, 6), (500, 1)], highest=True) is None


def test_segment_sizes_are_rounded_to_a_multiple_of_five_under_which_they_are_withheld():
    assert [rounded(n) for n in (0, 1, 4, 5, 7, 8, 12, 13, 101)] == [None, None, None, 5, 5, 10, 10, 15, 100]
