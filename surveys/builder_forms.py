"""The forms of the survey builder: the survey with its pages and questions on one screen. A question there says
its page by number (new pages have no key yet), its choices one per line, and its condition by the code of an
earlier question and that question's choices (labels or codes); ``surveys/static/surveys/builder.js`` turns the
two condition fields into a list of the earlier questions and boxes for their choices, in words."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm

from surveys.builder import choice_lines, choices_apply, choices_text, condition_codes, condition_problem, survey_save
from surveys.forms import SurveyForm
from surveys.models import Question

DEFAULT_POINTS = 5


class QuestionBuilderForm(WagtailAdminModelForm):
    page = forms.IntegerField(label=_("page n°"), min_value=1, max_value=500, initial=1)
    choices_text = forms.CharField(
        label=_("choix, un par ligne"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-builder-choices": ""}),
        help_text=_("Le libellé seul, ou « code = libellé » pour fixer le code."),
    )
    show_if_code = forms.CharField(
        label=_("montrée seulement si la question"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"data-builder-condition-question": ""}),
        help_text=_("Le code d'une question d'une page précédente ; vide : toujours montrée."),
    )
    show_if_answers = forms.CharField(
        label=_("a pour réponse l'une de"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"data-builder-condition-values": ""}),
        help_text=_("Ses choix (libellés ou codes), séparés par des virgules ; « * » : toute réponse."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].widget.attrs["data-builder-code"] = ""
        self.fields["text_fr"].widget.attrs.update(rows=2, **{"data-builder-text": ""})
        self.fields["kind"].widget.attrs["data-builder-kind"] = ""
        question = self.instance
        if question.pk:
            self.initial.setdefault("choices_text", choices_text(question))
            if question.show_if_question_id:
                self.initial.setdefault("show_if_code", question.show_if_question.code)
                self.initial.setdefault("show_if_answers", question.show_if_values)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("code"):
            number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
            cleaned["code"] = f"Q{number}"
        if cleaned.get("kind") == "scale" and not self.instance.points:
            self.instance.points = DEFAULT_POINTS
        return cleaned

    def choice_lines(self):
        """The question's choices as typed (or as saved when the field was left alone)."""
        return choice_lines(self.cleaned_data.get("choices_text", ""))


def live_forms(formset):
    """The forms of a formset that will be saved, in the order given (dragged or moved)."""
    if formset is None or not hasattr(formset, "cleaned_data"):
        return []
    return [form for form in formset.ordered_forms if form.is_valid()]


class SurveyBuilderForm(SurveyForm):
    """The survey, its pages and its questions: pages by number, codes unique, conditions on earlier pages and on
    answers their question can have."""

    class Media:
        js = ["surveys/builder.js"]
        css = {"all": ["surveys/builder.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sections = self.formsets.get("sections")
        if sections is not None:
            mine = Question.objects.filter(survey=self.instance) if self.instance.pk else Question.objects.none()
            for form in [*sections.forms, sections.empty_form]:
                form.fields["show_if_question"].queryset = mine
        saved = self.instance.sections.values_list("pk", flat=True) if self.instance.pk else []
        pages = {pk: number for number, pk in enumerate(saved, 1)}
        for form in self.formsets["questions"].forms if "questions" in self.formsets else []:
            if form.instance.pk:
                form.initial["page"] = pages.get(form.instance.section_id, 1)  # its page's place, not sort_order
        self.conditions = {}

    def clean(self):
        cleaned = super().clean()
        pages = len(live_forms(self.formsets.get("sections")))
        questions = live_forms(self.formsets.get("questions"))
        by_code = {}
        for form in questions:
            code = form.cleaned_data["code"].lower()
            if code in by_code:
                form.add_error("code", _("Une autre question de ce questionnaire a déjà ce code."))
            by_code[code] = form
            if form.cleaned_data.get("page") and form.cleaned_data["page"] > pages:
                form.add_error(
                    "page",
                    ngettext("Ce questionnaire n'a qu'une page.", "Ce questionnaire a %(count)s pages.", pages)
                    % {"count": pages},
                )
        for form in questions:
            self.condition_clean(form, by_code)
        return cleaned

    def condition_clean(self, form, by_code):
        code, given = form.cleaned_data.get("show_if_code", "").strip(), form.cleaned_data.get("show_if_answers")
        if not code:
            if "show_if_code" in form.changed_data:
                self.conditions[form] = (None, [])
            return
        target = by_code.get(code.lower())
        if target is None:
            form.add_error(
                "show_if_code", _("Aucune question de ce questionnaire n'a le code « %(code)s ».") % {"code": code}
            )
        elif target.cleaned_data.get("page", 0) >= form.cleaned_data.get("page", 0):
            form.add_error("show_if_code", _("La condition doit porter sur une question d'une page précédente."))
        else:
            kind, lines = target.cleaned_data.get("kind"), target.choice_lines()
            values, unknown = condition_codes(kind, lines, given)
            if unknown:
                form.add_error("show_if_answers", condition_problem(kind, lines, unknown))
            elif not values:
                form.add_error("show_if_answers", _("Cochez au moins une réponse, ou videz la condition."))
            else:
                self.conditions[form] = (target, values)

    def save(self, commit=True):
        survey = super().save(commit=False)
        sections = [form.instance for form in live_forms(self.formsets.get("sections"))]
        questions = []
        for form in live_forms(self.formsets.get("questions")):
            question = form.instance
            question.builder_page = form.cleaned_data["page"]
            question.builder_section = sections[question.builder_page - 1]
            if "choices_text" in form.changed_data or not question.pk:
                choices_apply(question, form.choice_lines())
            questions.append(question)
        conditions = []
        for form, (target, values) in self.conditions.items():
            form.instance.builder_condition = (target.instance if target else None, values)
            conditions.append((form.instance, *form.instance.builder_condition))
        if commit:
            survey_save(survey, questions, conditions)
        return survey
