"""Matching, filtering, facets and ranking over the Whoosh index, as numpy arrays.

Whoosh is pure Python: its matchers step through posting lists one document at a time, so a
query with a common syllable ("ca", "tom") costs tens of milliseconds per 10,000 products, and
facet counting scores every match. Here Whoosh stays the store (lexicon, posting lists,
columns, stored fields) and each posting list a query needs is read once per index generation
into an array of document numbers; a query is then a few vectorised operations:

- matching: boolean masks, one per word (all words, or "half of them" counted per document);
- filters and facets: masks and counts over the numeric columns;
- ranking: BM25-style term scores added into one score vector, then a partial sort.

Scoring follows what Whoosh's BM25F gives a short field with each word once: a word scores its
inverse document frequency times a saturated field boost, summed over the fields it is in.
"""

import math
from collections import OrderedDict

import numpy as np
from whoosh.reading import TermNotFound

K1 = 1.2
ID_COLUMNS = ("province", "top_category", "in_stock")
NUMBER_COLUMNS = ("price", "created", "ocop_stars")
CACHE_POSTINGS = 4_000_000  # document numbers kept per generation: 16 MB of int32


def saturated(boost: float) -> float:
    """BM25's term-frequency curve at a field boost: Whoosh indexes a boosted field's words with
    the boost as their frequency, so a title (x4) is worth 1.69 of a word, not 4."""
    return boost * (K1 + 1) / (boost + K1)


class IndexView:
    """One generation of the index (a searcher) as arrays. Built lazily and thrown away when any
    process commits; posting lists are read as queries ask for them and kept up to a budget."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.count = self.reader.doc_count()
        self.live = np.ones(self.size, dtype=bool)
        if self.reader.has_deletions():
            self.live[:] = False
            self.live[np.fromiter(self.reader.all_doc_ids(), dtype=np.int64)] = True
        self._postings: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._cached = 0
        self._columns: dict[str, np.ndarray] = {}
        self._idf: dict[tuple[str, str], float] = {}

    # --- what the index holds ---------------------------------------------------------

    def docs(self, field: str, text: str) -> np.ndarray:
        """Live document numbers holding this term, ascending."""
        key = (field, text)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        try:
            found = np.fromiter(self.reader.postings(field, text).all_ids(), dtype=np.int32)
        except TermNotFound:
            found = np.empty(0, dtype=np.int32)
        self._postings[key] = found
        self._cached += len(found)
        while self._cached > CACHE_POSTINGS and len(self._postings) > 1:
            _, dropped = self._postings.popitem(last=False)
            self._cached -= len(dropped)
        return found

    def mask(self, field: str, text: str) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.docs(field, text)] = True
        return mask

    def idf(self, field: str, text: str) -> float:
        """Whoosh's: rare words say more about what the buyer wants."""
        key = (field, text)
        if key not in self._idf:
            self._idf[key] = math.log(self.count / (self.reader.doc_frequency(field, text) + 1)) + 1
        return self._idf[key]

    def column(self, name: str) -> np.ndarray:
        if name not in self._columns:
            if not self.size:  # an empty index has no columns at all
                return np.zeros(0, dtype=np.int64)
            values = self.reader.column_reader(name, translate=True)
            if name in ID_COLUMNS:  # stored as text ("96"), compared as numbers
                values = (int(v) if v else 0 for v in values)
            self._columns[name] = np.fromiter(values, dtype=np.int64, count=self.size)
        return self._columns[name]

    def frequency(self, field: str, text: str) -> int:
        return self.reader.doc_frequency(field, text)

    # --- queries --------------------------------------------------------------------------

    def add_score(self, scores: np.ndarray, field: str, text: str, weight: float) -> None:
        docs = self.docs(field, text)
        if len(docs):
            scores[docs] += weight * self.idf(field, text)

    def top(self, matched: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
        """The best `count` matched documents, highest score first, ties by index order."""
        candidates = np.flatnonzero(matched)
        values = scores[candidates]
        if len(candidates) > count:
            keep = np.argpartition(-values, count - 1)[:count]
            candidates, values = candidates[keep], values[keep]
        return candidates[np.lexsort((candidates, -values))]

    def sort_by(self, matched: np.ndarray, column: str, descending: bool, count: int) -> np.ndarray:
        candidates = np.flatnonzero(matched)
        values = self.column(column)[candidates]
        # Descending ties go to the document indexed last, as a reversed sort would (same second).
        order = np.lexsort((-candidates, -values) if descending else (candidates, values))
        return candidates[order[:count]]

    def facet_counts(self, matched: np.ndarray, column: str) -> dict[str, int]:
        values, counts = np.unique(self.column(column)[matched], return_counts=True)
        return {str(v): int(n) for v, n in zip(values.tolist(), counts.tolist(), strict=True)}
