import pytest
from django.urls import reverse

from campaigns.models import Ambassador
from ideas.badges import awards_grant, awards_refresh, leaderboard
from ideas.models import Award, Comment, Contributor, Idea
from ideas.voting import vote_cast
from tests.ideas.conftest import idea

pytestmark = pytest.mark.django_db
Badge = Award.Badge


def badges(person):
    return sorted(Award.objects.filter(ambassador=person).values_list("badge", flat=True))


def test_posting_and_voting_earn_their_first_badges_once(visitor, board):
    visitor.post(reverse("ideas:new", args=["banque-mobile"]), {"title": "Épargne arrondie automatique", "body": ""})
    target = Idea.objects.get()
    visitor.post(reverse("ideas:vote", args=["banque-mobile", target.pk]), {"action": "vote"})
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    assert badges(lea) == [Badge.FIRST_IDEA, Badge.FIRST_VOTE]
    awards_grant(ambassador=lea)
    awards_refresh()
    assert badges(lea) == [Badge.FIRST_IDEA, Badge.FIRST_VOTE]
    page = visitor.get(reverse("ideas:idea", args=["banque-mobile", target.pk])).content.decode()
    assert "Première idée" in page  # next to the author's name
    page = visitor.get(reverse("ideas:contributions", args=["banque-mobile"])).content.decode()
    assert "Premier vote" in page and "Épargne arrondie automatique" in page


def test_an_adopted_idea_earns_its_author_a_badge_for_the_campaign(board):
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    idea(board, author=lea, status=Idea.Status.PLANNED)
    awards_refresh()
    assert Award.objects.filter(ambassador=lea, badge=Badge.IDEA_ADOPTED, campaign=board.campaign).count() == 1


def test_the_leaderboard_scores_contributions_and_leaves_out_those_who_hide(board):
    lea, john = Ambassador.objects.get(email="lea@exemple.fr"), Ambassador.objects.get(email="john@example.com")
    first, second = idea(board, "Une", author=lea), idea(board, "Deux", author=lea)
    Comment.objects.create(idea=first, author=john, body="Bien vu")
    vote_cast(idea=first, ambassador=john)
    vote_cast(idea=second, ambassador=lea)
    assert [(person.email, score) for person, score in leaderboard(board.campaign)] == [
        ("lea@exemple.fr", 7),
        ("john@example.com", 2),
    ]
    awards_refresh()
    assert Badge.TOP_CONTRIBUTOR in badges(lea) and Badge.TOP_CONTRIBUTOR not in badges(john)
    Contributor.objects.create(ambassador=lea, hide_from_leaderboards=True)
    assert [person.email for person, _score in leaderboard(board.campaign)] == ["john@example.com"]


def test_the_contributions_page_sets_the_name_shown_and_the_leaderboard_opt_out(visitor, board):
    url = reverse("ideas:contributions", args=["banque-mobile"])
    assert visitor.post(url, {"display_name": "Léa de Rennes", "hide_from_leaderboards": "on"}).status_code == 302
    contributor = Contributor.objects.get()
    assert contributor.display_name == "Léa de Rennes" and contributor.hide_from_leaderboards
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    target = idea(board, author=lea)
    assert "Léa de Rennes" in visitor.get(reverse("ideas:idea", args=["banque-mobile", target.pk])).content.decode()
    assert "Léa de Rennes" not in visitor.get(reverse("ideas:leaderboard", args=["banque-mobile"])).content.decode()


def test_answering_surveys_earns_a_badge(board):
    from django.utils import timezone

    from campaigns.models import Campaign, Invitation

    lea = Ambassador.objects.get(email="lea@exemple.fr")
    for number in range(3):
        campaign = Campaign.objects.create(slug=f"q{number}", title=f"Q{number}", kind=Campaign.Kind.SURVEY)
        Invitation.objects.create(
            campaign=campaign, ambassador=lea, token=f"{number:064x}", responded_at=timezone.now()
        )
    awards_refresh()
    assert Badge.SURVEYS_ANSWERED in badges(lea)


def test_a_contribution_that_brings_its_author_to_the_top_places_earns_the_badge_at_once(board):
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    ideas = [idea(board, f"Idée {number}") for number in range(5)]
    for target in ideas[:4]:
        vote_cast(idea=target, ambassador=lea)
        awards_grant(ambassador=lea, campaign=board.campaign)
    assert Badge.TOP_CONTRIBUTOR not in badges(lea)  # 4 points: under TOP_MIN_SCORE
    vote_cast(idea=ideas[4], ambassador=lea)
    awards_grant(ambassador=lea, campaign=board.campaign)
    assert Award.objects.filter(ambassador=lea, badge=Badge.TOP_CONTRIBUTOR, campaign=board.campaign).exists()


def test_checking_a_voters_badges_reads_no_leaderboard_under_the_top_score(board, django_assert_max_num_queries):
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    vote_cast(idea=idea(board), ambassador=lea)
    with django_assert_max_num_queries(4):  # awards held, facts, the voter's score, the badges given
        assert awards_grant(ambassador=lea, campaign=board.campaign) == [Badge.FIRST_VOTE]


def test_a_voter_who_cannot_pass_the_third_place_reads_no_leaderboard_and_one_who_can_is_placed(board):
    """In a burst every voter reaches TOP_MIN_SCORE: only one who may pass the third place (as last read) reads
    the leaderboard, and one who passes it is placed at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ideas = [idea(board, f"Idée {number}") for number in range(8)]
    leaders = [Ambassador.objects.create(email=f"tete{n}@exemple.fr") for n in range(3)]
    for leader in leaders:
        for target in ideas[:6]:
            vote_cast(idea=target, ambassador=leader)
        awards_grant(ambassador=leader, campaign=board.campaign)
    assert all(Badge.TOP_CONTRIBUTOR in badges(leader) for leader in leaders)
    late = Ambassador.objects.create(email="tard@exemple.fr")
    for target in ideas[:5]:
        vote_cast(idea=target, ambassador=late)
    with CaptureQueriesContext(connection) as seen:
        awards_grant(ambassador=late, campaign=board.campaign)
    assert not any("LIMIT 3" in query["sql"] for query in seen.captured_queries)  # 5 points under the third's 6
    assert Badge.TOP_CONTRIBUTOR not in badges(late)
    for target in ideas[5:7]:
        vote_cast(idea=target, ambassador=late)
    awards_grant(ambassador=late, campaign=board.campaign)  # 7 points: past the third place
    assert Badge.TOP_CONTRIBUTOR in badges(late)
