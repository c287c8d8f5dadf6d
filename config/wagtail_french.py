"""Wagtail's messages whose French translation guesses a gender ("Ajouter un(e) %(model_name)s", "créé(e)"),
named here so that ``makemessages`` keeps them in our catalogue: our French translation (config/locale, searched
before Wagtail's own) words them without a gender, and the English one keeps Wagtail's text. Never imported."""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    gettext_noop("Add %(label)s"),
    gettext_noop("Add %(model_name)s"),
    gettext_noop("Create a new %(model_name)s"),
    gettext_noop("%(model_name)s '%(object)s' created."),
    gettext_noop("%(model_name)s '%(object)s' updated."),
    gettext_noop("%(model_name)s '%(object)s' deleted."),
    gettext_noop("The %(model_name)s could not be created due to errors."),
    gettext_noop("The %(model_name)s could not be saved due to errors."),
    gettext_noop("Are you sure you want to delete this %(model_name)s?"),
    gettext_noop("Are you sure you want to delete this %(snippet_type_name)s?"),
    gettext_noop("You don't have permission to delete this %(snippet_type_name)s"),
    gettext_noop("No %(model_name)s match your query."),
    gettext_noop("One or more references to this %(model_name)s prevent it from being deleted."),
    gettext_noop("Choose another %(model_name)s"),
    gettext_noop("None"),
]
USAGE = ngettext_lazy("Used %(usage_count)s time", "Used %(usage_count)s times", "usage_count")
