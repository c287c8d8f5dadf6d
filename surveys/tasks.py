"""django-q2 entry points of surveys: each calls the function its tests call."""

from surveys.files import files_sweep as survey_files_sweep


def files_sweep():
    return survey_files_sweep()
