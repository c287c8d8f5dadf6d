"""Themes: groups of texts about the same thing, each named by its key terms.

With scikit-learn (requirements.txt): TF-IDF over the texts' words, then NMF into a few topics; a text goes to
its strongest topic. Without it: each text goes to the most common key term it contains. Both fit on a sample
and then place any number of texts, so a caller can stream.
"""

import warnings
from collections import Counter

from reports.listening.words import tokens

STOP_WORDS = frozenset(
    """
    le la les un une des du de d l et est suis es sommes etes sont ete etait pas ne n je j vous nous il elle ils
    elles on que qu qui
    quoi pour par avec sans dans sur sous au aux ce c cette ces cet mon ma mes ton ta tes son sa ses notre nos
    votre vos leur leurs tres tout tous toute toutes plus moins mais ou donc car ni avoir etre fait faire ai as
    avez avons ont a y en se s m me te t lui eux si deja encore aussi bien meme comme alors apres avant depuis
    quand chez entre vers jamais rien aucun aucune toujours peu trop fois ans an jour jours mois semaine
    semaines cela ca ceci celle celui ici la-bas fais faut peut etc via vraiment chaque autre autres
    the a an and is are was were be been not no i you we he she they it that this these those my your his her
    their of to from in on at for with without very all more but or so have has had do does did just
    """.split()
)
UNASSIGNED = ""


def key_terms(text):
    """The words that can name a theme: no stop words, no figures, plurals folded."""
    terms = []
    for word in tokens(text):
        if len(word) < 3 or word in STOP_WORDS or word.isdigit():
            continue
        plural = len(word) > 4 and word.endswith("s") and not word.endswith(("ais", "ois", "ss"))
        terms.append(word[:-1] if plural else word)
    return terms


class TopicThemes:
    """TF-IDF + NMF (scikit-learn)."""

    def __init__(self, texts, count):
        from sklearn.decomposition import NMF
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(analyzer=key_terms, min_df=2, max_df=0.6, sublinear_tf=True)
        matrix = self.vectorizer.fit_transform(texts)
        count = max(1, min(count, matrix.shape[1] - 1, matrix.shape[0] - 1))
        self.model = NMF(n_components=count, init="nndsvd", random_state=0, max_iter=1000)
        with warnings.catch_warnings():  # a few texts: the topics are good enough before it converges
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(matrix)
        vocabulary = self.vectorizer.get_feature_names_out()
        self.names = [
            " / ".join(vocabulary[index] for index in component.argsort()[::-1][:3])
            for component in self.model.components_
        ]

    def assign(self, texts):
        weights = self.model.transform(self.vectorizer.transform(texts))
        return [self.names[row.argmax()] if row.max() > 0 else UNASSIGNED for row in weights]


class TermThemes:
    """Without scikit-learn: the most common key terms are the themes; a text goes to the commonest it has."""

    def __init__(self, texts, count):
        frequency = Counter()
        for text in texts:
            frequency.update(set(key_terms(text)))
        common = [term for term, seen in frequency.most_common(count) if seen >= 2]
        self.rank = {term: position for position, term in enumerate(common)}
        self.names = common

    def assign(self, texts):
        themes = []
        for text in texts:
            found = [self.rank[term] for term in key_terms(text) if term in self.rank]
            themes.append(self.names[min(found)] if found else UNASSIGNED)
        return themes


def theme_count(texts_count):
    """About the square root of half the number of texts, from 2 to 12 (17 texts: 3, 226: 11)."""
    return max(2, min(12, round((texts_count / 2) ** 0.5)))


def themes_fit(texts, count=None):
    """A theme model fitted on these texts (a sample will do); .assign(texts) names each text's theme."""
    texts = list(texts)
    count = count or theme_count(len(texts))
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return TermThemes(texts, count)
    if len({term for text in texts for term in key_terms(text)}) < 3:
        return TermThemes(texts, count)
    try:
        return TopicThemes(texts, count)
    except ValueError:  # too few words left once the rare and the ubiquitous are dropped
        return TermThemes(texts, count)
