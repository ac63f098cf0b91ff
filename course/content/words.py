"""Words of a text, as the predictable-key checks compare them: lower case, no punctuation,
no stop words, no short words, plurals folded ("cities" and "city" are one word)."""

from __future__ import annotations

import re

#: Words shorter than this carry no meaning of their own for the checks.
MIN_LENGTH = 4

_ENGLISH = """about above after again against also although among another around away back
        because been before being below between both cannot could does doing done down
        during each either else even ever every first from further have having here hers
        herself himself however into itself just least less like made make many might more
        most much must myself neither never next none once only onto other others otherwise
        ours ourselves over perhaps rather really same several shall should since some still
        such than that their theirs them themselves then there therefore these they this
        those though through thus under until upon very were what whatever when where
        whether which while whom whose will with within without would your yours yourself
        yourselves"""
_FRENCH = """afin ainsi alors après assez aucun aucune aussi autre autres avant avec avoir
        avaient avait bien cela celle celles celui cependant certaines certains cette ceux
        chaque chez comme comment dans déjà donc dont elle elles encore entre étaient était
        être fait faire font hors jamais leur leurs lors lorsque mais même mêmes moins notre
        nous parce parmi peut peuvent plus plusieurs pour pourquoi puis puisque quand quel
        quelle quelles quels quoi sans selon sera seront serait sinon soit sont sous tandis
        tant telle telles tels toujours tous tout toute toutes très vers voici voilà votre
        vous"""
#: Words that say nothing about an answer, per language (only words of MIN_LENGTH or more).
STOP_WORDS = {"en": frozenset(_ENGLISH.split()), "fr": frozenset(_FRENCH.split())}
_ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())
_APOSTROPHES = str.maketrans({"’": " ", "'": " ", "‘": " "})
_WORD = re.compile(r"[\w·-]+")
_SPACE_OR_PUNCTUATION = re.compile(r"[\W_]+")


def fold(word: str) -> str:
    """One form for a word and its plural: ``cities`` -> ``city``, ``femmes`` -> ``femme``."""
    if len(word) > MIN_LENGTH and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > MIN_LENGTH and word[-1] in "sx":
        return word[:-1]
    return word


def content_words(text: str) -> set[str]:
    """The folded words of ``text`` that can give an answer away (see the module docstring).

    The stop words of every language are left out, since a French text quotes English ones.
    """
    found = set()
    for raw in _WORD.findall(text.casefold().translate(_APOSTROPHES)):
        word = raw.strip("-·")
        if len(word) >= MIN_LENGTH and word not in _ALL_STOP_WORDS:
            found.add(fold(word))
    return found


def normalized(text: str) -> str:
    """``text`` in lower case with punctuation and runs of spaces made single spaces."""
    return " ".join(_SPACE_OR_PUNCTUATION.sub(" ", text.casefold()).split())
