"""``manage.py <command> --help`` works for every management command of the project's apps, found by Django
(a command added later is tested without touching this file), in French and in English."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import ManagementUtility, get_commands
from django.utils import translation


def project_commands():
    """(name, app) of every management command defined by an app of this repository."""
    here = Path(settings.BASE_DIR).resolve()
    ours = {config.name for config in apps.get_app_configs() if here in Path(config.path).resolve().parents}
    return sorted((name, app) for name, app in get_commands().items() if app in ours)


COMMANDS = project_commands()


def test_the_project_has_commands_to_check():
    names = {name for name, _app in COMMANDS}
    assert {"import_limesurvey", "import_ambassadors", "launch_campaign", "erase_ambassador"} <= names


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name, app", COMMANDS)
def test_help_of_every_command_prints_its_usage(name, app, language, capsys):
    with translation.override(language), pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", name, "--help"]).execute()
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert f"manage.py {name}" in out and "--help" in out
