"""Hostile input on the idea board's forms (hypothesis): never a server error, never more than one idea, comment
or vote written per valid post, and text stored as typed (escaped on display)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideas.models import Comment, Idea, Vote
from tests.ideas.conftest import idea

pytestmark = pytest.mark.django_db
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
TEXT = st.text(max_size=300).map(lambda text: text.replace("\x00", ""))  # the test client cannot send NUL
FIELDS = st.dictionaries(
    st.sampled_from(["title", "body", "category", "confirmed", "parent", "reason", "csrf"]),
    st.one_of(TEXT, st.sampled_from(["<script>alert(1)</script>", "=1+1", "9" * 30, "-1", ""])),
    max_size=6,
)


@EXAMPLES
@given(data=FIELDS, target=st.sampled_from(["new", "comment", "vote", "report"]))
def test_arbitrary_posts_to_the_board_never_break_it(visitor, board, data, target):
    existing = Idea.objects.filter(title="Idée cible").first() or idea(board, title="Idée cible")
    slug = board.campaign.slug
    url = reverse("ideas:new", args=[slug]) if target == "new" else reverse(f"ideas:{target}", args=[slug, existing.pk])
    counts = (Idea.objects.count(), Comment.objects.count(), Vote.objects.count())
    response = visitor.post(url, data)
    assert response.status_code in (200, 302, 400, 403, 404, 429), response.status_code
    after = (Idea.objects.count(), Comment.objects.count(), Vote.objects.count())
    assert all(0 <= new - old <= 1 for old, new in zip(counts, after))
    page = visitor.get(reverse("ideas:board", args=[slug])).content.decode()
    assert "<script>alert(1)</script>" not in page
