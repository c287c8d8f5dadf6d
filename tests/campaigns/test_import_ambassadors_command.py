import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Ambassador, Segment

pytestmark = pytest.mark.django_db


def run(*args):
    return call_command("import_ambassadors", *map(str, args))


def test_clean_file_imports_and_exits_zero(tmp_path, capsys):
    path = tmp_path / "a.csv"
    path.write_text("email;prenom\nlea@exemple.fr;Léa\n", encoding="utf-8")
    run(path)
    assert "1 lignes lues, 1 créées, 0 mises à jour, 0 rejetées." in capsys.readouterr().out
    assert Ambassador.objects.count() == 1


def test_rejected_rows_are_listed_and_the_exit_status_is_not_zero(tmp_path, capsys):
    path = tmp_path / "a.csv"
    path.write_text("email;prenom\nlea@exemple.fr;Léa\nlea@@exemple;X\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        run(path)
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert "ligne 3, colonne A « email » : « lea@@exemple » n'est pas une adresse e-mail valide." in err
    assert "rien n'a été enregistré" in out
    assert Ambassador.objects.count() == 0


def test_keep_valid_still_exits_non_zero(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("email\nlea@exemple.fr\nbad\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        run(path, "--keep-valid")
    assert Ambassador.objects.count() == 1


def test_update_and_dry_run_flags(tmp_path, capsys):
    Ambassador.objects.create(email="lea@exemple.fr", first_name="Léa")
    path = tmp_path / "a.csv"
    path.write_text("email;prenom\nLEA@exemple.fr;Léna\n", encoding="utf-8")
    run(path, "--update", "--dry-run")
    assert "Simulation" in capsys.readouterr().out
    assert Ambassador.objects.get().first_name == "Léa"
    run(path, "--update")
    assert Ambassador.objects.get().first_name == "Léna"


def test_segment_flag_adds_to_a_static_list(tmp_path):
    panel = Segment.objects.create(name="Panel", kind=Segment.Kind.STATIC)
    path = tmp_path / "a.csv"
    path.write_text("email\nlea@exemple.fr\n", encoding="utf-8")
    run(path, "--segment", "Panel")
    assert panel.members.count() == 1
    with pytest.raises(CommandError, match="Aucun segment"):
        run(path, "--segment", "Inconnu")


def test_unreadable_file_is_one_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire le fichier absent.csv"):
        run(tmp_path / "absent.csv")
