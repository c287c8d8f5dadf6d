"""Column mapping, for files whose headers differ from ours: each column of the file mapped to a field (or left
out), chosen by the person importing (the admin's mapping step, ``import_ambassadors --map 'Courriel=email'``),
with suggestions from the known spellings of each field (``rows.COLUMNS``) and, failing those, from a header that
contains one of them ("E-mail client" -> email)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.audience.imports.files import ImportFileError, column_letter, normalise, read_table
from campaigns.audience.imports.limits import capped
from campaigns.audience.imports.rows import COLUMNS, IGNORED, map_columns

# Each field an import reads, as the mapping step names it.
FIELDS = {
    "email": gettext_lazy("Adresse e-mail (obligatoire)"),
    "external_id": gettext_lazy("Identifiant externe (CRM)"),
    "first_name": gettext_lazy("Prénom"),
    "last_name": gettext_lazy("Nom"),
    "locale": gettext_lazy("Langue"),
    "region": gettext_lazy("Région"),
    "age_band": gettext_lazy("Tranche d'âge"),
    "customer_since": gettext_lazy("Client depuis"),
    "products": gettext_lazy("Produits"),
    "tags": gettext_lazy("Étiquettes"),
    "consent": gettext_lazy("Consentement"),
}
SKIP = ""  # a column left out of the import
MIN_CONTAINED = 4  # a spelling shorter than this is not looked for inside a longer header ("nom" in "nombre")


def suggestion(cell):
    """The field a header most likely names, or SKIP."""
    name = normalise("" if cell is None else cell)
    if not name or name in IGNORED:
        return SKIP
    for field, aliases in COLUMNS.items():
        if name in aliases:
            return field
    words = f"_{name}_"
    for field, aliases in COLUMNS.items():
        if any(len(alias) >= MIN_CONTAINED and f"_{alias}_" in words for alias in aliases):
            return field
    return SKIP


def suggestions(header):
    """[(column letter, header text, suggested field)] of a file's header, a field suggested once at most."""
    taken, found = set(), []
    for index, cell in enumerate(header):
        field = suggestion(cell)
        if field in taken:
            field = SKIP
        taken.add(field)
        found.append((column_letter(index), "" if cell is None else str(cell).strip(), field))
    return found


def file_header(path, name):
    """The header cells of a file (ImportFileError if it cannot be read)."""
    header, rows = read_table(path, name=name)
    close = getattr(rows, "close", None)
    if close:
        close()
    return header


def parse_map(pairs):
    """{file column (header text or letter): field or SKIP} from 'Courriel=email' pairs (``--map``); ImportFileError
    naming a pair that is not of that shape or a field that does not exist."""
    chosen = {}
    for pair in pairs or ():
        column, equals, field = pair.partition("=")
        field = field.strip()
        if not equals or not column.strip() or (field and field not in FIELDS):
            raise ImportFileError(
                _(
                    "Correspondance « %(pair)s » incomprise : écrivez « Colonne du fichier=champ », champ parmi "
                    "%(fields)s."
                )
                % {"pair": capped(pair, 80), "fields": ", ".join(FIELDS)}
            )
        chosen[column.strip()] = field
    return chosen


def chosen_columns(header, chosen, file_name):
    """{column index: field or SKIP} of ``chosen`` ({header text or column letter: field}, from ``parse_map`` or
    the mapping step) for this file's ``header``; ImportFileError naming a column the file does not have."""
    by_name = {normalise(cell): index for index, cell in reversed(list(enumerate(header))) if cell is not None}
    by_letter = {column_letter(index): index for index in range(len(header))}
    found = {}
    for column, field in (chosen or {}).items():
        key = column.strip()
        index = by_letter.get(key) if key.isupper() else None  # "B": the second column, whatever its header
        if index is None:
            index = by_name.get(normalise(key))
        if index is None:
            raise ImportFileError(
                _("Le fichier %(name)s n'a pas de colonne « %(column)s » (correspondance choisie).")
                % {"name": file_name, "column": capped(column, 40)}
            )
        found[index] = field
    return found


def mapping_needed(path, name):
    """Whether the file's headers are not all ours (unknown, repeated or no email column): the mapping step is
    then shown. A file that cannot be read needs none: its import says what is wrong with it."""
    try:
        header = file_header(path, name)
    except ImportFileError:
        return False
    try:
        map_columns(header, name)
    except ImportFileError:
        return True
    return False
