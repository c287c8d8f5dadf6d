"""Import ambassadors from a CSV or XLSX file.

The file is read twice, streaming, in batches: first to check every row (nothing is written), then, if no row
was rejected (or the caller chose to keep the valid rows), to write the valid rows in batches of bulk inserts
and updates, each batch in its own transaction. Memory stays flat whatever the file's size: duplicate emails
inside the file are found through a temporary table, not a Python set.

- A file that cannot be read at all (empty, binary, wrong or missing columns) raises ``ImportFileError`` with
  one message, before anything is written.
- Every rejected row is reported with its row number (as a spreadsheet shows it: the header is row 1), its
  column and the reason.
- Existing ambassadors (same email, compared case-insensitively) are updated only with ``update=True``; then a
  filled cell replaces the stored value and an empty cell leaves it as it is. An import never clears an
  opt-out.
"""

import csv
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import (
    AgeBand,
    Ambassador,
    AmbassadorProduct,
    AmbassadorTag,
    Locale,
    Product,
    Region,
    Segment,
    SegmentMember,
    Tag,
)
from campaigns.segments import parse_date, split_values

# Canonical column -> the header spellings accepted for it (compared without case, accents or punctuation).
COLUMNS = {
    "email": ["email", "e_mail", "courriel", "adresse_email", "adresse_e_mail", "mail"],
    "first_name": ["first_name", "firstname", "prenom"],
    "last_name": ["last_name", "lastname", "nom", "nom_de_famille"],
    "locale": ["locale", "langue", "language", "lang"],
    "region": ["region"],
    "age_band": ["age_band", "tranche_d_age", "tranche_age", "age"],
    "customer_since": ["customer_since", "client_depuis"],
    "products": ["products", "produits"],
    "tags": ["tags", "etiquettes"],
    "consent": ["consent", "consentement"],
}
YES = {"oui", "o", "yes", "y", "1", "true", "vrai", "x"}
NO = {"non", "n", "no", "0", "false", "faux"}
AGE_BANDS = frozenset(AgeBand.values)
LOCALES = {"fr": "fr", "francais": "fr", "french": "fr", "en": "en", "anglais": "en", "english": "en"}


class ImportFileError(Exception):
    """The file cannot be imported at all; nothing was written."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("ligne %(row)s, colonne %(column)s : %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("ligne %(row)s : %(message)s") % {"row": self.row, "message": self.message}

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    written: bool = False
    errors: list = field(default_factory=list)


def normalise(text):
    """Lower case, accents and punctuation removed: 'Tranche d'âge' -> 'tranche_d_age'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return "_".join("".join(c if c.isalnum() else " " for c in text).split())


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- reading -----------------------------------------------------------------------------------------------


def _sniff(path):
    with open(path, "rb") as handle:
        return handle.read(65536)


def read_table(path):
    """(header cells, iterator of (row number, cells)) for a CSV or XLSX file; ImportFileError if unreadable."""
    path = Path(path)
    try:
        head = _sniff(path)
    except OSError as exc:
        raise ImportFileError(
            _("Impossible de lire le fichier %(name)s : %(error)s") % {"name": path.name, "error": exc.strerror}
        ) from None
    if not head.strip():
        raise ImportFileError(_("Le fichier %(name)s est vide.") % {"name": path.name})
    is_zip = head.startswith(b"PK\x03\x04")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or (is_zip and suffix not in {".csv", ".txt"}):
        return _read_xlsx(path)
    if is_zip:
        raise ImportFileError(
            _(
                "Le fichier %(name)s est un classeur Excel (XLSX) enregistré avec l'extension "
                "%(suffix)s : renommez-le en .xlsx ou enregistrez-le au format CSV."
            )
            % {"name": path.name, "suffix": suffix}
        )
    if b"\x00" in head:
        raise ImportFileError(
            _("Le fichier %(name)s n'est pas un fichier texte CSV (il contient des données binaires).")
            % {"name": path.name}
        )
    return _read_csv(path, head)


def _read_csv(path, head):
    lines = head.decode("utf-8-sig", errors="ignore").splitlines()
    first_line = lines[0] if lines else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the reader when done
    reader = csv.reader(handle, delimiter=delimiter)

    def next_row(number):
        try:
            return next(reader)
        except UnicodeDecodeError:
            raise ImportFileError(
                _(
                    "Le fichier %(name)s n'est pas encodé en UTF-8 (vers la ligne %(row)s) : "
                    "enregistrez-le au format « CSV UTF-8 »."
                )
                % {"name": path.name, "row": number}
            ) from None
        except csv.Error as exc:
            raise ImportFileError(_("Ligne %(row)s illisible : %(error)s") % {"row": number, "error": exc}) from None

    try:
        header = next_row(1)
    except StopIteration:
        handle.close()
        raise ImportFileError(_("Le fichier %(name)s est vide.") % {"name": path.name}) from None
    except ImportFileError:
        handle.close()
        raise

    def numbered():
        with handle:
            number = 2
            while True:
                try:
                    yield number, next_row(number)
                except StopIteration:
                    return
                number += 1

    return header, numbered()


def _read_xlsx(path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _("Le fichier %(name)s n'est pas un classeur XLSX lisible (%(error)s).") % {"name": path.name, "error": exc}
        ) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        workbook.close()
        raise ImportFileError(_("La première feuille du fichier %(name)s est vide.") % {"name": path.name}) from None

    def numbered():
        try:
            for number, cells in enumerate(rows, start=2):
                yield number, list(cells)
        finally:
            workbook.close()

    return [cell for cell in header], numbered()


def map_columns(header, file_name):
    """{column index: canonical name}; ImportFileError naming unknown, repeated or missing columns."""
    alias_to_column = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
    mapping, unknown, seen = {}, [], {}
    for index, cell in enumerate(header):
        name = "" if cell is None else str(cell).strip()
        if not name:
            continue
        column = alias_to_column.get(normalise(name))
        if column is None:
            unknown.append(f"{column_letter(index)} « {name} »")
        elif column in seen:
            raise ImportFileError(
                _("La colonne %(column)s apparaît deux fois (colonnes %(first)s et %(second)s).")
                % {"column": column, "first": column_letter(seen[column]), "second": column_letter(index)}
            )
        else:
            seen[column] = index
            mapping[index] = column
    if unknown:
        raise ImportFileError(
            _("Colonnes inconnues dans %(name)s : %(unknown)s. Colonnes acceptées : %(accepted)s.")
            % {"name": file_name, "unknown": ", ".join(unknown), "accepted": ", ".join(COLUMNS)}
        )
    if "email" not in seen:
        raise ImportFileError(
            _(
                "Le fichier %(name)s n'a pas de colonne « email » (ou « courriel ») : la première "
                "ligne doit nommer les colonnes."
            )
            % {"name": file_name}
        )
    return mapping


# --- checking one row --------------------------------------------------------------------------------------


def _text(cell):
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return str(cell).strip()


class RowChecker:
    """Turns the cells of one row into clean values, or RowErrors; knows the product catalogue.

    Columns with few distinct values (language, region, products...) are parsed once per distinct cell text.
    """

    CACHED = {"locale", "region", "age_band", "products", "tags", "consent"}
    CACHE_SIZE = 10_000

    def __init__(self, mapping, header):
        self.mapping = mapping
        self.labels = {index: f"{column_letter(index)} « {str(header[index]).strip()} »" for index in mapping}
        self.width = len(header)
        self.email_label = next(self.labels[index] for index, column in mapping.items() if column == "email")
        self.products = {}
        for pk, code, name in Product.objects.values_list("id", "code", "name"):
            self.products[code.lower()] = pk
            self.products[normalise(name)] = pk
        self.product_codes = sorted(Product.objects.values_list("code", flat=True))
        self.regions = {}
        for code, label in Region.choices:
            self.regions[code] = code
            self.regions[normalise(label)] = code
        self.today = timezone.localdate()
        self.parsers = {column: getattr(self, f"_{column}") for column in COLUMNS}
        self.cache = {column: {} for column in self.CACHED}

    def check(self, number, cells):
        """(values, errors): values holds only the filled cells, by canonical column."""
        values, errors = {}, []
        extra = [c for c in cells[self.width :] if _text(c)]
        if extra:
            errors.append(
                RowError(
                    number,
                    "",
                    _("%(count)s cellule(s) de plus que de colonnes dans l'en-tête.") % {"count": len(extra)},
                )
            )
        for index, column in self.mapping.items():
            raw = _text(cells[index]) if index < len(cells) else ""
            cell = cells[index] if index < len(cells) else None
            if not raw:
                continue
            cache = self.cache.get(column)
            result = cache.get(raw) if cache is not None else None
            if result is None:
                try:
                    result = (self.parsers[column](raw, cell), None)
                except ValidationError as exc:
                    result = (None, exc.messages[0])
                if cache is not None and len(cache) < self.CACHE_SIZE:
                    cache[raw] = result
            value, message = result
            if message is None:
                values[column] = value
            else:
                errors.append(RowError(number, self.labels[index], message))
        if "email" not in values and not any(error.column == self.email_label for error in errors):
            errors.append(RowError(number, self.email_label, _("l'adresse e-mail est obligatoire.")))
        return values, errors

    def _email(self, raw, cell):
        email = raw.lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("« %(value)s » n'est pas une adresse e-mail valide.") % {"value": raw[:100]}
            ) from None
        return email

    def _first_name(self, raw, cell):
        return self._name(raw)

    def _last_name(self, raw, cell):
        return self._name(raw)

    def _name(self, raw):
        if len(raw) > 150:
            raise ValidationError(_("150 caractères au plus (il y en a %(count)s).") % {"count": len(raw)})
        return raw

    def _locale(self, raw, cell):
        try:
            return LOCALES[normalise(raw)]
        except KeyError:
            raise ValidationError(
                _("« %(value)s » n'est pas une langue connue (fr ou en).") % {"value": raw[:50]}
            ) from None

    def _region(self, raw, cell):
        try:
            return self.regions[normalise(raw)]
        except KeyError:
            raise ValidationError(
                _("« %(value)s » n'est pas une région connue (codes : %(codes)s, ou le nom de la région).")
                % {"value": raw[:50], "codes": ", ".join(Region.values)}
            ) from None

    def _age_band(self, raw, cell):
        code = raw.lower().replace("–", "-").replace("ans", "").replace(" ", "")
        if code not in AGE_BANDS:
            raise ValidationError(
                _("« %(value)s » n'est pas une tranche d'âge connue (%(codes)s).")
                % {"value": raw[:50], "codes": ", ".join(AgeBand.values)}
            )
        return code

    def _customer_since(self, raw, cell):
        if isinstance(cell, datetime):
            day = cell.date()
        elif isinstance(cell, date):
            day = cell
        else:
            try:
                day = parse_date(raw)
            except ValueError:
                raise ValidationError(
                    _("« %(value)s » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).") % {"value": raw[:50]}
                ) from None
        if day > self.today:
            raise ValidationError(_("la date %(value)s est dans le futur.") % {"value": day.isoformat()})
        return day

    def _products(self, raw, cell):
        ids, unknown = set(), []
        for item in split_values(raw):
            pk = self.products.get(item.lower()) or self.products.get(normalise(item))
            if pk is None:
                unknown.append(item[:50])
            else:
                ids.add(pk)
        if unknown:
            raise ValidationError(
                _("produit(s) inconnu(s) : %(unknown)s (codes du catalogue : %(codes)s).")
                % {"unknown": ", ".join(unknown), "codes": ", ".join(self.product_codes) or "—"}
            )
        return frozenset(ids)

    def _tags(self, raw, cell):
        names = {item.lower() for item in split_values(raw)}
        too_long = [name for name in names if len(name) > 60]
        if too_long:
            raise ValidationError(
                _("une étiquette a 60 caractères au plus : « %(value)s… ».") % {"value": too_long[0][:60]}
            )
        return frozenset(names)

    def _consent(self, raw, cell):
        value = normalise(raw)
        if value in YES:
            return True
        if value in NO:
            return False
        raise ValidationError(_("« %(value)s » : répondez oui ou non.") % {"value": raw[:50]})


def insert_values(cursor, target, types, rows, suffix=""):
    """INSERT many rows in few round trips: on PostgreSQL one statement, each column passed as one typed array
    (``unnest``); on SQLite, which has no round trips, one prepared single-row statement run for every row
    (multi-row statements of varying length would each be compiled and cached, and memory would grow)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
        cursor.execute(
            f"INSERT INTO {target} SELECT * FROM unnest({arrays}){suffix}", [list(column) for column in zip(*rows)]
        )
    else:
        cursor.executemany(f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(types))}){suffix}", rows)


# --- duplicates inside the file ----------------------------------------------------------------------------


class SeenEmails:
    """Emails met so far in the file, with the row where each first appeared, kept in a temporary table."""

    table = "ambassador_import_seen_email"

    def __enter__(self):
        self.cursor = connection.cursor()
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {self.table} (email VARCHAR(254) PRIMARY KEY, row_number INTEGER NOT NULL)"
        )
        return self

    def __exit__(self, *exc):
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.cursor.close()

    def first_rows(self, pairs):
        """{email: first row number} for the (email, row number) pairs of one batch, recording them."""
        if not pairs:
            return {}
        first_in_batch = {}
        for email, row in pairs:
            first_in_batch.setdefault(email, row)
        insert_values(
            self.cursor,
            f"{self.table} (email, row_number)",
            ["varchar(254)", "integer"],
            list(first_in_batch.items()),
            suffix=" ON CONFLICT (email) DO NOTHING",
        )
        emails = list(first_in_batch)
        placeholders = ", ".join(["%s"] * len(emails))
        self.cursor.execute(f"SELECT email, row_number FROM {self.table} WHERE email IN ({placeholders})", emails)
        return dict(self.cursor.fetchall())


# --- the import --------------------------------------------------------------------------------------------


def _batches(iterator, size):
    batch = []
    for item in iterator:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _checked_batches(path, update, batch_size):
    """Yield (rows, valid, errors) per batch: ``valid`` maps email -> values for the rows that may be written."""
    header, rows = read_table(path)
    mapping = map_columns(header, Path(path).name)
    checker = RowChecker(mapping, header)
    non_blank = ((number, cells) for number, cells in rows if any(_text(cell) for cell in cells))
    email_label = checker.email_label
    with SeenEmails() as seen:
        for batch in _batches(non_blank, batch_size):
            valid, errors, numbers = {}, [], {}
            for number, cells in batch:
                values, row_errors = checker.check(number, cells)
                if row_errors:
                    errors.extend(row_errors)
                else:
                    numbers[number] = values
            first = seen.first_rows([(values["email"], number) for number, values in numbers.items()])
            existing = set()
            if not update:
                existing = set(
                    Ambassador.objects.filter(email__in=[v["email"] for v in numbers.values()]).values_list(
                        "email", flat=True
                    )
                )
            for number, values in numbers.items():
                email = values["email"]
                if first[email] != number:
                    errors.append(
                        RowError(
                            number,
                            email_label,
                            _("%(email)s figure déjà à la ligne %(row)s.") % {"email": email, "row": first[email]},
                        )
                    )
                elif email in existing:
                    errors.append(
                        RowError(
                            number,
                            email_label,
                            _(
                                "%(email)s est déjà un ambassadeur ; choisissez la mise à jour des existants "
                                "pour le modifier."
                            )
                            % {"email": email},
                        )
                    )
                else:
                    valid[email] = values
            errors.sort(key=lambda error: error.row)
            yield len(batch), valid, errors


SIMPLE_FIELDS = ["first_name", "last_name", "locale", "region", "age_band", "customer_since"]
NEW_COLUMNS = ["email", *SIMPLE_FIELDS, "consent_at", "created_at", "updated_at"]
DEFAULTS = {
    "first_name": "",
    "last_name": "",
    "locale": Locale.FR,
    "region": "",
    "age_band": "",
    "customer_since": None,
}


def _insert(model, columns, rows, ignore_conflicts=False):
    """INSERT rows of ``model`` in multi-row statements: at a million rows, building a model instance per row
    (as bulk_create does) costs more than the database's own work."""
    fields = [model._meta.get_field(column) for column in columns]
    names = ", ".join(field.column for field in fields)
    types = [
        field.target_field.db_type(connection) if field.is_relation else field.db_type(connection) for field in fields
    ]
    with connection.cursor() as cursor:
        insert_values(
            cursor,
            f"{model._meta.db_table} ({names})",
            types,
            rows,
            suffix=" ON CONFLICT DO NOTHING" if ignore_conflicts else "",
        )


def _write_batch(valid, now, segment):
    """Create or update the ambassadors of one batch with their products and tags. Returns (created, updated)."""
    existing = {a.email: a for a in Ambassador.objects.filter(email__in=list(valid))}
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    new_rows = []
    for email, values in valid.items():
        ambassador = existing.get(email)
        if ambassador is None:
            row = {**DEFAULTS, **values}
            new_rows.append(
                [
                    email,
                    row["first_name"],
                    row["last_name"],
                    row["locale"],
                    row["region"],
                    row["age_band"],
                    ops.adapt_datefield_value(row["customer_since"]),
                    stamp if row.get("consent", True) else None,
                    stamp,
                    stamp,
                ]
            )
            continue
        if "consent" in values:
            if not values["consent"]:
                ambassador.consent_at = None
            elif ambassador.consent_at is None:
                ambassador.consent_at = now
        for name in SIMPLE_FIELDS:
            if name in values:
                setattr(ambassador, name, values[name])
        ambassador.updated_at = now
    _insert(Ambassador, NEW_COLUMNS, new_rows)
    if existing:
        Ambassador.objects.bulk_update(list(existing.values()), SIMPLE_FIELDS + ["consent_at", "updated_at"])
    ids = dict(Ambassador.objects.filter(email__in=list(valid)).values_list("email", "id"))
    updated_pks = {a.pk for a in existing.values()}

    product_rows = [(ids[email], values["products"]) for email, values in valid.items() if "products" in values]
    if product_rows:
        AmbassadorProduct.objects.filter(
            ambassador_id__in=[pk for pk, _p in product_rows if pk in updated_pks]
        ).delete()
        _insert(
            AmbassadorProduct,
            ["ambassador", "product"],
            [(pk, product) for pk, products in product_rows for product in products],
        )

    tag_rows = [(ids[email], values["tags"]) for email, values in valid.items() if "tags" in values]
    if tag_rows:
        names = {name for _pk, tags in tag_rows for name in tags}
        Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
        tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
        AmbassadorTag.objects.filter(ambassador_id__in=[pk for pk, _t in tag_rows if pk in updated_pks]).delete()
        _insert(AmbassadorTag, ["ambassador", "tag"], [(pk, tag_ids[name]) for pk, tags in tag_rows for name in tags])

    if segment is not None:
        _insert(
            SegmentMember, ["segment", "ambassador"], [(segment.pk, pk) for pk in ids.values()], ignore_conflicts=True
        )
    return len(new_rows), len(existing)


def import_ambassadors(
    path,
    *,
    update=False,
    keep_valid=False,
    dry_run=False,
    segment=None,
    progress=None,
    batch_size=None,
    max_errors=None,
):
    """Check, then (unless ``dry_run``) write the ambassadors of a file. Returns an ImportReport.

    Nothing is written when any row is rejected, unless ``keep_valid``: then the valid rows are written and the
    report says exactly which rows were not. ``segment``, a static Segment, receives every imported ambassador.
    ``progress(stage, rows_done, rows_total, report)`` is called after each batch (inside its transaction when writing).
    """
    batch_size = batch_size or settings.IMPORT_BATCH_SIZE
    max_errors = settings.IMPORT_MAX_REPORTED_ERRORS if max_errors is None else max_errors
    if segment is not None and segment.kind != Segment.Kind.STATIC:
        raise ImportFileError(
            _("« %(segment)s » n'est pas une liste fixe : on ne peut pas y ajouter d'ambassadeurs.")
            % {"segment": segment}
        )
    report = ImportReport()

    for size, _valid, errors in _checked_batches(path, update, batch_size):
        report.rows += size
        report.rejected += len(errors)
        room = max_errors - len(report.errors)
        report.errors.extend(errors[: max(room, 0)])
        if progress:
            progress("validating", report.rows, None, report)
    if report.rows == 0:
        raise ImportFileError(
            _("Le fichier %(name)s n'a aucune ligne de données sous l'en-tête.") % {"name": Path(path).name}
        )
    if dry_run or (report.rejected and not keep_valid):
        return report

    now = timezone.now()
    done = 0
    for size, valid, _errors in _checked_batches(path, update, batch_size):
        with transaction.atomic():
            created, updated = _write_batch(valid, now, segment)
            report.created += created
            report.updated += updated
            done += size
            if progress:
                progress("writing", done, report.rows, report)
    report.written = True
    return report
