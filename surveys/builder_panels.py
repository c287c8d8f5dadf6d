"""The panels of the survey builder (the survey's edit screen): the questions inline with their own form, and, on
each saved page and question, its condition in words and the links to duplicate it or open all its settings."""

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.panels import HelpPanel, InlinePanel

from surveys.builder import answer_condition_in_words
from surveys.builder_forms import QuestionBuilderForm
from surveys.models import Question


class QuestionsPanel(InlinePanel):
    """The survey's questions, inline, each in the builder's question form."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name].update(form=QuestionBuilderForm, validate_min=False)
        return options


class ItemToolsPanel(HelpPanel):
    """Under a saved page or question: its condition in words, "Dupliquer" and (a question) "Tous les réglages"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "surveys/admin/builder_tools.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            item = self.instance
            if item is None or not item.pk:
                return context
            if isinstance(item, Question):
                context["words"] = answer_condition_in_words(item)
                context["duplicate_url"] = reverse("survey_builder:question_duplicate", args=[item.pk])
                context["settings_url"] = reverse("wagtailsnippets_surveys_question:edit", args=[item.pk])
            else:
                context["duplicate_url"] = reverse("survey_builder:page_duplicate", args=[item.pk])
            return context


class BankPanel(HelpPanel):
    """Above the questions: the bank of reusable questions, and the words the builder's script shows."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "surveys/admin/builder_bank.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["words"] = script_words()
            survey = self.instance
            if survey is not None and survey.pk:
                context["bank_url"] = reverse("survey_builder:bank", args=[survey.pk])
                context["preview_url"] = reverse("survey_preview:page", args=[survey.pk, 1])
            return context


def script_words():
    """The words ``builder.js`` writes, translated here."""
    return {
        "shownIf": _("Montrée seulement si {code} (« {text} ») a pour réponse {answers}."),
        "always": _("Toujours montrée."),
        "or": _(" ou "),
        "none": _("— toujours montrée —"),
        "pick": _("Cochez les réponses qui la font montrer."),
        "yes": _("Oui"),
        "no": _("Non"),
        "any": _("toute réponse"),
        "withChoices": sorted(Question.WITH_CHOICES),
    }
