"""Personal data removed from a free text before anyone sees it: emails, phone numbers (French, Belgian and
international formats), IBANs, card numbers and the names the ambassador gave.

Each is replaced by a bracketed placeholder, so a reader still sees that something was there.
"""

import re
import unicodedata

EMAIL_MARK = "[courriel]"
PHONE_MARK = "[téléphone]"
IBAN_MARK = "[IBAN]"
CARD_MARK = "[carte]"
NAME_MARK = "[nom]"

EMAIL = re.compile(r"[\w.+-]+(?:@|\s*\[at\]\s*|\s*\(at\)\s*)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# Two letters, two check digits, then groups of four capitals or digits (spaced or not), maybe a shorter last one.
IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?\b")
# 13 to 19 digits, in groups or not: a card number, or one mistyped, or an account number; all go.
CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
# +33 6 12 34 56 78, 0033 (0)6..., 06 12 34 56 78, 06.12.34.56.78, 0612345678, +32 470 12 34 56...
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?\d{2,3}[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d){7,10}|0\d(?:[\s.-]?\d){7,8})(?!\w)"
)


def fold(text):
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def name_pattern(names):
    """A pattern matching each given name as a whole word, in any case, with or without accents."""
    parts = []
    for name in names:
        for word in re.split(r"[\s]+", (name or "").strip()):
            if len(word) >= 2:
                parts.append(re.escape(fold(word)))
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(set(parts), key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)


def names_replace(text, names):
    pattern = name_pattern(names)
    if pattern is None:
        return text
    folded = fold(text)
    if len(folded) != len(text):  # a character that folds into several: match on the text as it is
        return pattern.sub(NAME_MARK, text)
    pieces, last = [], 0
    for match in pattern.finditer(folded):
        pieces += [text[last : match.start()], NAME_MARK]
        last = match.end()
    return "".join(pieces) + text[last:]


def scrub(text, names=()):
    """The text with its emails, IBANs, card numbers, phone numbers and the given names replaced."""
    text = EMAIL.sub(EMAIL_MARK, text or "")
    text = IBAN.sub(lambda m: IBAN_MARK if any(c.isdigit() for c in m.group(0)[4:]) else m.group(0), text)
    text = CARD.sub(CARD_MARK, text)
    text = PHONE.sub(PHONE_MARK, text)
    return names_replace(text, names)
