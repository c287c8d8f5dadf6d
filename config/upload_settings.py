"""Settings of what people upload (ambassador imports, LimeSurvey exports), read by ``config.settings``."""

from config.env import env_int

# Django's bounds on a request: form fields, and the size past which an uploaded file goes to a temporary file.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The API's upsert alone may carry a larger body (api/body_limit.py): 10,000 ambassadors with every column are
# a few MB of JSON, over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) that every other request keeps.
API_UPSERT_MAX_BODY_MB = env_int("API_UPSERT_MAX_BODY_MB", 32)

# Ambassador imports: how many rows are staged and written per batch (one transaction each), how many rejected
# rows are kept in an import report (all are counted, and all go to the file of rejected rows).
IMPORT_BATCH_SIZE = env_int("IMPORT_BATCH_SIZE", 10_000)
IMPORT_MAX_REPORTED_ERRORS = env_int("IMPORT_MAX_REPORTED_ERRORS", 1000)
# How many database connections write an import's batches at once (PostgreSQL, outside a transaction): the writes
# are the database's work, and two keep both cores of a small server busy. 1 writes them in order, on one.
IMPORT_WRITERS = env_int("IMPORT_WRITERS", 2)
# Bounds on an imported file (campaigns/audience/imports/limits.py), each refused with a message naming it: the
# file's size (a CSV is streamed: 256 MB is over a million rows), an XLSX's unzipped content and its shared
# strings (the text cells, which openpyxl holds in memory: a few MB of them cost the worker several times as
# much), columns, cells read, a CSV line's length. With the defaults the worker stays under 250 MB whatever the
# file (bench/hostile_imports.py); past about 100,000 rows, import a CSV rather than a workbook.
IMPORT_MAX_FILE_MB = env_int("IMPORT_MAX_FILE_MB", 256)
IMPORT_MAX_UNZIPPED_MB = env_int("IMPORT_MAX_UNZIPPED_MB", 200)
IMPORT_MAX_SHARED_STRINGS_MB = env_int("IMPORT_MAX_SHARED_STRINGS_MB", 8)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 50)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 20_000_000)
IMPORT_MAX_LINE_KB = env_int("IMPORT_MAX_LINE_KB", 64)
# A LimeSurvey export (.lss): its size and its number of XML elements (each costs memory once parsed).
LIMESURVEY_MAX_FILE_MB = env_int("LIMESURVEY_MAX_FILE_MB", 20)
LIMESURVEY_MAX_ELEMENTS = env_int("LIMESURVEY_MAX_ELEMENTS", 200_000)
