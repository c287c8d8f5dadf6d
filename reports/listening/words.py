"""Shared word handling: lower case, accents folded, words split; French elision (l', d', qu') removed."""

import re
import unicodedata

WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)


def fold(text):
    """Lower case without accents: 'Délai' -> 'delai'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text):
    """The words of a text, folded, elisions split off ("n'est" -> "ne", "est")."""
    text = ELISION.sub(lambda m: m.group(0)[:-1] + "e ", text)
    return WORD.findall(fold(text))
