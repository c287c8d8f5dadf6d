import pytest

from reports.listening.sentiment import NEGATIVE, NEUTRAL, POSITIVE, sentiment


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Service client injoignable, des semaines d'attente. Lamentable.", NEGATIVE),
        ("Application claire et facile, je recommande !", POSITIVE),
        ("Je ne recommande pas cette banque.", NEGATIVE),
        ("Jamais eu de problème, aucun souci en dix ans.", POSITIVE),
        ("Toujours aucune réponse à mes courriels.", NEGATIVE),
        ("Je ne peux que recommander.", POSITIVE),
        ("Pas de frais et tout est gratuit.", POSITIVE),
        ("L'appli est pratique mais le service client est nul et injoignable.", NEGATIVE),
        ("J'ai ouvert un compte en mars.", NEUTRAL),
        ("Terrible support, the worst bank.", NEGATIVE),
        ("Great app, easy and fast.", POSITIVE),
    ],
)
def test_sentiment_reads_negation_contrast_and_plain_statements(text, label):
    assert sentiment(text).label == label


def test_the_score_runs_from_minus_one_to_one_and_grows_with_intensity():
    mild, strong = sentiment("C'est bien."), sentiment("C'est vraiment très bien, parfait, excellent !")
    assert 0 < mild.score < strong.score <= 1
    assert -1 <= sentiment("Nul, nul, nul, une honte, fuyez !").score < -0.8
