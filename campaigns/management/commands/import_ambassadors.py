import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.audience.imports.columns import parse_map
from campaigns.audience.imports.files import ImportFileError
from campaigns.audience.imports.run import import_ambassadors
from campaigns.audit.trail import import_recorded
from campaigns.models import Segment


class Command(BaseCommand):
    help = _("Importe des ambassadeurs depuis un fichier CSV ou XLSX. Code de sortie 1 si une ligne est rejetée.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help=_("Vérifier sans rien enregistrer."))
        parser.add_argument("--update", action="store_true", help=_("Mettre à jour les ambassadeurs déjà connus."))
        parser.add_argument(
            "--keep-valid",
            action="store_true",
            help=_("Enregistrer les lignes valides même si d'autres sont rejetées."),
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLONNE=CHAMP",
            help=_(
                "Correspondance d'une colonne du fichier (son en-tête ou sa lettre) à un champ, par exemple "
                "« Courriel=email » ; « Colonne= » la laisse de côté. Répétable."
            ),
        )
        parser.add_argument("--segment", help=_("Nom d'une liste fixe à laquelle ajouter les ambassadeurs importés."))
        parser.add_argument(
            "--rejected",
            metavar="PATH",
            help=_(
                "Écrire les lignes rejetées dans ce fichier (CSV, ou XLSX si son nom finit par .xlsx), avec une "
                "colonne « raison » : corrigez-le puis importez-le."
            ),
        )

    def handle(self, path, dry_run, update, keep_valid, segment, rejected, **options):
        try:
            columns = parse_map(options["map"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        target = None
        if segment:
            target = Segment.objects.filter(name=segment).first()
            if target is None:
                raise CommandError(_("Aucun segment ne s'appelle « %(name)s ».") % {"name": segment})

        def progress(stage, rows_done, rows_total, report):
            if options["verbosity"] > 1:
                self.stderr.write(f"{stage} {rows_done}/{rows_total or '?'}")

        try:
            xlsx = bool(rejected) and rejected.lower().endswith((".xlsx", ".xlsm"))
            report = import_ambassadors(
                path,
                update=update,
                keep_valid=keep_valid,
                dry_run=dry_run,
                segment=target,
                progress=progress,
                rejected_csv=rejected if rejected and not xlsx else None,
                rejected_xlsx=rejected if xlsx else None,
                columns=columns,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        import_recorded(file_name=path, report=report)
        self.print_report(report, dry_run)
        if report.rejected and rejected:
            self.stdout.write(
                _("Lignes rejetées écrites dans %(path)s : corrigez-les puis importez ce fichier.") % {"path": rejected}
            )
        if report.rejected:
            sys.exit(1)

    def print_report(self, report, dry_run):
        for error in report.errors:
            self.stderr.write(str(error))
        if report.rejected > len(report.errors):
            self.stderr.write(
                _("… et %(count)s autres lignes rejetées.") % {"count": report.rejected - len(report.errors)}
            )
        summary = _("%(rows)s lignes lues, %(created)s créées, %(updated)s mises à jour, %(rejected)s rejetées.") % {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "rejected": report.rejected,
        }
        self.stdout.write(summary)
        if dry_run:
            self.stdout.write(
                _(
                    "Simulation : rien n'a été enregistré ; l'import créerait %(created)s et mettrait à jour "
                    "%(updated)s ambassadeurs."
                )
                % {"created": report.would_create, "updated": report.would_update}
            )
        elif not report.written:
            self.stdout.write(_("Des lignes ont été rejetées : rien n'a été enregistré (voir --keep-valid)."))
