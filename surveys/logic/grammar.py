"""The expression language's words and limits (``GRAMMAR``, the functions, the ambassador's attributes) and
its error: ``ExpressionError`` names what is wrong, in French, and where (a 0-based character position)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

GRAMMAR = """
expr    := or
or      := and ("or" and)*
and     := not ("and" not)*
not     := "not" not | compare
compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)? | sum ["not"] "in" "[" literal ("," literal)* "]"
sum     := atom (("+" | "-") atom)*
atom    := NUMBER | STRING | ref | FUNC "(" [expr ("," expr)*] ")" | "(" expr ")" | "true" | "false"
"""

MAX_LENGTH = 10_000
MAX_DEPTH = 40
AMBASSADOR = "ambassador"
# The ambassador's attributes an expression may read (``ambassador.<name>``), with their names in words.
AMBASSADOR_ATTRIBUTES = {
    "first_name": gettext_noop("prénom"),
    "region": gettext_noop("région"),
    "age_band": gettext_noop("tranche d'âge"),
    "language": gettext_noop("langue"),
    "customer_since": gettext_noop("client depuis"),
    "products": gettext_noop("produits"),
    "tags": gettext_noop("étiquettes"),
}
ALIASES = {"prenom": "ambassador.first_name"}
# name -> (fewest arguments, most arguments or None)
FUNCTIONS = {"is_empty": (1, 1), "count": (0, None), "sum": (0, None), "if": (2, 3), "contains": (2, 2)}
KEYWORDS = {"or", "and", "not", "in", "true", "false"}
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")


class ExpressionError(ValueError):
    """What is wrong in an expression (French ``message``) and where (``position``: 0-based character)."""

    def __init__(self, message, position=0):
        super().__init__(message)
        self.message, self.position = message, position

    def __str__(self):
        return _("%(message)s (caractère %(position)s)") % {"message": self.message, "position": self.position + 1}
