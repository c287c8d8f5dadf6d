"""No staff page answers 500 for data its forms accept: every snippet's edit form is posted back with hostile and
odd values (a script tag, very long text, unicode, zero and negative numbers, blank text), a segment without rules
and a campaign without segments are kept, then every staff URL is opened as each role.

The forms are read from the pages themselves (every input, select and textarea with its value, the inline
formsets' management forms included), as a browser would post them; the test client raises on a server error,
so a 500 fails the test with its traceback."""

from html.parser import HTMLParser
from itertools import cycle

import pytest
from django.db import transaction
from django.urls import reverse

from campaigns.models import Campaign, Segment, SegmentRule
from tests.campaigns.factories import campaign
from tests.config.test_role_matrix import MAY_OPEN, build_objects, staff_urls

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
ODD_TEXT = (SCRIPT, "Ünïcødé ✓ 🎉 «ça» — 中文 العربية", "   ", '"; DROP TABLE x; --', "{prenom} {{ 7*7 }} %(x)s")
ODD_NUMBERS = ("0", "-1", "99999999999")
TEXT_TYPES = {"text", "email", "url", "search", None}


class FormReader(HTMLParser):
    """The fields of each POST form of a page, as a browser would send them: [[(name, value, kind, maxlength)]]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.fields, self.inside = [], [], False
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.inside, self.fields = True, []
            self.forms.append(self.fields)
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on"), kind, None))
            elif kind not in ("submit", "button", "file", "image"):
                self.fields.append((name, attrs.get("value", ""), kind, attrs.get("maxlength")))
        elif tag == "select" and name and "disabled" not in attrs:
            self.select = {"name": name, "chosen": [], "first": None, "multiple": "multiple" in attrs}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and name and "disabled" not in attrs:
            self.textarea = [name, "", attrs.get("maxlength")]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or ([] if self.select["multiple"] else [self.select["first"] or ""])
            self.fields += [(self.select["name"], value, "select", None) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, value, maxlength = self.textarea
            self.fields.append((name, value.removeprefix("\n"), "textarea", maxlength))
            self.textarea = None


def form_fields(html):
    """The fields of the page's largest POST form (the object's form, not the menu's or a dialog's)."""
    reader = FormReader()
    reader.feed(html)
    largest = max(reader.forms, key=len, default=[])
    return [field for field in largest if "__prefix__" not in field[0]]


def odd_post(fields, texts, numbers, *, filled_only=False):
    """The form's data with each free text and number replaced by the next odd value (``filled_only``: only the
    texts already filled in, appended to, so that required and formatted fields still validate)."""
    data = {}
    for name, value, kind, maxlength in fields:
        if name in ("csrfmiddlewaretoken",) or name.endswith(("FORMS", "-ORDER", "-id", "-DELETE")):
            odd = value
        elif filled_only:
            odd = value
            if kind in ("textarea", "text", None) and value.strip() and not _looks_like_a_value(value):
                odd = (value + " " + next(texts))[: int(maxlength or 10_000)]
        elif kind == "number":
            odd = next(numbers)
        elif kind == "textarea" or (kind in TEXT_TYPES and not _looks_like_a_value(value)):
            odd = next(texts)
            if maxlength:
                odd = (odd * (int(maxlength) // max(len(odd), 1) + 1))[: int(maxlength)]
        else:
            odd = value
        data.setdefault(name, []).append(odd)
    return data


def _looks_like_a_value(value):
    """A date, a time, an address or a number already in the field: kept, so the rest of the form can save."""
    value = value.strip()
    return bool(value) and (value[0].isdigit() or "@" in value or value.startswith(("http", "/")))


def long_texts():
    return cycle([*ODD_TEXT, "Très long texte " * 400])


EDITED = {
    "campaigns_campaign": "campaign",
    "campaigns_segment": "segment",
    "campaigns_ambassador": "ambassador",
    "campaigns_product": "product",
    "campaigns_tag": "tag",
    "surveys_survey": "survey",
    "surveys_question": "question",
    "ideas_board": "board",
    "ideas_idea": "idea",
    "ideas_comment": "comment",
}


def post_odd_values(client, pks):
    """Each snippet's edit and add forms posted back with odd values; returns what was posted, by URL."""
    posted = []
    for model, key in EDITED.items():
        for url in (
            reverse(f"wagtailsnippets_{model}:edit", args=[pks[key]]),
            reverse(f"wagtailsnippets_{model}:add"),
        ):
            page = client.get(url)
            if page.status_code != 200:
                continue  # this model takes no new object from the admin (a launch invites, the board comments)
            fields = form_fields(page.content.decode())
            for texts, filled_only in ((long_texts(), False), (cycle(ODD_TEXT[:2]), True)):
                response = client.post(url, odd_post(fields, texts, cycle(ODD_NUMBERS), filled_only=filled_only))
                assert response.status_code in (200, 302), (url, response.status_code)
                posted.append((url, response.status_code))
    return posted


def test_every_form_takes_odd_values_and_every_staff_page_still_answers(client, admin_user, request):
    pks = build_objects(admin_user)
    Segment.objects.create(name=f"{SCRIPT} vide")  # a segment without a rule
    empty = campaign(slug="sans-segment", title=SCRIPT, kind=Campaign.Kind.BOTH)  # and a campaign without segment
    # a segment saved before its values were checked (a region by its name), on a campaign of its own
    legacy = Segment.objects.create(name="Ancien segment")
    SegmentRule.objects.create(segment=legacy, attribute=SegmentRule.Attribute.REGION_IN, value="Bretagne")
    old = campaign(slug="ancien-segment", segments=[legacy])
    client.force_login(admin_user)
    posted = post_odd_values(client, pks)
    saved = [url for url, status in posted if status == 302]
    assert len(saved) >= len(EDITED), f"too few forms saved odd values: {posted}"

    urls = staff_urls(pks) + [
        (None, reverse("campaign_actions:overview", args=[empty.pk])),
        (None, reverse("reports:campaign", args=[empty.pk])),
        (None, reverse("campaign_actions:overview", args=[old.pk])),
        (None, reverse("reports:campaign", args=[old.pk])),
    ]
    for role in ["admin_user", *MAY_OPEN]:
        client.force_login(request.getfixturevalue(role))
        for _name, url in urls:
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
            assert response.status_code < 500, (role, url, response.status_code)
