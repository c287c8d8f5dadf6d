"""The two-proportion z-test that picks a subject test's winner, in plain Python (no scipy).

For two groups with x1 of n1 and x2 of n2 "successes" (opens or clicks), under the hypothesis that both share one
rate p = (x1 + x2) / (n1 + n2), z = (x1/n1 - x2/n2) / sqrt(p (1 - p) (1/n1 + 1/n2)) follows the standard normal
law, and the two-sided p-value is P(|Z| >= |z|) = erfc(|z| / sqrt(2)) (NIST/SEMATECH e-Handbook of Statistical
Methods, 7.3.3 "How can we determine whether two processes produce the same proportion of defectives?"; Agresti,
*Categorical Data Analysis*, 3rd ed., 2.1.3). The normal approximation holds when each group has at least a few
successes and failures; below that, the test rarely reaches significance, which is the safe side here: no winner.

With three or four subjects, the leader (highest rate; the earliest on a tie) must beat each of the others; the
p-value reported is the largest of those comparisons multiplied by their number (Bonferroni's correction), so
the chance of declaring a winner among equal subjects stays under ``alpha``.
"""

import math
from dataclasses import dataclass

ALPHA = 0.05


def two_sided_p(z):
    """P(|Z| >= |z|) for a standard normal Z: 2 (1 - Phi(|z|)) = erfc(|z| / sqrt(2))."""
    return math.erfc(abs(z) / math.sqrt(2))


def two_proportion_z_test(x1, n1, x2, n2):
    """(z, two-sided p-value) of the difference between x1/n1 and x2/n2. Both groups must be non-empty. When
    neither rate can vary (all or none succeeded in both) there is no difference to find: (0.0, 1.0)."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both groups need at least one member")
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return z, two_sided_p(z)


@dataclass(frozen=True)
class Decision:
    """The outcome of a subject test: ``winner`` is the index of the winning group, or None (no significant
    difference, or a group with nobody in it); ``leader`` the index of the highest rate; ``p_value`` the
    corrected p-value of the leader against the others (None when it could not be computed)."""

    winner: int | None
    leader: int | None
    p_value: float | None


def decide(groups, *, alpha=ALPHA):
    """The decision on ``groups``, a list of (successes, size), one per subject in the form's order."""
    if len(groups) < 2 or any(size <= 0 for _successes, size in groups):
        return Decision(winner=None, leader=None, p_value=None)
    rates = [successes / size for successes, size in groups]
    leader = max(range(len(groups)), key=lambda index: (rates[index], -index))
    others = [index for index in range(len(groups)) if index != leader]
    worst = max(two_proportion_z_test(*groups[leader], *groups[other])[1] for other in others)
    p_value = min(1.0, worst * len(others))
    beats_all = all(rates[leader] > rates[other] for other in others)
    return Decision(winner=leader if beats_all and p_value < alpha else None, leader=leader, p_value=p_value)
