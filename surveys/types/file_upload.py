"""A file sent by the ambassador (LimeSurvey's ``|``), in a survey that allows uploads (``Survey.allow_uploads``,
off by default): one file per question, at most ``max_size_kb`` kilobytes, of one of ``file_types`` (among
``ACCEPTED``). Its type is read from its content (its first bytes, by ``filetype``), never from its name: a
script renamed ``photo.jpg`` is refused, and the stored name takes the extension of what the file is.

Stored in a private storage (``survey_files_storage``: the ``survey_files`` entry of ``STORAGES`` when set,
else a folder of ``VAR_DIR`` that nothing serves), under an unguessable name that ends with the cleaned
original name; the Answer holds that storage name as its text. Going back and forth keeps the file; sending
another replaces it. Staff who may see ambassadors download it through ``surveys:file`` (an attachment, never
shown inline); erasing an ambassador's personal data deletes their files (``surveys.files``).

Reports: how many answered, nothing of the files. Exported as the file's name. Conditions match "*"."""

import posixpath
import re
import secrets
import unicodedata

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.types.base import QuestionType, field_name

# What may be sent: the types ``filetype`` recognises from their content, documents and pictures only (no
# archive, no executable, no HTML or SVG that a browser would run).
ACCEPTED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "heic": "image/heic",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
ALIASES = {"jpeg": "jpg"}
DEFAULT_TYPES = "pdf, jpg, png"
DEFAULT_MAX_KB = 5 * 1024
MAX_KB = 20 * 1024
FOLDER = "survey-files"
HEAD_BYTES = 8192


def survey_files_storage():
    """The private storage of the files sent: ``STORAGES["survey_files"]`` when configured, else
    ``VAR_DIR/survey_files`` (outside ``MEDIA_ROOT``, so ``/media/`` never serves it)."""
    if "survey_files" in settings.STORAGES:
        return storages["survey_files"]
    return FileSystemStorage(location=settings.VAR_DIR / "survey_files", base_url="/no-public-url/")


def type_list(text):
    """The extensions of a ``file_types`` setting ("PDF, jpeg png" -> ["pdf", "jpg", "png"])."""
    found = []
    for word in re.split(r"[\s,;]+", (text or "").lower().strip()):
        word = ALIASES.get(word.lstrip("."), word.lstrip("."))
        if word and word not in found:
            found.append(word)
    return found


def file_types_validator(value):
    unknown = [word for word in type_list(value) if word not in ACCEPTED]
    if unknown:
        raise ValidationError(
            _("Types de fichier non acceptés : %(unknown)s. Acceptés : %(accepted)s.")
            % {"unknown": ", ".join(unknown), "accepted": ", ".join(ACCEPTED)}
        )


def file_types_field():
    return forms.CharField(
        label=gettext_lazy("types de fichier acceptés"),
        required=False,
        max_length=200,
        validators=[file_types_validator],
        help_text=gettext_lazy("Envoi de fichier : extensions séparées par des virgules (par défaut : pdf, jpg, png)."),
    )


def max_size_field():
    return forms.IntegerField(
        label=gettext_lazy("taille maximale (Ko)"),
        required=False,
        min_value=1,
        max_value=MAX_KB,
        help_text=gettext_lazy("Envoi de fichier : 5 120 Ko (5 Mo) par défaut, 20 480 Ko au plus."),
    )


def clean_name(name):
    """The original name, kept readable and harmless: letters, digits, dots, dashes, underscores; 80 at most."""
    stem = posixpath.basename((name or "").replace("\\", "/")).rsplit(".", 1)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-.")[:80]
    return stem or "fichier"


def shown_name(stored):
    """The name a person sees of a stored file ("survey-files/12/3f…/devis.pdf" -> "devis.pdf")."""
    return posixpath.basename(stored or "")


class SavedFileInput(forms.FileInput):
    """A file input that says which file was already sent (never a link to it)."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, None, attrs, renderer)
        if isinstance(value, str) and value:
            note = _("Déjà envoyé : %(name)s. Choisissez un autre fichier pour le remplacer.") % {
                "name": shown_name(value)
            }
            html = format_html('{}<span class="hint">{}</span>', html, note)
        return html


class UploadField(forms.FileField):
    """A file checked for its size and, from its first bytes, its type; ``clean`` returns the upload with the
    extension of its type in ``detected``, or the saved storage name when nothing new was sent."""

    def __init__(self, *, types, max_kb, **kwargs):
        self.types, self.max_kb = types, max_kb
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(f".{extension}" for extension in types)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        if upload.size > self.max_kb * 1024:
            raise ValidationError(
                _("Le fichier fait %(size)s Ko : %(max)s Ko au plus.")
                % {"size": -(-upload.size // 1024), "max": self.max_kb},
                code="too_big",
            )
        upload.seek(0)
        head = upload.read(HEAD_BYTES)
        upload.seek(0)
        kind = filetype.guess(head)
        extension = ALIASES.get(kind.extension, kind.extension) if kind else None
        if extension not in self.types:
            raise ValidationError(
                _("Ce fichier n'est pas d'un type accepté (%(types)s) : son contenu a été vérifié, pas son nom.")
                % {"types": ", ".join(self.types)},
                code="file_type",
            )
        upload.detected = extension
        return upload


class FileUpload(QuestionType):
    key = "file_upload"
    label = gettext_lazy("Envoi de fichier")
    order = 130
    layout = "single"
    counted = False
    limesurvey_letters = ("|",)
    limesurvey_attributes = frozenset({"max_filesize", "allowed_filetypes", "max_num_of_files"})
    settings_fields = {"file_types": file_types_field, "max_size_kb": max_size_field}

    # --- the question, in the admin ----------------------------------------------------------------------

    def clean(self, question):
        errors = super().clean(question)
        survey = question.survey if question.survey_id else None
        if survey is not None and not survey.allow_uploads:
            errors["kind"] = _(
                "Ce questionnaire n'accepte pas de fichiers : cochez « envoi de fichiers autorisé » dans le "
                "questionnaire d'abord."
            )
        return errors

    def types(self, question):
        return type_list((question.settings or {}).get("file_types") or DEFAULT_TYPES)

    def max_kb(self, question):
        return int((question.settings or {}).get("max_size_kb") or DEFAULT_MAX_KB)

    # --- answering -----------------------------------------------------------------------------------------

    def fields(self, question, context):
        field = UploadField(
            types=self.types(question),
            max_kb=self.max_kb(question),
            required=context.required(question),
            label=question.text(context.locale),
            widget=SavedFileInput,
        )
        return {field_name(question): field}

    def after(self, question):
        return format_html(
            '<p class="hint">{}</p>',
            _("Fichiers acceptés : %(types)s ; %(size)s Ko au plus.")
            % {"types": ", ".join(self.types(question)), "size": self.max_kb(question)},
        )

    def answers(self, question, cleaned, context):
        value = cleaned.get(field_name(question))
        if isinstance(value, str):  # the file sent before, kept
            return [{"text": value}] if value else []
        if not value:
            return []
        name = f"{FOLDER}/{question.pk}/{secrets.token_hex(16)}/{clean_name(value.name)}.{value.detected}"
        return [{"text": survey_files_storage().save(name, value)}]

    def initial(self, question, saved):
        return {field_name(question): answer.text for answer in saved if answer.text}

    def expression_value(self, question, answers, choice_codes, row_codes):
        names = [shown_name(answer.text) for answer in answers if answer.text]
        return (names[0] if names else ""), {}

    # --- reports and export --------------------------------------------------------------------------------

    def summarise(self, result, question, tallies):
        """Nothing but the respondents: a file is one person's."""

    def export_value(self, row, codes):
        return shown_name(row.text) or None

    # --- LimeSurvey ----------------------------------------------------------------------------------------

    def from_limesurvey(self, planner, record, where):
        question = planner.base_question(record, where, self.key)
        size = planner.count_attribute(record, "max_filesize", where)
        if size:
            question.settings["max_size_kb"] = min(size, MAX_KB)
        wanted = type_list(planner.attribute(record, "allowed_filetypes"))
        kept = [extension for extension in wanted if extension in ACCEPTED]
        if kept:
            question.settings["file_types"] = ", ".join(kept)
        if len(kept) < len(wanted):
            planner.missed(
                _("%(where)s : types de fichier non acceptés ici, ignorés : %(types)s.")
                % {"where": where, "types": ", ".join(extension for extension in wanted if extension not in kept)}
            )
        files = planner.count_attribute(record, "max_num_of_files", where)
        if files and files > 1:
            planner.missed(
                _("%(where)s : un seul fichier par question (%(count)s prévus).") % {"where": where, "count": files}
            )
        return [question]


TYPE = FileUpload()
