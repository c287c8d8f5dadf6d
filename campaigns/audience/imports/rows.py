"""The columns of an ambassador file and the check of each row's cells."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.audience.imports.files import ImportFileError, column_letter, normalise
from campaigns.audience.imports.limits import capped
from campaigns.audience.segments import parse_date, split_values
from campaigns.models import AgeBand, Locale, Product, Region

# Canonical column -> the header spellings accepted for it (compared without case, accents or punctuation).
COLUMNS = {
    "email": ["email", "e_mail", "courriel", "adresse_email", "adresse_e_mail", "mail"],
    "external_id": ["external_id", "id_externe", "identifiant_externe", "crm_id", "id_crm"],
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
# Columns an import reads past: the reason written beside each row of a file of rejected rows (``rejected``).
IGNORED = frozenset({"raison", "reason"})
YES = {"oui", "o", "yes", "y", "1", "true", "vrai", "x"}
NO = {"non", "n", "no", "0", "false", "faux"}
AGE_BANDS = frozenset(AgeBand.values)
ROW_MESSAGE_MAX_CHARS = 300
EMAIL_MAX_CHARS = 254
# The common shape of an address, a strict subset of what Django's validate_email accepts: an address of that
# shape needs no further check (a million of them are read in a few seconds); any other goes to validate_email.
PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z", re.ASCII
)
LOCALES = {"fr": "fr", "francais": "fr", "french": "fr", "en": "en", "anglais": "en", "english": "en"}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __post_init__(self):  # a cell's text is quoted in some messages: never more than a few lines of it
        self.column, self.message = capped(str(self.column), 120), capped(str(self.message), ROW_MESSAGE_MAX_CHARS)

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


def labels_to_codes(choices):
    """{normalised label: code} of a TextChoices in every language of the service ("35 à 44 ans", "35 to 44"...):
    a file may hold the labels the lists show as well as the codes."""
    found = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in choices.choices:
                found.setdefault(normalise(label), code)
    return found


def map_columns(header, file_name, chosen=None):
    """{column index: canonical name}; ImportFileError naming unknown, repeated or missing columns. ``chosen``
    {column index: canonical name, or "" to leave the column out} comes before the known spellings (the column
    mapping of ``columns``)."""
    alias_to_column = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
    mapping, unknown, seen = {}, [], {}
    chosen = chosen or {}
    for index, cell in enumerate(header):
        name = "" if cell is None else str(cell).strip()
        if not name or chosen.get(index) == "":
            continue
        column = chosen.get(index) or alias_to_column.get(normalise(name))
        if column is None and normalise(name) in IGNORED:
            continue
        if column is None:
            unknown.append(f"{column_letter(index)} « {capped(name, 40)} »")
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
            % {"name": file_name, "unknown": _listed(unknown), "accepted": ", ".join(COLUMNS)}
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


def _listed(items, shown=10):
    more = len(items) - shown
    listed = ", ".join(items[:shown])
    return listed if more <= 0 else _("%(listed)s et %(count)s autres") % {"listed": listed, "count": more}


def cell_text(cell):
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return str(cell).strip()


def cell_texts(cells):
    """Every cell's text (``cell_text``), quickly for the strings a CSV gives."""
    return [cell.strip() if type(cell) is str else cell_text(cell) for cell in cells]


class RowChecker:
    """Turns the cells of one row into clean values, or RowErrors; knows the product catalogue.

    Columns with few distinct values (language, region, products...) are parsed once per distinct cell text.
    """

    CACHED = {"locale", "region", "age_band", "customer_since", "products", "tags", "consent"}
    CACHE_SIZE = 10_000

    def __init__(self, mapping, header):
        self.mapping = mapping
        self.labels = {
            index: f"{column_letter(index)} « {capped(str(header[index]).strip(), 40)} »" for index in mapping
        }
        self.width = len(header)
        self.email_label = next(self.labels[index] for index, column in mapping.items() if column == "email")
        self.products = {}
        for pk, code, name in Product.objects.values_list("id", "code", "name"):
            self.products[code.lower()] = pk
            self.products[normalise(name)] = pk
        self.product_codes = sorted(Product.objects.values_list("code", flat=True))
        self.regions = {code: code for code in Region.values} | labels_to_codes(Region)
        self.age_bands = labels_to_codes(AgeBand)
        self.locales = LOCALES | labels_to_codes(Locale)
        self.today = timezone.localdate()
        self.parsers = {column: getattr(self, f"_{column}") for column in COLUMNS}
        self.cache = {column: {} for column in self.CACHED}
        # (index, canonical column, its cache or None, its parser) for every column read.
        self.columns = [(index, name, self.cache.get(name), self.parsers[name]) for index, name in mapping.items()]

    def label_of(self, column):
        """The label of the file's column holding canonical ``column``."""
        return next((self.labels[index] for index, name in self.mapping.items() if name == column), column)

    def check(self, number, cells, texts=None):
        """(values, errors): values holds only the filled cells, by canonical column. ``texts`` are the cells'
        texts (``cell_texts``) when the caller has them already."""
        if texts is None:
            texts = cell_texts(cells)
        values, errors = {}, []
        width = len(texts)
        if width > self.width and any(texts[self.width :]):
            extra = sum(1 for text in texts[self.width :] if text)
            message = _("%(count)s cellule(s) de plus que de colonnes dans l'en-tête.") % {"count": extra}
            errors.append(RowError(number, "", message))
        for index, column, cache, parser in self.columns:
            raw = texts[index] if index < width else ""
            if not raw:
                continue
            if "\x00" in raw:  # no database stores it as text
                errors.append(RowError(number, self.labels[index], _("la cellule contient un caractère nul.")))
                continue
            result = cache.get(raw) if cache is not None else None
            if result is None:
                result = self._parsed(parser, raw, cells[index], cache)
            if result[1] is None:
                values[column] = result[0]
            else:
                errors.append(RowError(number, self.labels[index], result[1]))
        if "email" not in values and not any(error.column == self.email_label for error in errors):
            errors.append(RowError(number, self.email_label, _("l'adresse e-mail est obligatoire.")))
        return values, errors

    def _parsed(self, parser, raw, cell, cache):
        """(value, None) or (None, message), kept in ``cache`` (while it has room) when the column has one."""
        try:
            result = (parser(raw, cell), None)
        except ValidationError as exc:
            result = (None, exc.messages[0])
        if cache is not None and len(cache) < self.CACHE_SIZE:
            cache[raw] = result
        return result

    def _email(self, raw, cell):
        email = raw.lower()
        if len(email) > EMAIL_MAX_CHARS:
            raise ValidationError(
                _("une adresse e-mail a %(limit)s caractères au plus (il y en a %(count)s).")
                % {"limit": EMAIL_MAX_CHARS, "count": len(email)}
            )
        if PLAIN_EMAIL.match(email):
            return email
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("« %(value)s » n'est pas une adresse e-mail valide.") % {"value": raw[:100]}
            ) from None
        return email

    def _external_id(self, raw, cell):
        if len(raw) > 64:
            raise ValidationError(_("64 caractères au plus (il y en a %(count)s).") % {"count": len(raw)})
        return raw

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
            return self.locales[normalise(raw)]
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
        code = self.age_bands.get(normalise(raw)) or raw.lower().replace("–", "-").replace("ans", "").replace(" ", "")
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
