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
NUMBER_COLUMNS = ("price", "created", "ocop_stars", "ocop_expires")
CACHE_POSTINGS = 6_000_000  # numbers kept from segments: about 40 MB with the columns
MAX_VIEW_TERMS = 2_000


def saturated(boost: float) -> float:
    """BM25's term-frequency curve at a field boost: Whoosh indexes a boosted field's words with
    the boost as their frequency, so a title (x4) is worth 1.69 of a word, not 4."""
    return boost * (K1 + 1) / (boost + K1)


class SegmentCache:
    """Arrays read from index segments, kept across index generations.

    Whoosh never changes a segment once written except to mark documents deleted (and the count
    of deleted documents only grows), so an array read for (segment, deletions) stays true until
    the segment is merged away. After a seller's edit only the new, small segment is read."""

    def __init__(self, budget: int = CACHE_POSTINGS):
        self._arrays: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._size = 0
        self._budget = budget

    def get(self, key: tuple, read) -> np.ndarray:
        found = self._arrays.get(key)
        if found is not None:
            self._arrays.move_to_end(key)
            return found
        found = read()
        self._arrays[key] = found
        self._size += len(found)
        while self._size > self._budget and len(self._arrays) > 1:
            _, dropped = self._arrays.popitem(last=False)
            self._size -= len(dropped)
        return found

    def retain(self, segment_ids: set) -> None:
        """Forget the segments a merge has removed."""
        for key in [key for key in self._arrays if key[0] not in segment_ids]:
            self._size -= len(self._arrays.pop(key))


class IndexView:
    """One generation of the index (a searcher) as arrays: built when a query first needs it
    after a commit, from segment arrays that the cache mostly already holds."""

    def __init__(self, searcher, cache: SegmentCache):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.count = self.reader.doc_count()
        self._cache = cache
        self.leaves = []  # (segment reader, first document number, segment id, deletions)
        for leaf, offset in self.reader.leaf_readers():
            segment = leaf.segment()
            if segment is not None:
                self.leaves.append((leaf, offset, segment.segment_id(), segment.deleted_count()))
        cache.retain({segment_id for _, _, segment_id, _ in self.leaves})
        self.live = np.ones(self.size, dtype=bool)
        for leaf, offset, _, deletions in self.leaves:
            if deletions:
                self.live[offset + np.fromiter(leaf.deleted_docs_set, dtype=np.int64)] = False
        self._postings: dict[tuple[str, str], np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._idf: dict[tuple[str, str], float] = {}

    # --- what the index holds ---------------------------------------------------------

    def docs(self, field: str, text: str) -> np.ndarray:
        """Live document numbers holding this term, ascending."""
        key = (field, text)
        found = self._postings.get(key)
        if found is None:
            parts = []
            for leaf, offset, segment_id, deletions in self.leaves:
                part = self._cache.get((segment_id, deletions, "postings", field, text),
                                       lambda leaf=leaf: _read_postings(leaf, field, text))
                parts.append(part + offset if offset else part)
            found = parts[0] if len(parts) == 1 else np.concatenate(parts or [np.empty(0, dtype=np.int32)])
            if len(self._postings) > MAX_VIEW_TERMS:
                self._postings.clear()
            self._postings[key] = found
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
            parts = [self._cache.get((segment_id, 0, "column", name), lambda leaf=leaf: _read_column(leaf, name))
                     for leaf, _, segment_id, _ in self.leaves]
            self._columns[name] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return self._columns[name]

    def ocop_stars_on(self, today: int) -> np.ndarray:
        """OCOP stars as buyers may see them on `today` (YYYYMMDD): 0 where the rating has expired. The index
        keeps an approved claim's stars with its expiry; every filter and facet reads them through here."""
        key = f"ocop_stars@{today}"
        if key not in self._columns:
            self._columns[key] = np.where(self.column("ocop_expires") >= today, self.column("ocop_stars"), 0)
        return self._columns[key]

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

    def facet_counts(self, matched: np.ndarray, column: str | np.ndarray) -> dict[str, int]:
        values = self.column(column) if isinstance(column, str) else column
        values, counts = np.unique(values[matched], return_counts=True)
        return {str(v): int(n) for v, n in zip(values.tolist(), counts.tolist(), strict=True)}


def _read_postings(leaf, field: str, text: str) -> np.ndarray:
    try:
        return np.fromiter(leaf.postings(field, text).all_ids(), dtype=np.int32)
    except TermNotFound:
        return np.empty(0, dtype=np.int32)


def _read_column(leaf, name: str) -> np.ndarray:
    values = leaf.column_reader(name, translate=True)
    if name in ID_COLUMNS:  # stored as text ("96"), compared as numbers
        values = (int(v) if v else 0 for v in values)
    return np.fromiter(values, dtype=np.int64, count=leaf.doc_count_all())
