"""The two-proportion z-test of subject tests, against a printed table of the standard normal law and worked
examples computed by hand."""

import pytest

from campaigns.sending.significance import decide, two_proportion_z_test, two_sided_p

# z and Phi(z), from the standard normal table (NIST/SEMATECH e-Handbook, 1.3.6.7.1, "Cumulative Distribution
# Function of the Standard Normal Distribution"): the two-sided p-value is 2 (1 - Phi(z)).
NORMAL_TABLE = [
    (0.0, 0.50000), (1.0, 0.84134), (1.645, 0.95002), (1.96, 0.97500),
    (2.19, 0.98574), (2.576, 0.99500), (3.0, 0.99865),
]  # fmt: skip


@pytest.mark.parametrize(("z", "phi"), NORMAL_TABLE)
def test_two_sided_p_value_matches_the_normal_table(z, phi):
    assert two_sided_p(z) == pytest.approx(2 * (1 - phi), abs=1e-5)
    assert two_sided_p(-z) == two_sided_p(z)


def test_45_of_100_against_30_of_100_is_significant_at_5_percent():
    # pooled p = 75/200 = 0.375; se = sqrt(0.375 * 0.625 * (1/100 + 1/100)) = 0.0684653; z = 0.15 / se = 2.19089
    z, p = two_proportion_z_test(45, 100, 30, 100)
    assert z == pytest.approx(2.19089, abs=1e-5)
    assert p == pytest.approx(0.02846, abs=1e-4)  # between the table's p at 2.19 (0.02852) and at 2.20 (0.02781)
    assert two_proportion_z_test(30, 100, 45, 100) == pytest.approx((-z, p))


def test_120_of_1000_against_100_of_1000_is_not_significant():
    # pooled p = 0.11; se = sqrt(0.11 * 0.89 * 0.002) = 0.0139929; z = 0.02 / se = 1.42930; p = 0.1529
    z, p = two_proportion_z_test(120, 1000, 100, 1000)
    assert z == pytest.approx(1.42930, abs=1e-5)
    assert p == pytest.approx(0.15291, abs=1e-4)


def test_rates_that_cannot_vary_give_no_difference():
    assert two_proportion_z_test(0, 50, 0, 80) == (0.0, 1.0)
    assert two_proportion_z_test(50, 50, 80, 80) == (0.0, 1.0)
    with pytest.raises(ValueError):
        two_proportion_z_test(0, 0, 3, 10)


def test_a_significant_leader_wins_and_an_equal_pair_has_no_winner():
    won = decide([(30, 100), (45, 100)])
    assert (won.winner, won.leader) == (1, 1) and won.p_value == pytest.approx(0.02846, abs=1e-4)
    tie = decide([(40, 100), (40, 100)])
    assert tie.winner is None and tie.leader == 0 and tie.p_value == pytest.approx(1.0)


def test_a_difference_not_significant_at_5_percent_has_no_winner():
    assert decide([(120, 1000), (100, 1000)]).winner is None


def test_with_three_subjects_the_leader_must_beat_each_other_after_bonferroni():
    # 45 vs 30 alone gives p = 0.0285; against two others the corrected p is twice the worst: 0.0569 > 0.05
    close = decide([(30, 100), (45, 100), (30, 100)])
    assert close.winner is None and close.leader == 1 and close.p_value == pytest.approx(2 * 0.02846, abs=2e-4)
    clear = decide([(30, 100), (55, 100), (28, 100)])
    assert clear.winner == 1 and clear.p_value < 0.05


def test_a_subject_nobody_received_gives_no_decision():
    assert decide([(10, 100), (0, 0)]) == decide([(5, 10)]) == decide([])
    assert decide([(10, 100), (0, 0)]).winner is None and decide([(10, 100), (0, 0)]).p_value is None
