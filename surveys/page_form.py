"""The form of one survey page: a field (or a few) per question, validated on the server, and the conversion
between its cleaned data and the Answer rows of a response.

Field names: ``q<pk>`` for a question, ``q<pk>_other`` for its "other" text, ``q<pk>_r<row pk>`` for a matrix
row, ``q<pk>_c<choice pk>`` for the rank of a choice."""

import random
import re
from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from surveys.models import Answer, Question

OTHER = "__other__"
YES, NO = "oui", "non"
TEXT_LIMITS = {Question.Kind.SHORT_TEXT: 500, Question.Kind.LONG_TEXT: 10_000}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"]
K = Question.Kind


def field_name(question, suffix=""):
    return f"q{question.pk}{suffix}"


def ordered_choices(question, invitation_id):
    """The choices of a question, shuffled when asked, in an order that stays the same for one ambassador."""
    choices = list(question.choices.all())
    if question.randomize and question.kind != K.LIKERT:
        random.Random(f"{invitation_id}:{question.pk}").shuffle(choices)
    return choices


def decimal_text(value):
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else format(value.normalize(), "f")


class NumberField(forms.DecimalField):
    """A number typed the French or the English way: "1 250,5" or "1250.5"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f']", "", value).replace(",", ".")
        return super().to_python(value)


class PageForm(forms.Form):
    """``strict=False`` (going back a page) drops "required" and the minimum counts: what is valid is kept."""

    def __init__(self, questions, *, locale, invitation_id, strict=True, **kwargs):
        super().__init__(**kwargs)
        self.questions = [question for question in questions if question.kind != K.DISPLAY]
        self.locale = locale
        self.strict = strict
        self.options = {}  # question pk -> ordered choices
        self.fields_of = {}  # question pk -> [field names]
        for question in self.questions:
            self.options[question.pk] = ordered_choices(question, invitation_id)
            self.fields_of[question.pk] = self._add_fields(question)
            for name in self.fields_of[question.pk]:
                field = self.fields[name]
                if question.help(locale):
                    field.widget.attrs["aria-describedby"] = f"{field_name(question)}-help"

    # --- building --------------------------------------------------------------------------------------------

    def _required(self, question):
        return self.strict and question.required

    def _add_fields(self, question):
        name = field_name(question)
        required = self._required(question)
        locale = self.locale
        choices = [(choice.code, choice.label(locale)) for choice in self.options[question.pk]]
        kind = question.kind
        if kind in (K.SINGLE, K.LIKERT):
            if question.allow_other and kind == K.SINGLE:
                choices.append((OTHER, _("Autre")))
            if question.dropdown and kind == K.SINGLE:
                field = forms.ChoiceField(choices=[("", _("Choisissez…"))] + choices, required=required)
            else:
                field = forms.ChoiceField(choices=choices, required=required, widget=forms.RadioSelect)
        elif kind == K.MULTIPLE:
            if question.allow_other:
                choices.append((OTHER, _("Autre")))
            field = forms.MultipleChoiceField(choices=choices, required=required, widget=forms.CheckboxSelectMultiple)
        elif kind == K.YES_NO:
            field = forms.ChoiceField(
                choices=[(YES, _("Oui")), (NO, _("Non"))], required=required, widget=forms.RadioSelect
            )
        elif kind in (K.SCALE, K.NPS):
            low, high = (1, question.points or 5) if kind == K.SCALE else (0, 10)
            field = forms.ChoiceField(
                choices=[(str(point), str(point)) for point in range(low, high + 1)],
                required=required,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
            )
        elif kind == K.MATRIX:
            names = []
            for row in question.rows.all():
                row_name = field_name(question, f"_r{row.pk}")
                self.fields[row_name] = forms.ChoiceField(
                    choices=choices, required=required, label=row.label(locale), widget=forms.RadioSelect
                )
                names.append(row_name)
            return names
        elif kind == K.RANKING:
            ranks = [("", "—")] + [(str(rank), str(rank)) for rank in range(1, len(choices) + 1)]
            names = []
            for choice in self.options[question.pk]:
                rank_name = field_name(question, f"_c{choice.pk}")
                self.fields[rank_name] = forms.ChoiceField(choices=ranks, required=required, label=choice.label(locale))
                names.append(rank_name)
            return names
        elif kind == K.NUMBER:
            field = NumberField(
                required=required,
                min_value=question.min_value,
                max_value=question.max_value,
                max_digits=14,
                decimal_places=4,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        elif kind == K.DATE:
            field = forms.DateField(
                required=required,
                input_formats=DATE_FORMATS,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        else:  # short and long texts
            limit = TEXT_LIMITS[kind]
            widget = forms.Textarea(attrs={"rows": 6}) if kind == K.LONG_TEXT else forms.TextInput
            field = forms.CharField(required=required, max_length=limit, widget=widget)
        field.label = question.text(locale)
        self.fields[name] = field
        names = [name]
        if question.allow_other and kind in Question.WITH_OTHER:
            self.fields[field_name(question, "_other")] = forms.CharField(
                required=False, max_length=500, label=_("Précisez")
            )
            names.append(field_name(question, "_other"))
        return names

    # --- validating ------------------------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            if any(name in self.errors for name in self.fields_of[question.pk]):
                continue
            check = getattr(self, f"_check_{question.kind}", None)
            if check:
                check(question, cleaned)
        return cleaned

    def _check_other(self, question, picked, cleaned):
        other = cleaned.get(field_name(question, "_other"), "").strip()
        if OTHER in picked and not other:
            self.add_error(field_name(question, "_other"), _("Précisez votre réponse « Autre »."))
        elif other and OTHER not in picked:
            self.add_error(
                field_name(question, "_other"), _("Cochez « Autre » pour donner cette réponse, ou effacez le texte.")
            )

    def _check_single(self, question, cleaned):
        if question.allow_other:
            picked = cleaned.get(field_name(question))
            self._check_other(question, {picked} if picked else set(), cleaned)

    def _check_multiple(self, question, cleaned):
        picked = cleaned.get(field_name(question)) or []
        if question.allow_other:
            self._check_other(question, set(picked), cleaned)
        count = len(picked)
        if question.max_choices is not None and count > question.max_choices:
            self.add_error(
                field_name(question),
                ngettext(
                    "Choisissez au plus %(count)d réponse.",
                    "Choisissez au plus %(count)d réponses.",
                    question.max_choices,
                )
                % {"count": question.max_choices},
            )
        elif self.strict and count and question.min_choices and count < question.min_choices:
            self.add_error(
                field_name(question),
                ngettext(
                    "Choisissez au moins %(count)d réponse.",
                    "Choisissez au moins %(count)d réponses.",
                    question.min_choices,
                )
                % {"count": question.min_choices},
            )

    def _check_ranking(self, question, cleaned):
        names = self.fields_of[question.pk]
        ranks = [cleaned.get(name) for name in names if cleaned.get(name)]
        if len(ranks) != len(set(ranks)):
            self.add_error(names[0], _("Chaque rang ne peut servir qu'une fois."))
        elif ranks and sorted(int(rank) for rank in ranks) != list(range(1, len(ranks) + 1)):
            self.add_error(names[0], _("Classez à partir de 1, sans sauter de rang."))

    def question_errors(self, question):
        """The errors of a question, whatever field they are on, in field order."""
        return [error for name in self.fields_of.get(question.pk, ()) for error in self.errors.get(name, ())]

    def valid_questions(self):
        """The questions whose every field is valid (all of them when the form is valid)."""
        self.is_valid()
        return [
            question
            for question in self.questions
            if not any(name in self.errors for name in self.fields_of[question.pk])
        ]

    # --- answers ---------------------------------------------------------------------------------------------

    def answers(self, question):  # noqa: C901 - split by the question-type registry
        """Unsaved Answer rows (without response) for a valid question."""
        data = self.cleaned_data
        name = field_name(question)
        by_code = {choice.code: choice for choice in self.options[question.pk]}
        position = {choice.code: index for index, choice in enumerate(question.choices.all(), start=1)}
        kind = question.kind
        rows = []
        if kind in (K.SINGLE, K.LIKERT, K.MULTIPLE):
            picked = data.get(name) or []
            for code in [picked] if isinstance(picked, str) else picked:
                if code == OTHER:
                    rows.append(Answer(question=question, text=data[field_name(question, "_other")].strip()))
                elif code:
                    rows.append(
                        Answer(
                            question=question, choice=by_code[code], number=position[code] if kind == K.LIKERT else None
                        )
                    )
        elif kind == K.YES_NO and data.get(name):
            rows.append(Answer(question=question, number=1 if data[name] == YES else 0))
        elif kind in (K.SCALE, K.NPS) and data.get(name):
            rows.append(Answer(question=question, number=int(data[name])))
        elif kind == K.MATRIX:
            for row in question.rows.all():
                code = data.get(field_name(question, f"_r{row.pk}"))
                if code:
                    rows.append(Answer(question=question, row=row, choice=by_code[code], number=position[code]))
        elif kind == K.RANKING:
            for choice in self.options[question.pk]:
                rank = data.get(field_name(question, f"_c{choice.pk}"))
                if rank:
                    rows.append(Answer(question=question, choice=choice, number=int(rank)))
        elif kind == K.NUMBER and data.get(name) is not None:
            rows.append(Answer(question=question, number=data[name]))
        elif kind == K.DATE and data.get(name):
            rows.append(Answer(question=question, date=data[name]))
        elif kind in TEXT_LIMITS and data.get(name, "").strip():
            rows.append(Answer(question=question, text=data[name].strip()))
        return rows


def initial_from_answers(questions, answers_by_question):
    """The form's initial data from the saved Answer rows of the questions of one page."""
    initial = {}
    for question in questions:
        saved = answers_by_question.get(question.pk, [])
        name = field_name(question)
        kind = question.kind
        codes = {choice.pk: choice.code for choice in question.choices.all()}
        for answer in saved:
            if kind in (K.SINGLE, K.LIKERT, K.MULTIPLE):
                code = codes.get(answer.choice_id, OTHER) if answer.choice_id else OTHER
                if code == OTHER:
                    initial[field_name(question, "_other")] = answer.text
                if kind == K.MULTIPLE:
                    initial.setdefault(name, []).append(code)
                else:
                    initial[name] = code
            elif kind == K.YES_NO:
                initial[name] = YES if answer.number else NO
            elif kind in (K.SCALE, K.NPS):
                initial[name] = str(int(answer.number))
            elif kind == K.MATRIX and answer.row_id:
                initial[field_name(question, f"_r{answer.row_id}")] = codes.get(answer.choice_id)
            elif kind == K.RANKING and answer.choice_id:
                initial[field_name(question, f"_c{answer.choice_id}")] = str(int(answer.number))
            elif kind == K.NUMBER:
                initial[name] = number_format(decimal_text(answer.number), use_l10n=True)
            elif kind == K.DATE:
                initial[name] = answer.date
            else:
                initial[name] = answer.text
    return initial


def answer_tokens(question, answers):
    """What conditions compare with: choice codes ("autre" for other), "oui"/"non", numbers as text, and "*"
    when there is any answer. Lower case."""
    codes = {choice.pk: choice.code.lower() for choice in question.choices.all()}
    tokens = set()
    for answer in answers:
        if answer.choice_id:
            tokens.add(codes.get(answer.choice_id, ""))
        elif question.kind == K.YES_NO:
            tokens.update([YES, "yes", "y", "1"] if answer.number else [NO, "no", "n", "0"])
        elif answer.number is not None:
            tokens.add(decimal_text(answer.number))
        elif answer.date:
            tokens.add(answer.date.isoformat())
        elif question.kind in Question.WITH_OTHER:
            tokens.update(["autre", "other"])
    if answers:
        tokens.add("*")
    return tokens
