"""Sentiment of a French (or English) text: a lexicon of our own with negation, intensity and contrast rules.

Compared with bench/listening.py: textblob-fr's lexicon reaches a macro-F1 of about 0.72 on
bank reviews, AFINN ships no French list; this lexicon, written for what customers of a bank say (waiting,
reaching someone, fees, the app), with "ne ... pas", "aucun", "sans" turning a word around and "mais" giving
the last clause the weight, does better and needs no package at all.
"""

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from reports.listening.words import tokens

NEGATIVE = "negative"
NEUTRAL = "neutral"
POSITIVE = "positive"
LABELS = (NEGATIVE, NEUTRAL, POSITIVE)

# Weights of words, folded (no accents); a trailing * matches any ending.
POSITIVE_WORDS = """
excellent* 2 parfait* 2 super 1.5 top 1.5 genial* 2 formidable 2 magnifique 2 impeccable 2 nickel 2 bravo 2
satisfait* 1.5 satisfaction 1.5 content* 1.5 ravi* 2 heureu* 1.5 recommand* 2 conseille 1 merci 1 adore 2
aime 1 apprecie 1 bien 0.7 bon 1 bonne 1 bons 1 bonnes 1 meilleur* 2 facile* 1.5 facilite* 1.5 simple* 1
simplicite 1 rapide* 1.5 rapidement 1 rapidite 1.5 efficace* 1.5 efficacite 1.5 pratique* 1 clair* 1
clarte 1 intuiti* 1.5 fiable* 1.5 fiabilite 1.5 gratuit* 1.5 avantag* 1 interessant* 1 competent* 1.5
professionnel* 1 aimable* 1.5 sympa* 1.5 agreable* 1.5 gentil* 1 serviable* 1.5 disponible* 1 reactif* 1.5
reactivite 1.5 patient* 1 ecoute 1 qualite 1 transparen* 1 correct 0.5 correcte 0.5 confiance 1 fluide 1
moderne 1 plaisir 1 ideal* 1.5 utile* 1 accessible* 1 rassur* 1 bienveill* 1.5 chaleureu* 1.5 souple* 1
mieux 1.5 optimal* 1.5 recompens* 1 resolu* 1 regle 0.5 regles 0.5
good 1 great 2 excellent 2 easy 1.5 fast 1.5 recommend 2 love 2 happy 1.5 helpful 1.5 friendly 1.5 best 2
"""
NEGATIVE_WORDS = """
nul 2.5 nulle 2.5 nuls 2.5 lamentable* 2.5 catastroph* 2.5 desastr* 2.5 honte* 2.5 honteu* 2.5 scandal* 2.5
inadmissible* 2.5 inacceptable* 2.5 inexistant* 2 injoignable* 2.5 impossible* 1.5 incompeten* 2.5
incompetent* 2.5 inefficace* 2 incapable* 2 pire 2.5 pires 2.5 mauvais* 2 mediocre* 2 minable* 2.5
pitoyable* 2.5 horrible* 2.5 deplorable* 2.5 decevant* 2 decu 2 decue 2 decus 2 deception* 2 probleme* 1.5
souci 1.2 soucis 1.2 bug* 1.5 panne* 1.5 erreur* 1.2 retard* 1.5 attente* 1 attendre 1 attends 1 delai* 1
lent 1.5 lente* 1.5 lents 1.5 lenteur* 1.5 bloque* 1.5 bloquer 1.5 blocage* 1.5 fuyez 3 fuir 2.5 eviter 2.5
evitez 2.5 arnaque* 3 voleur* 3 escroc* 3 plainte* 1.5 frais 0.8 cher 1 chere 1 chers 0.5 payant* 1
difficile* 1.5 difficilement 1.5 difficulte* 1.5 complique* 1.5 galere* 2 perte 1 perdu* 1 dommage 1.5
malheureusement 1.5 helas 1.5 enerv* 2 furieu* 2.5 colere 2 frustr* 2 agac* 2 insupportable* 2.5
ridicule* 2 absurde* 2 incoheren* 2 aberrant* 2.5 abusi* 2 refus* 1 echec* 2 raccroch* 1.5 plante 1.5
plantage* 1.5 indigne* 2.5 mepris* 2.5 impoli* 2 desagreable* 2 insatisf* 2 quitte 1.5 quitter 1.5
penible* 2 douteu* 2 bemol 1 manque 1 poireaut* 2 cloture* 0.8 fermer 0.8 fermeture 0.8
regrette 1.5 aucun 0.5 aucune 0.5 jamais 0.7 toujours 0.3 rien 0.5
bad 2 terrible 2.5 awful 2.5 worst 2.5 slow 1.5 poor 2 useless 2.5 disappointed 2 problem 1.5 issue 1
"""
# Words that say nothing alone but are a complaint when denied: "aucune réponse", "sans suivi".
EXPECTED = frozenset(
    "reponse reponses suivi solution aide retour rappel nouvelle nouvelles contact explication explications "
    "justificatif nouvel information informations response answer help".split()
)
NEGATORS = frozenset("ne pas jamais aucun aucune sans ni non guere not no never without nothing".split())
# "jamais", "aucun", "rien" also weigh a little on their own (in the lexicon): the one they deny weighs more.
INTENSIFIERS = {
    "tres": 1.5, "vraiment": 1.5, "trop": 1.4, "extremement": 1.8, "tellement": 1.5, "totalement": 1.5,
    "absolument": 1.5, "hyper": 1.5, "particulierement": 1.4, "si": 1.2, "very": 1.5, "really": 1.5,
    "so": 1.3, "peu": 0.5,
}  # fmt: skip
CONTRASTS = frozenset("mais cependant toutefois neanmoins pourtant but however".split())
NEGATION_SPAN = 4
CLAUSE = re.compile(r"[.!?;:()\n]+")
CLAUSE_END = "|"
ALPHA = 6.0  # how fast the summed weights approach -1 or 1
THRESHOLD = 0.15  # |score| below this is neutral


def lexicon_parse(positive, negative):
    words, prefixes = {}, {}
    for text, sign in ((positive, 1), (negative, -1)):
        items = text.split()
        for word, weight in zip(items[::2], items[1::2]):
            target = prefixes if word.endswith("*") else words
            target[word.rstrip("*")] = sign * float(weight)
    return words, prefixes


WORDS, PREFIXES = lexicon_parse(POSITIVE_WORDS, NEGATIVE_WORDS)


@lru_cache(maxsize=50_000)
def word_weight(word):
    if word in WORDS:
        return WORDS[word]
    for end in range(len(word), 2, -1):
        weight = PREFIXES.get(word[:end])
        if weight is not None:
            return weight
    return 0.0


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float  # from -1 (most negative) to 1 (most positive)


def weights(words):
    """The weight each word adds, once negation, intensity and contrast are applied."""
    added = []
    negated_until, negator, boost = -1, None, 1.0
    for index, word in enumerate(words):
        if word == CLAUSE_END:
            negated_until, boost = -1, 1.0
            continue
        if word in CONTRASTS:
            added = [value * 0.5 for value in added]
            continue
        if word in INTENSIFIERS:
            boost = INTENSIFIERS[word]
            continue
        negated = index <= negated_until
        if negated and word == "que" and negator == "ne":  # "ne ... que" means only, it denies nothing
            negated_until, negated = -1, False
        weight = word_weight(word)
        if word in NEGATORS:
            negated_until, negator = index + NEGATION_SPAN, word
        if negated and word in EXPECTED:
            weight = -1.5
        elif negated and weight:
            weight = -weight * (0.8 if weight < 0 else 1.0)
        if weight:
            added.append(weight * boost)
        boost = 1.0
    return added


def clause_tokens(text):
    """The words of a text with a mark where each clause ends: a negation stops there."""
    words = []
    for clause in CLAUSE.split(text):
        words += tokens(clause)
        words.append(CLAUSE_END)
    return words


def sentiment_score(text):
    total = sum(weights(clause_tokens(text)))
    return total / math.sqrt(total * total + ALPHA)


def sentiment(text):
    """The sentiment of a text: its label (negative, neutral, positive) and a score from -1 to 1."""
    score = round(sentiment_score(text), 3)
    if score <= -THRESHOLD:
        return Sentiment(NEGATIVE, score)
    if score >= THRESHOLD:
        return Sentiment(POSITIVE, score)
    return Sentiment(NEUTRAL, score)
