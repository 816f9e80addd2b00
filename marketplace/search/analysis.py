"""Vietnamese text analysis for the index.

Two views of the same words: *folded* (lower-case, diacritics removed, đ -> d), which is
what matches a buyer typing "mat ong u minh", and *exact* (lower-case, diacritics kept),
which lets "má" rank above "mà" and "ma" when the buyer did type the marks.
Everything is NFC-normalised first: decomposed marks would split a syllable in two.
"""

import unicodedata
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

from ..utils import fold

WORD = r"\w+(?:[.,]\d+)*"  # syllables, and numbers such as 1.5 or 500


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    return fold(word)  # a language has few words: each is folded once, then looked up


class FoldFilter(Filter):
    """Diacritics off, đ -> d: the form of a word typed on a keyboard without Telex."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = _fold_word(token.text)
            yield token


# Text reaches the tokenizer already NFC (see prepare), so a syllable is one token.
def folded_analyzer():
    return RegexTokenizer(WORD) | LowercaseFilter() | FoldFilter()


def exact_analyzer():
    return RegexTokenizer(WORD) | LowercaseFilter()


def pairs_analyzer():
    """For text already made of word pairs by word_pairs()."""
    return RegexTokenizer(r"\S+")


def prepare(text: str | None) -> str:
    """What is indexed and what is queried both go through here first."""
    return unicodedata.normalize("NFC", text or "")


def folded_words(text: str) -> list[str]:
    return [token.text for token in folded_analyzer()(prepare(text))]


def syllables(text: str) -> list[str]:
    """The folded words of a query, in order, each once."""
    return list(dict.fromkeys(folded_words(text)))


def word_pairs(*phrases: str) -> list[str]:
    """Adjacent words joined ("tom_kho"), never across two phrases."""
    pairs = []
    for phrase in phrases:
        words = folded_words(phrase)
        pairs += [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    return pairs


def exact_words(text: str) -> list[str]:
    """The words typed with their diacritics (those that have any)."""
    return [t.text for t in exact_analyzer()(prepare(text)) if fold(t.text) != t.text]
