"""The inputs a survey page writes in Python are Django's widget templates' markup, character for character, for
every question type: empty, filled, and sent back with errors (hostile text in labels and values)."""

import pytest
from django.forms.renderers import get_default_renderer

from campaigns.models import Campaign
from surveys.models import Section, Survey
from surveys.page_form import PageForm
from surveys.types import kind_choices
from surveys.widget_html import page_widgets
from tests.campaigns.factories import campaign
from tests.surveys.types.conftest import question

pytestmark = pytest.mark.django_db
KINDS = [kind for kind, _label in kind_choices()]
HOSTILE = 'Des <b>idées</b> & "plus"'


@pytest.fixture
def questions(db):
    survey = Survey.objects.create(campaign=campaign(kind=Campaign.Kind.SURVEY), title_fr="Vos services")
    section = Section.objects.create(survey=survey, sort_order=0, title_fr="Page 1")
    options = {
        "section": section,
        "required": True,
        "allow_other": True,
        "help_fr": "Aide <i>utile</i>",
        "choices": ["oui", ("non", "Non <script>alert(1)</script> & co")],
        "rows": ["ligne", ("autre", "L'autre")],
    }
    return [question(survey, f"q{index}", kind, **options) for index, kind in enumerate(sorted(KINDS))]


def filled(form):
    """A value for each field: its second choice where it has choices, else a hostile text."""
    values = {}
    for name, field in form.fields.items():
        choices = list(getattr(field, "choices", []) or [])
        values[name] = str(choices[-1][0]) if choices else HOSTILE
    return values


def rendered(form):
    return {name: str(form[name]) for name in form.fields}


def both(questions, **kwargs):
    fast = PageForm(questions, locale="fr", invitation_id=1, **kwargs)
    slow = PageForm(questions, locale="fr", invitation_id=1, renderer=get_default_renderer(), **kwargs)
    assert fast.renderer is page_widgets and slow.renderer is not page_widgets
    return fast, slow


def test_every_input_is_written_as_django_s_templates_write_it(questions):
    fast, slow = both(questions)
    assert rendered(fast) == rendered(slow)
    values = filled(fast)
    fast, slow = both(questions, initial=values)
    assert rendered(fast) == rendered(slow)
    fast, slow = both(questions, data=values)
    assert fast.errors == slow.errors
    assert rendered(fast) == rendered(slow)


def test_inputs_sent_back_empty_show_their_errors_the_same(questions):
    fast, slow = both(questions, data={})
    assert fast.errors and fast.errors == slow.errors
    assert rendered(fast) == rendered(slow)
    assert 'aria-invalid="true"' in "".join(rendered(fast).values())


def test_a_widget_not_written_in_python_is_rendered_by_its_template(questions):
    upload = next(question for question in questions if question.kind == "file_upload")
    fast, slow = both([upload])
    assert rendered(fast) == rendered(slow) and 'type="file"' in "".join(rendered(fast).values())
