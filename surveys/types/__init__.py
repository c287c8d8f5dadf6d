"""The question types, one module each in this package: importing the package imports every module in it and
registers the type it declares (``TYPE``), so adding a type is adding a module. ``Question.kind`` takes its
choices from ``kind_choices`` (a callable: the migrations keep its name, not the list, so a new type needs no
migration).

Modules without ``TYPE`` hold what types share (``base``, ``summary``)."""

import importlib
import pkgutil

from django.core.exceptions import ImproperlyConfigured
from django.db import models

_registry = {}  # key -> type, in the admin's order


def discover():
    """Import every module of the package and register the types they declare; returns the registry."""
    found = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        declared = getattr(module, "TYPE", None)
        if declared is None:
            continue
        if not declared.key or declared.key in found:
            raise ImproperlyConfigured(f"{module.__name__}: question type key {declared.key!r} missing or taken")
        found[declared.key] = declared
    _registry.clear()
    _registry.update(sorted(found.items(), key=lambda item: (item[1].order, item[0])))
    return _registry


def all_types():
    return list(_registry.values())


def question_type(kind):
    """The type of a question's ``kind``."""
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(f"no question type {kind!r} in surveys.types") from None


def kind_choices():
    """The choices of ``Question.kind``: (key, label) of every type."""
    return [(declared.key, declared.label) for declared in _registry.values()]


def kinds_where(attribute):
    """The keys of the types whose ``attribute`` is true (``kinds_where("cross_tabs")``)."""
    return {declared.key for declared in _registry.values() if getattr(declared, attribute)}


def kind_enum():
    """The types as TextChoices (``Kind.SINGLE == "single"``), for code that names a kind."""
    return models.TextChoices("Kind", [(key.upper(), (key, declared.label)) for key, declared in _registry.items()])


def limesurvey_types():
    """{LimeSurvey type letter: the type importing it}; a type's ``limesurvey_fallback_letters`` give way to
    a type listing the letter in its ``limesurvey_letters``."""
    found = {letter: declared for declared in _registry.values() for letter in declared.limesurvey_fallback_letters}
    found.update({letter: declared for declared in _registry.values() for letter in declared.limesurvey_letters})
    return found


def settings_fields():
    """{setting name: field factory} of every type's settings (a name means the same in every type using it)."""
    return {name: factory for declared in _registry.values() for name, factory in declared.settings_fields.items()}


discover()
