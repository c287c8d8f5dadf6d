"""Surveys in the Wagtail admin: the survey (concept and pages), its questions, and the LimeSurvey import."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from campaigns.staff_admin import MenuViewSet, yes_no_column
from surveys import admin_views as views
from surveys import builder_views
from surveys.builder_forms import SurveyBuilderForm
from surveys.builder_panels import BankPanel, ItemToolsPanel, QuestionsPanel
from surveys.forms import QuestionForm
from surveys.logic.words import condition_in_words
from surveys.models import Question, Survey
from surveys.types import settings_fields

CONDITION_PANEL = MultiFieldPanel(
    [FieldPanel("show_when"), FieldPanel("show_if_question"), FieldPanel("show_if_values")],
    heading=_("Condition d'affichage"),
)
QUESTION_PANELS = [
    FieldRowPanel([FieldPanel("page"), FieldPanel("code"), FieldPanel("kind"), FieldPanel("required")]),
    FieldRowPanel([FieldPanel("text_fr"), FieldPanel("text_en")]),
    FieldPanel("choices_text"),
    FieldRowPanel([FieldPanel("show_if_code"), FieldPanel("show_if_answers")]),
    FieldPanel("in_bank"),
    ItemToolsPanel(),
]
OPTION_PANELS = [
    FieldRowPanel([FieldPanel("code"), FieldPanel("label_fr"), FieldPanel("label_en")]),
    FieldPanel("show_when"),
]


BUILDER_PANELS = [
    InlinePanel(
        "sections",
        label=_("page"),
        heading=_("Pages du questionnaire"),
        min_num=1,
        panels=[
            FieldRowPanel([FieldPanel("title_fr"), FieldPanel("title_en")]),
            FieldRowPanel([FieldPanel("intro_fr"), FieldPanel("intro_en")]),
            MultiFieldPanel(CONDITION_PANEL.children, heading=CONDITION_PANEL.heading, classname="collapsed"),
            ItemToolsPanel(),
        ],
    ),
    BankPanel(),
    QuestionsPanel(
        "questions",
        label=_("question"),
        heading=_("Questions"),
        min_num=1,
        panels=QUESTION_PANELS,
    ),
]


def condition_column():
    return Column("condition", label=_("Montrée quand"), accessor=condition_in_words)


def type_settings_tabs():
    """A tab with the settings of the question types (``surveys.types``), when some type has settings."""
    panels = [FieldPanel(f"settings_{name}") for name in settings_fields()]
    return [ObjectList(panels, heading=_("Réglages du type"))] if panels else []


class SurveyViewSet(SnippetViewSet):
    model = Survey
    icon = "form"
    menu_label = _("Questionnaires")
    list_display = ["title_fr", "campaign", yes_no_column(Survey, "anonymous"), "source", "updated_at"]
    search_fields = ["title_fr", "title_en"]
    search_backend_name = None
    copy_view_enabled = False
    add_view_class = builder_views.SurveyCreateView
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("title_fr"), FieldPanel("title_en")]),
                    FieldPanel("campaign"),
                    FieldRowPanel([FieldPanel("anonymous"), FieldPanel("allow_uploads")]),
                    *BUILDER_PANELS,
                ],
                heading=_("Questionnaire"),
            ),
            ObjectList(
                [
                    FieldPanel("concept_fr"),
                    FieldPanel("concept_en"),
                    FieldPanel("concept_image"),
                    FieldRowPanel([FieldPanel("concept_image_alt_fr"), FieldPanel("concept_image_alt_en")]),
                ],
                heading=_("Concept"),
            ),
            ObjectList([FieldPanel("thank_you_fr"), FieldPanel("thank_you_en")], heading=_("Remerciements")),
        ],
        base_form_class=SurveyBuilderForm,
    )


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    sort_order_field = None  # questions are ordered in their survey's builder, not across surveys in this listing
    menu_label = _("Questions")
    list_display = ["code", "text_fr", "kind", "section", yes_no_column(Question, "required"), condition_column()]
    list_filter = ["survey", "kind"]
    search_fields = ["code", "text_fr", "text_en"]
    search_backend_name = None
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("survey"), FieldPanel("section"), FieldPanel("sort_order")]),
                    FieldRowPanel([FieldPanel("code"), FieldPanel("kind"), FieldPanel("required")]),
                    FieldRowPanel([FieldPanel("text_fr"), FieldPanel("text_en")]),
                    FieldRowPanel([FieldPanel("help_fr"), FieldPanel("help_en")]),
                ],
                heading=_("Question"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "choices",
                        label=_("choix"),
                        heading=_("Choix (ou points d'une échelle de Likert, colonnes d'un tableau)"),
                        panels=OPTION_PANELS,
                    ),
                    InlinePanel(
                        "rows",
                        label=_("ligne"),
                        heading=_("Lignes d'un tableau, éléments d'une question à plusieurs champs"),
                        panels=OPTION_PANELS,
                    ),
                    FieldRowPanel([FieldPanel("dropdown"), FieldPanel("allow_other"), FieldPanel("randomize")]),
                    FieldRowPanel([FieldPanel("min_choices"), FieldPanel("max_choices")]),
                ],
                heading=_("Choix"),
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("min_value"), FieldPanel("max_value")]),
                    FieldPanel("points"),
                    FieldRowPanel([FieldPanel("low_label_fr"), FieldPanel("low_label_en")]),
                    FieldRowPanel([FieldPanel("high_label_fr"), FieldPanel("high_label_en")]),
                ],
                heading=_("Nombres et échelles"),
            ),
            *type_settings_tabs(),
            ObjectList([CONDITION_PANEL], heading=_("Condition")),
        ],
        base_form_class=QuestionForm,
    )

    def get_queryset(self, request):
        return Question.objects.select_related("survey", "section", "show_if_question")


class LimeSurveyImportViewSet(MenuViewSet):
    name = "limesurvey_import"
    icon = "upload"
    menu_label = _("Importer de LimeSurvey")
    menu_hook = "register_surveys_menu_item"
    menu_permissions = views.IMPORT_PERMISSIONS

    def get_urlpatterns(self):
        return [
            path("", views.limesurvey_import, name="index"),
            path("<int:pk>/", views.limesurvey_import_report, name="report"),
        ]


class SurveyPreviewViewSet(ViewSet):
    name = "survey_preview"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [path("<int:pk>/<int:number>/", views.survey_preview, name="page")]


class SurveyLogicViewSet(ViewSet):
    name = "survey_logic"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [path("<int:pk>/", views.survey_logic_glance, name="glance")]


class SurveyFilesViewSet(ViewSet):
    name = "survey_files"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("<int:pk>/", views.survey_files, name="list"),
            path("file/<int:pk>/", views.survey_file, name="file"),
        ]


class SurveyBuilderViewSet(ViewSet):
    name = "survey_builder"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("survey/<int:pk>/duplicate/", builder_views.survey_duplicate, name="survey_duplicate"),
            path("page/<int:pk>/duplicate/", builder_views.page_duplicate, name="page_duplicate"),
            path("question/<int:pk>/duplicate/", builder_views.question_duplicate, name="question_duplicate"),
            path("<int:pk>/bank/", builder_views.bank, name="bank"),
        ]


class SurveysGroup(SnippetViewSetGroup):
    menu_label = _("Questionnaires")
    menu_icon = "form"
    menu_order = 150
    submenu_hook = "register_surveys_menu_item"
    items = (SurveyViewSet, QuestionViewSet)


register_snippet(SurveysGroup)


@hooks.register("register_admin_viewset")
def register_survey_viewsets():
    return [
        LimeSurveyImportViewSet(),
        SurveyPreviewViewSet(),
        SurveyLogicViewSet(),
        SurveyFilesViewSet(),
        SurveyBuilderViewSet(),
    ]


@hooks.register("register_snippet_listing_buttons")
def survey_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Survey):
        yield ListingButton(
            _("Aperçu"), reverse("survey_preview:page", args=[snippet.pk, 1]), icon_name="view", priority=5
        )
        yield ListingButton(
            _("Logique"), reverse("survey_logic:glance", args=[snippet.pk]), icon_name="form", priority=7
        )
        yield ListingButton(
            _("Questions"),
            reverse("wagtailsnippets_surveys_question:list") + f"?survey={snippet.pk}",
            icon_name="help",
            priority=6,
        )
        if user.has_perms(("surveys.add_survey", *builder_views.EDIT_PERMISSIONS)):
            yield ListingButton(
                _("Dupliquer"),
                reverse("survey_builder:survey_duplicate", args=[snippet.pk]),
                icon_name="copy",
                priority=8,
            )
        if snippet.allow_uploads and user.has_perms(views.FILE_PERMISSIONS):
            yield ListingButton(
                _("Fichiers reçus"), reverse("survey_files:list", args=[snippet.pk]), icon_name="doc-full", priority=7
            )
