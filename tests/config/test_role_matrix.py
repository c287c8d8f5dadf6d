"""Who may open what: every staff view and export of the project's apps (our admin viewsets, the snippet
viewsets and their choosers), swept role by role on real objects, by GET and by POST, against the matrix below.

The URLs come from walking the URL configuration, so a new view is swept too: the walk fails, naming it, until
``URLS`` (or ``SNIPPET_OBJECTS``) says which objects it takes; every URL a role's list does not match must
refuse that role. No answer to a role without access to personal data (editor, moderator, analyst) may hold
the ambassador's email or last name, XLSX files included.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import get_resolver, reverse

from campaigns.models import AmbassadorImport, Campaign, OutboxMessage, Product, Tag, Tier
from campaigns.sending.launch import campaign_launch
from campaigns.sending.outbox import OutboxEmailBackend
from ideas.models import Board, Comment, Idea
from reports.export_jobs import export_run, export_start
from tests.admin_pages import refused
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.config.test_staff_views import OURS, SNIPPETS
from tests.surveys.factories import budget_survey, sent_file

pytestmark = pytest.mark.django_db

# --- the expected matrix ---------------------------------------------------------------------------------
# For each role, the staff URLs it may open: regexes matched at the start of the path after /admin/ (README,
# "Roles"). Every other staff URL must refuse it, by GET and by POST.

# Choosers (the pop-up list of a foreign-key field) check no permission in Wagtail: any admin account may list
# these snippets, which name no one (editors need the campaign chooser for their campaign pages).
OPEN_CHOOSERS = (
    r"snippets/choose/(campaigns/(campaign|segment|product|tag|tier)|surveys/(survey|question)"
    r"|ideas/(board|idea|comment))/(results/|chosen/\d+/|chosen-multiple/)?$"
)

MAY_OPEN = {
    # Manages everything: audience, imports, campaigns and their launch, outbox, personal data, surveys, ideas,
    # reports.
    "product_user": [
        (
            r"(?!"
            r"snippets/(choose/)?campaigns/invitation/(add|create|delete)/"  # a launch invites; staff withdraw
            r"|snippets/(choose/)?ideas/comment/(add|create)/"  # comments are written on the board
            r"|audit/"  # the audit trail: superusers only
            r")"
        )
    ],
    # Pages, images and documents (Wagtail's own views); sees the surveys.
    "editor_user": [
        r"snippets/surveys/survey/(results/)?$",  # the survey listing
        r"survey_preview/",  # a survey as ambassadors see it
        OPEN_CHOOSERS,
    ],
    # The moderation queue, and the listings of boards, ideas and comments.
    "moderator_user": [
        r"ideas/moderation/",  # the queue and its decisions
        r"snippets/ideas/(board|idea|comment)/(results/)?$",
        # read and correct an idea or a comment: the queue's decisions are the change permission
        r"snippets/ideas/(idea|comment)/(edit|inspect|history|history-results|usage)/",
        OPEN_CHOOSERS,
    ],
    # Segments and their sizes, campaign figures, surveys, ideas, reports and their exports; never the
    # ambassadors' personal data (no ambassador or invitation listing, personal-data export, outbox or import).
    "analyst_user": [
        r"snippets/campaigns/segment/(results/|size/)?$",
        r"snippets/campaigns/campaign/(results/)?$",
        r"campaign_actions/\d+/(preview/\w+/)?$",  # a campaign's figures and its email
        r"snippets/surveys/(survey|question)/(results/)?$",
        r"survey_preview/",
        r"snippets/ideas/(board|idea|comment)/(results/)?$",
        r"snippets/ideas/(idea|comment)/inspect/",  # the author named as on the board, never by email
        r"campaign-reports/",  # reports, charts, CSV, workbook exports and their downloads
        OPEN_CHOOSERS,
    ],
}

# Views that only take a POST: Django's method check comes before the permission check, so a GET answers 405
# to everyone (disclosing nothing).
POST_ONLY = {
    "campaign_actions:test",
    "campaign_actions:action",
    "reports:export_create",
    "ideas_moderation:moderate",
    "wagtailsnippets_campaigns_segment:size",
}
# Wagtail's read-only views: a POST answers 405 to whoever may open them.
READ_ONLY = {
    "list",
    "list_results",
    "history",
    "history_results",
    "inspect",
    "usage",
    "choose",
    "choose_results",
    "chosen",
    "chosen_multiple",
}
# A chooser's creation step: none of our snippets offers a creation form, and Wagtail 8 fails (500) on a POST
# there once its own add-permission check passes; only its GET is swept for those who may open it.
GET_ONLY_SWEPT = {"create"}

# --- which object each URL takes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """The primary key of one of the built objects, by name."""

    name: str


class _Objects:
    def __getattr__(self, name):
        return Ref(name)


OBJ = _Objects()

URLS = {
    "ambassador_import:index": {},
    "ambassador_import:detail": {"pk": OBJ.ambassador_import},
    "ambassador_import:rejected": {"pk": OBJ.ambassador_import, "kind": "csv"},
    "ambassador_import:template": {},
    "ambassador_import:columns": {},
    "ambassador_data:export": {"pk": OBJ.ambassador},
    "ambassador_data:erase": {"pk": OBJ.ambassador},
    "campaign_actions:overview": {"pk": OBJ.campaign},
    "campaign_actions:preview": {"pk": OBJ.campaign, "locale": "fr"},
    "campaign_actions:test": {"pk": OBJ.campaign},
    "campaign_actions:checklist": {"pk": OBJ.campaign},
    "campaign_actions:action": {"pk": OBJ.campaign, "action": "unschedule"},  # harmless on a live campaign
    "outbox:index": {},
    "audit:index": {},
    "audit:results": {},
    "outbox:detail": {"pk": OBJ.outbox_message},
    "limesurvey_import:index": {},
    "limesurvey_import:report": {"pk": OBJ.survey},
    "survey_preview:page": {"pk": OBJ.survey, "number": 1},
    "survey_files:list": {"pk": OBJ.survey},
    "survey_builder:survey_duplicate": {"pk": OBJ.survey},
    "survey_builder:page_duplicate": {"pk": OBJ.section},
    "survey_builder:question_duplicate": {"pk": OBJ.question},
    "survey_builder:bank": {"pk": OBJ.survey},
    "wagtailsnippets_surveys_survey:preview_on_add": {},
    "wagtailsnippets_surveys_survey:preview_on_edit": {"pk": OBJ.survey},
    "survey_files:file": {"pk": OBJ.file_answer},
    "ideas_moderation:index": {},
    "ideas_moderation:moderate": [{"kind": "idea", "pk": OBJ.idea}, {"kind": "comment", "pk": OBJ.comment}],
    "ideas_review:idea": {"pk": OBJ.idea},
    "reports:index": {},
    "reports:engagement": {},
    "reports:campaign": {"pk": OBJ.campaign},
    "reports:chart": {"pk": OBJ.campaign, "name": "funnel"},
    "reports:question_chart": {"pk": OBJ.campaign, "question_pk": OBJ.question},
    "reports:csv": {"pk": OBJ.campaign, "table": "summary"},  # row-level tables: tests/reports/test_catalogue.py
    "reports:export_create": {"pk": OBJ.campaign},
    "reports:export": {"job_pk": OBJ.export_job},
    "reports:download": {"job_pk": OBJ.export_job},
    "wagtailsnippets_campaigns_segment:size": {},
}
# Wagtail's views of each snippet (and of its chooser), whose only argument is the snippet's primary key.
SNIPPET_VIEWS = READ_ONLY | GET_ONLY_SWEPT | {"add", "edit", "delete", "copy"}
SNIPPET_OBJECTS = {
    "campaigns_ambassador": OBJ.ambassador,
    "campaigns_segment": OBJ.segment,
    "campaigns_product": OBJ.product,
    "campaigns_tag": OBJ.tag,
    "campaigns_tier": OBJ.tier,
    "campaigns_campaign": OBJ.campaign,
    "campaigns_invitation": OBJ.invitation,
    "surveys_survey": OBJ.survey,
    "surveys_question": OBJ.question,
    "ideas_board": OBJ.board,
    "ideas_idea": OBJ.idea,
    "ideas_comment": OBJ.comment,
}
CHOOSERS = tuple(prefix.replace("wagtailsnippets_", "wagtailsnippetchoosers_") for prefix in SNIPPETS)


def walk():
    """(namespace, view name, sorted argument names) of every staff URL of our apps."""
    resolver = get_resolver()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        if namespace in OURS or namespace.startswith(SNIPPETS + CHOOSERS):
            for name in sub.reverse_dict:
                if isinstance(name, str):
                    for _bits, _pattern, _defaults, arguments in sub.reverse_dict.getlist(name):
                        yield namespace, name, sorted(arguments)


def staff_urls(pks):
    """[(view name, URL)] of every staff URL, built with the objects' primary keys; fails on an unknown URL."""
    urls, unknown = [], []
    for namespace, name, arguments in walk():
        url_name = f"{namespace}:{name}"
        model = namespace.removeprefix("wagtailsnippets_").removeprefix("wagtailsnippetchoosers_")
        if url_name in URLS:
            choices = URLS[url_name]
        elif model != namespace and name in SNIPPET_VIEWS and model in SNIPPET_OBJECTS:
            choices = {"pk": SNIPPET_OBJECTS[model]} if arguments else {}
        else:
            unknown.append(f"{url_name}{arguments}")
            continue
        for kwargs in choices if isinstance(choices, list) else [choices]:
            if sorted(kwargs) != arguments:
                unknown.append(f"{url_name}{arguments}")
                continue
            values = {key: pks[value.name] if isinstance(value, Ref) else value for key, value in kwargs.items()}
            urls.append((url_name, reverse(url_name, kwargs=values)))
    assert not unknown, (
        "Staff URLs the role matrix does not know: add them to URLS (or their snippet to "
        f"SNIPPET_OBJECTS) in {__name__}, and to MAY_OPEN for the roles that may open them: {unknown}"
    )
    return sorted(urls, key=lambda item: item[1])


# --- the objects -----------------------------------------------------------------------------------------

EMAIL, LAST_NAME = "lea.secrete@exemple.fr", "Quintavalle"


def build_objects(exporter):
    """One real object of each kind the staff URLs take; the report export is ``exporter``'s (written)."""
    lea = ambassador(EMAIL, first_name="Léa", last_name=LAST_NAME, region="bre")
    segment = region_segment()
    target = campaign(segments=[segment], kind=Campaign.Kind.BOTH)
    survey = budget_survey(target)
    campaign_launch(target)  # Léa's invitation (its emails would go out on commit, which never comes here)
    board = Board.objects.create(campaign=target)
    idea = Idea.objects.create(campaign=target, title="Virement instantané", author=lea)
    OutboxEmailBackend().send_messages([EmailMessage("Invitation", "Bonjour Léa", "equipe@banque.example", [EMAIL])])
    job = export_start(campaign=target, user=exporter)
    export_run(job.pk)
    file_answer = sent_file(survey, target.invitations.get(ambassador=lea))
    return {
        "ambassador": lea.pk,
        "segment": segment.pk,
        "product": Product.objects.first().pk,
        "tag": Tag.objects.create(name="fidèle").pk,
        "tier": Tier.objects.get(code="expert").pk,
        "campaign": target.pk,
        "invitation": target.invitations.get(ambassador=lea).pk,
        "survey": survey.pk,
        "question": survey.questions.first().pk,
        "section": survey.sections.first().pk,
        "board": board.pk,
        "idea": idea.pk,
        "comment": Comment.objects.create(idea=idea, author=lea, body="Oui, et sans frais !").pk,
        "outbox_message": OutboxMessage.objects.get().pk,
        "export_job": job.pk,
        "file_answer": file_answer.pk,
        "ambassador_import": AmbassadorImport.objects.create(
            file_name="ambassadeurs.csv", created_by=exporter, rejected_csv=str(rejected_file())
        ).pk,
    }


def rejected_file():
    path = Path(settings.VAR_DIR) / "rejetees.csv"
    path.write_text("email,raison\nlea@,adresse invalide\n", encoding="utf-8")
    return path


@pytest.fixture
def objects(request, role):
    return build_objects(request.getfixturevalue(role))


# --- the sweep -------------------------------------------------------------------------------------------


def body(response):
    """The bytes a client receives, a streamed file (CSV, workbook) included; XLSX parts unzipped."""
    # The test client closes a streamed response (its file too) once read to the end.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content


def names_lea(content):
    return EMAIL.encode() in content or LAST_NAME.encode() in content


def answer(client, method, url):
    """The response and its bytes, in a savepoint rolled back at once: a POST (delete, erase, moderate...) leaves
    the objects as they were for the next URL."""
    with transaction.atomic():
        response = client.post(url, {"decision": "approve"}) if method == "post" else client.get(url)
        content = body(response)
        transaction.set_rollback(True)
    return response, content


def verdict(url_name, method, may_open, response):
    """What is wrong with the response, or None."""
    status, view = response.status_code, url_name.split(":")[1]
    if may_open:
        if (method == "get" and url_name in POST_ONLY) or (method == "post" and view in READ_ONLY):
            expected = status == 405
        else:
            expected = status == 200 or (method == "post" and status == 302 and not refused(response))
        return None if expected else f"should answer, got {status} {response.get('Location', '')}"
    if method == "get" and url_name in POST_ONLY:
        return None if status == 405 else f"should answer 405 to a GET, got {status}"
    return None if refused(response) else f"should be refused, got {status} {response.get('Location', '')}"


@pytest.mark.parametrize("role", list(MAY_OPEN))
def test_each_role_opens_exactly_what_the_matrix_gives_it(request, client, role, objects):
    client.force_login(request.getfixturevalue(role))
    patterns = [re.compile(pattern) for pattern in MAY_OPEN[role]]
    wrong, opened, named_lea = [], set(), []
    for url_name, url in staff_urls(objects):
        path = url.removeprefix("/admin/")
        matching = [pattern.pattern for pattern in patterns if pattern.match(path)]
        opened.update(matching)
        methods = ["get"] if matching and url_name.split(":")[1] in GET_ONLY_SWEPT else ["get", "post"]
        for method in methods:
            response, content = answer(client, method, url)
            problem = verdict(url_name, method, bool(matching), response)
            if problem:
                wrong.append(f"{method.upper()} {url}: {problem}")
            if names_lea(content):
                named_lea.append(f"{method.upper()} {url}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
    assert opened == set(MAY_OPEN[role]), f"patterns of {role} that match no staff URL: {set(MAY_OPEN[role]) - opened}"
    if role == "product_user":
        # The probe is sound: the product team reads Léa's email (listing, outbox, exports...).
        assert "GET /admin/snippets/campaigns/ambassador/" in named_lea and len(named_lea) > 10
    else:
        assert not named_lea, f"{role} reads the ambassador's personal data in: {named_lea}"


def test_an_analyst_opens_only_the_exports_made_for_them(client, analyst_user, product_user):
    """A workbook made for the product team names ambassadors: an analyst neither sees it on the report nor opens
    or downloads it; theirs, which names no one, they do."""
    pks = build_objects(product_user)
    theirs = export_start(campaign=Campaign.objects.get(pk=pks["campaign"]), user=analyst_user)
    export_run(theirs.pk)
    product_job = pks["export_job"]
    client.force_login(product_user)
    assert names_lea(body(client.get(reverse("reports:download", args=[product_job]))))

    client.force_login(analyst_user)
    report = client.get(reverse("reports:campaign", args=[pks["campaign"]])).content.decode()
    assert reverse("reports:export", args=[theirs.pk]) in report
    assert reverse("reports:export", args=[product_job]) not in report
    assert refused(client.get(reverse("reports:export", args=[product_job])))
    assert refused(client.get(reverse("reports:download", args=[product_job])))
    download = client.get(reverse("reports:download", args=[theirs.pk]))
    assert download.status_code == 200 and not names_lea(body(download))
