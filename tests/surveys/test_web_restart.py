"""Survey answers survive a restart of the web process: gunicorn serves the project on the test database while
ambassadors, each in a thread with their own cookies, follow their personal link and answer the test survey page
by page over HTTP. Meanwhile the test kills gunicorn outright (SIGKILL to the master and its workers) and starts
it again on the same port, then restarts it gracefully (SIGHUP). An ambassador whose request failed does what a
person does: opens the link again and goes on from the page the survey resumes at.

No response is ever half saved: a page's answers and the submission are each one transaction, so a response is
submitted with all its required answers or not at all, each page holds exactly the answers sent, once."""

import http.client
import http.cookiejar
import re
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.models import Ambassador, Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from surveys.answering import missing_answers, survey_plan
from surveys.models import Answer, Question, Response
from tests import cluster
from tests.campaigns.factories import campaign, region_segment
from tests.cluster import WebServer, wait_for
from tests.surveys.factories import budget_survey

AMBASSADORS = 32
SLUG = "banque-mobile"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAGE = re.compile(rf"/s/{SLUG}/(\d+)/$")
ACTION = re.compile(r'<form method="post" action="([^"]+)"')  # the survey's start shows a page posting to its address


def leaves_after(number):
    """The page after which an ambassador stops for now (None: they submit): a few leave a partial response."""
    return {3: 1, 6: 2}.get(number % 8)


def pages_of(number, fields):
    """What ambassador ``number`` answers, page by page: (form data, the Answer rows it must store)."""
    usage = ["jour", "semaine", "mois", "jamais"][number % 4]
    features = [["virement"], ["epargne", "carte"], []][number % 3]
    main_bank = "non" if number % 5 == 0 else "oui"  # "non" shows a fourth page
    interest, clarity, nps = 1 + number % 5, 1 + (number + 2) % 5, number % 10
    pages = [
        (
            {fields["usage"]: usage, fields["fonctions"]: features, fields["banque_principale"]: main_bank},
            [
                ("usage", usage, None, ""),
                *[("fonctions", code, None, "") for code in features],
                ("banque_principale", None, int(main_bank == "oui"), ""),
            ],
        ),
        (
            {fields["interet"]: str(interest), fields["clarte"]: str(clarity)},
            [("interet", None, interest, ""), ("clarte", str(clarity), clarity, "")],
        ),  # a Likert choice and its point
        (
            {fields["nps"]: str(nps), fields["idees"]: f"Idée de l'ambassadeur {number}"},
            [("nps", None, nps, ""), ("idees", None, None, f"Idée de l'ambassadeur {number}")],
        ),
    ]
    if main_bank == "non":
        pages.append(({fields["autre_banque"]: f"Banque {number}"}, [("autre_banque", None, None, f"Banque {number}")]))
    return pages


class Visitor:
    """One ambassador's browser: a cookie jar, the pages they answer, and what went wrong on the way."""

    def __init__(self, base, number, token, pages):
        self.base, self.number, self.token, self.pages = base, number, token, pages
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.cut = self.refused = 0  # requests cut off by the restart, and refused while the server was down
        self.outcome = None

    def open(self, path, data=None):
        """(final URL, page) of a GET, or of a POST of ``data``, redirects followed as a browser does."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=30) as response:
            page = response.read().decode()
            action = ACTION.search(page)
            return (action.group(1) if action else urllib.parse.urlsplit(response.geturl()).path), page

    def answer(self):
        stop = leaves_after(self.number)
        while self.outcome is None:
            try:
                self.open(f"/i/{self.token}/")  # the link of the email, again after a failure
                path, page = self.open(f"/s/{SLUG}/")  # the page the survey resumes at
                while self.outcome is None:
                    if path.endswith("/merci/"):
                        self.outcome = "submitted"
                        break
                    at = int(PAGE.search(path).group(1))
                    if stop is not None and at > stop:
                        self.outcome = "left"
                        break
                    data = {
                        **self.pages[at - 1][0],
                        "action": "next",
                        "csrfmiddlewaretoken": CSRF.search(page).group(1),
                    }
                    path, page = self.open(path, data)  # the next page, or the thanks
            except urllib.error.HTTPError as error:  # the application refused something: that is a failure
                self.outcome = f"HTTP {error.code} on {error.url}"
            except AttributeError:  # a page that is neither a survey page nor the thanks
                self.outcome = f"unexpected page {path}"
            except (OSError, http.client.HTTPException) as error:
                reason = getattr(error, "reason", error)
                if isinstance(reason, ConnectionRefusedError):
                    self.refused += 1
                else:
                    self.cut += 1
                time.sleep(0.5)  # a person takes a moment; the restarting server gets the processor meanwhile


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restarting_the_web_process_during_submissions_never_leaves_a_half_saved_response(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "gunicorn, in processes of its own, needs the PostgreSQL test database (DATABASE_URL=postgres://...)"
        )
    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"ambassadeur{number:02}@exemple.fr", first_name=f"Amb{number}", region="bre", consent_at=now)
        for number in range(AMBASSADORS)
    )
    target = campaign(slug=SLUG, segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    survey = budget_survey(target)
    assert campaign_launch(target) == AMBASSADORS  # the emails go to the test's own outbox
    fields = {question.code: f"q{question.pk}" for question in Question.objects.filter(survey=survey)}
    tokens = dict(Invitation.objects.filter(campaign=target).values_list("ambassador__email", "token"))

    web = WebServer(cluster.web_env(settings.SECRET_KEY, tmp_path / "web"), tmp_path)
    web.start()
    try:
        visitors = [
            Visitor(web.url, number, tokens[f"ambassadeur{number:02}@exemple.fr"], pages_of(number, fields))
            for number in range(AMBASSADORS)
        ]
        threads = [threading.Thread(target=visitor.answer, daemon=True) for visitor in visitors]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        submitted = Response.objects.filter(submitted_at__isnull=False)

        # the kill lands while pages and submissions are in flight: some responses are done, most are not
        wait_for(
            lambda: submitted.count() >= AMBASSADORS // 8,
            timeout=60,
            interval=0.02,
            what="the first submissions",
            explain=web.log_tail,
        )
        at_kill = submitted.count()
        web.kill()
        killed = time.monotonic()
        web.start()
        restarted = time.monotonic()
        wait_for(
            lambda: submitted.count() >= at_kill + AMBASSADORS // 8,
            timeout=60,
            interval=0.05,
            what="submissions after the restart",
            explain=web.log_tail,
        )
        at_reload = submitted.count()
        failed_before_reload = sum(visitor.cut + visitor.refused for visitor in visitors)
        web.process.send_signal(signal.SIGHUP)  # a graceful restart: new workers, the old ones finish their requests
        for thread in threads:
            thread.join(timeout=max(1, 80 - (time.monotonic() - started)))
        assert not any(thread.is_alive() for thread in threads), f"ambassadors still answering\n{web.log_tail()}"
        web.wait_answering()  # the server lived through the SIGHUP
    finally:
        web.kill()

    cut, refused = sum(visitor.cut for visitor in visitors), sum(visitor.refused for visitor in visitors)
    print(
        f"\n{AMBASSADORS} ambassadors: killed after {killed - started:.1f} s with {at_kill} submitted, back "
        f"{restarted - killed:.1f} s later; SIGHUP with {at_reload} submitted; all done after "
        f"{time.monotonic() - started:.1f} s; requests cut {cut}, refused {refused}"
    )

    # (1) the kill cut requests off, and every ambassador still got where they meant to go, with no error.
    assert cut >= 1, "the kill cut no request off: it did not land during the submissions"
    assert cut + refused == failed_before_reload, "the graceful restart failed requests"
    assert Counter(visitor.outcome for visitor in visitors) == Counter(
        "left" if leaves_after(number) else "submitted" for number in range(AMBASSADORS)
    )

    # (2) one response per ambassador; a submitted one holds every page's answers exactly once, as sent, and none of
    # its required answers is missing; a partial one holds the pages before the one it resumes at, as sent.
    responses = {
        response.invitation.ambassador.email: response
        for response in Response.objects.select_related("invitation__ambassador")
    }
    assert len(responses) == AMBASSADORS == Response.objects.values("invitation").distinct().count()
    stored = {email: Counter() for email in responses}
    for email, code, choice, number, text in Answer.objects.values_list(
        "response__invitation__ambassador__email", "question__code", "choice__code", "number", "text"
    ):
        stored[email][(code, choice, None if number is None else int(number), text)] += 1
    for visitor in visitors:
        email = f"ambassadeur{visitor.number:02}@exemple.fr"
        response, stop = responses[email], leaves_after(visitor.number)
        answered = visitor.pages if stop is None else visitor.pages[:stop]
        assert stored[email] == Counter(row for _data, rows in answered for row in rows), email
        if stop is None:
            assert response.submitted_at is not None and response.invitation.responded_at is not None, email
            assert not missing_answers(survey_plan(survey, response)), email
        else:
            assert response.submitted_at is None and response.invitation.responded_at is None, email
            assert response.resume_page == stop + 1, email
