"""No GET writes: every staff URL of the role matrix, for each role, and every page of an ambassador's journey
(the campaign's pages, the survey before and after answering it, the idea board before and after its first
contribution, the feeds) is opened inside a savepoint where any INSERT, UPDATE or DELETE fails, however deep in
the functions the view calls it is. For the ambassador's pages the database itself holds the transaction
read-only (PostgreSQL), so even a statement that went round Django's cursor wrappers would fail.

Exempt by design: the tracking endpoints ``campaigns:personal_link`` (counts the click and starts the visit) and
``campaigns:open_pixel`` (counts the open): recording is what they are for. They are opened before the sweep,
outside it. Exempt too, on staff pages only: Wagtail's own bookkeeping of its admin (``WAGTAIL_BOOKKEEPING``), and
the audit trail's entry for a download of personal data or of a report (``AUDITED_DOWNLOADS``)."""

import re
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.urls import reverse
from wagtail.models import Site
from wagtail.users.models import UserProfile

from campaigns.models import AuditEntry, Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from cms.models import CampaignIndexPage, CampaignPage, RoadmapPage
from ideas.models import Board, Comment, Idea, StatusChange
from surveys.models import Question, Response, Section, Survey
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.config.test_role_matrix import MAY_OPEN, body, build_objects, staff_urls

pytestmark = pytest.mark.django_db

WRITE = re.compile(
    r'^\s*(?:WITH\b.*?\)\s*)?(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE | re.DOTALL
)
# Wagtail's own bookkeeping of its admin, not ours to move to a POST: the editing sessions of an edit page (who
# else has it open, stale ones cleaned up), and the preferences row it makes on an account's first admin page.
WAGTAIL_BOOKKEEPING = {"wagtailadmin_editingsession", "wagtailusers_userprofile"}
# Downloads of personal data and of reports are GETs that the audit trail records (who took what, when).
AUDITED_DOWNLOADS = {"ambassador_data:export", "reports:csv", "reports:download"}
SLUG = "banque-mobile"


class WriteRefused(Exception):
    pass


class Writes:
    """An execute wrapper that notes and refuses the writing statements run through it (but to ``allowed``
    tables)."""

    def __init__(self, allowed):
        self.allowed, self.statements = allowed, []

    def __call__(self, execute, sql, params, many, context):
        found = WRITE.match(sql)
        if found and found.group(1) not in self.allowed:
            self.statements.append(" ".join(sql.split())[:160])
            raise WriteRefused(self.statements[-1])
        return execute(sql, params, many, context)


@contextmanager
def read_only(allowed=()):
    """A savepoint where no statement may write (but to ``allowed`` tables), rolled back at the end; yields the
    writing statements tried meanwhile. Without ``allowed``, on PostgreSQL, the database holds the transaction
    read-only as well."""
    writes = Writes(set(allowed))
    with transaction.atomic(), connection.execute_wrapper(writes):
        if connection.vendor == "postgresql" and not allowed:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
        yield writes.statements
        transaction.set_rollback(True)


def get_writes(client, url, allowed=()):
    """(status, the writing statements a GET of ``url`` tried; the database's error too when it refused one)."""
    status = None
    with read_only(allowed) as statements:
        try:
            response = client.get(url)
            body(response)
            status = response.status_code
        except WriteRefused:
            pass
        except Exception as exc:  # noqa: BLE001 - the database refused a write: its error says which
            statements.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    return status, statements


def sweep(client, urls, allowed=()):
    """{url: what is wrong} over ``urls``: a write, or an answer that shows the page was not reached."""
    wrong = {}
    for url in urls:
        status, statements = get_writes(client, url, allowed)
        if statements or status not in (200, 302, 405):
            wrong[url] = statements or f"answered {status}: the sweep did not reach the page"
    return wrong


def report(wrong):
    return "GETs that write:\n" + "\n".join(f"{url}: {problem}" for url, problem in wrong.items())


def test_the_guard_refuses_a_write_and_names_it():
    target = campaign(slug="sonde")
    with read_only() as statements, pytest.raises(WriteRefused):
        Board.objects.create(campaign=target)
    assert statements and statements[0].startswith('INSERT INTO "ideas_board"')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own read-only transaction")
def test_the_database_refuses_a_write_that_goes_round_the_wrappers():
    target = campaign(slug="sonde")
    with (
        read_only(),
        pytest.raises(Exception, match="read-only transaction"),
        connection.connection.cursor() as cursor,  # the driver's own cursor: no Django wrapper sees it
    ):
        cursor.execute("UPDATE campaigns_campaign SET title = 'x' WHERE id = %s", [target.pk])


# --- staff --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(MAY_OPEN))
def test_no_staff_page_writes_on_a_get(request, client, role):
    user = request.getfixturevalue(role)
    pks = build_objects(user)
    client.force_login(user)
    wrong = {}
    for url_name, url in staff_urls(pks):
        audited = {AuditEntry._meta.db_table} if url_name in AUDITED_DOWNLOADS else set()
        _status, statements = get_writes(client, url, allowed=WAGTAIL_BOOKKEEPING | audited)
        if statements:
            wrong[f"{url_name} {url}"] = statements
    assert not wrong, f"{role}: {report(wrong)}"


# --- an ambassador's journey -------------------------------------------------------------------------------


def publish(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def journey(db):
    """A live survey-and-ideas campaign with no board row yet (its first contribution makes it) and its pages:
    the site's home, the campaigns' index, the campaign's page, the roadmap."""
    ambassador("lea@exemple.fr", region="bre", first_name="Léa", last_name="Martin")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.BOTH)
    survey = Survey.objects.create(campaign=target, title_fr="Votre avis", title_en="Your views")
    section = Section.objects.create(survey=survey, sort_order=0, title_fr="Page 1")
    Question.objects.create(
        survey=survey, section=section, sort_order=0, code="q1", kind=Question.Kind.SHORT_TEXT, text_fr="Et alors ?"
    )
    campaign_launch(target)
    home = Site.objects.get(is_default_site=True).root_page.specific
    index = publish(home.add_child(instance=CampaignIndexPage(title="Campagnes", slug="campagnes")))
    page = CampaignPage(title="La banque", slug=SLUG, campaign=target, intro="Votre avis compte.")
    publish(index.add_child(instance=page))
    roadmap = publish(home.add_child(instance=RoadmapPage(title="Vous avez dit", slug="feuille-de-route")))
    return [home.url, index.url, page.url, roadmap.url, reverse("cms:campaigns_feed"), reverse("cms:roadmap_feed")]


def board_urls(idea=None):
    urls = [
        reverse("ideas:board", args=[SLUG]),
        reverse("ideas:new", args=[SLUG]),
        reverse("ideas:similar", args=[SLUG]) + "?titre=virement+instantané",
        reverse("ideas:contributions", args=[SLUG]),
        reverse("ideas:leaderboard", args=[SLUG]),
    ]
    if idea is not None:
        urls += [
            reverse("ideas:board", args=[SLUG]) + "?sort=trending&q=virement&status=under_review&page=1",
            reverse("ideas:idea", args=[SLUG, idea.pk]),
        ]
    return urls


def survey_urls():
    return [
        reverse("surveys:start", args=[SLUG]),
        reverse("surveys:page", args=[SLUG, 1]),
        reverse("surveys:page", args=[SLUG, 9]),
        reverse("surveys:thanks", args=[SLUG]),
    ]


def test_no_page_of_an_ambassadors_journey_writes_on_a_get(client, journey):
    invitation = Invitation.objects.select_related("ambassador").get()
    assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 302  # exempt
    assert client.get(reverse("campaigns:open_pixel", args=[invitation.token])).status_code == 200  # exempt
    landing = [reverse("campaigns:landing", args=[SLUG]), reverse("campaigns:unsubscribe", args=[invitation.token])]
    wrong = sweep(client, [*landing, *journey, *survey_urls(), *board_urls()])

    client.post(reverse("surveys:page", args=[SLUG, 1]), {f"q{Question.objects.get().pk}": "Oui", "action": "next"})
    assert Response.objects.get().submitted_at is not None
    lea = invitation.ambassador
    idea = Idea.objects.create(campaign=invitation.campaign, title="Virement instantané", author=lea)
    Board.objects.create(campaign=invitation.campaign)
    Comment.objects.create(idea=idea, author=lea, body="Et sans frais")
    StatusChange.objects.create(idea=idea, from_status="new", to_status="under_review", answer_fr="On étudie.")
    wrong |= sweep(client, [*survey_urls(), *board_urls(idea), *journey])
    assert not wrong, report(wrong)


def test_no_public_page_writes_on_a_get_for_staff(client, journey, moderator_user):
    client.force_login(moderator_user)
    UserProfile.get_for_user(moderator_user)  # Wagtail's, made on a first admin page (its userbar reads it)
    wrong = sweep(client, [reverse("ideas:board", args=[SLUG]), reverse("campaigns:landing", args=[SLUG]), *journey])
    assert not wrong, report(wrong)
