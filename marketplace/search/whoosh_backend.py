"""The Whoosh backend: the only module that imports whoosh.

Layout under the search folder (DATA_DIR/search):
    CURRENT          name of the live index folder, replaced atomically by a rebuild
    index-<n>/       Whoosh index folders
    WRITER_LOCK      held by the one process writing (draining the queue or rebuilding)
"""

import os
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from html import escape
from itertools import combinations
from pathlib import Path

import whoosh.index
from whoosh import highlight, scoring, sorting
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.query import And, AndMaybe, Every, FuzzyTerm, Or, Prefix, Term
from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import exact_analyzer, exact_words, folded_analyzer, pairs_analyzer, prepare, syllables
from .backend import Hit, SearchBackend, SearchQuery, SearchResult

# Where a word matches says how much it counts: the title most, then what the product is
# (category) and who and where sells it (shop, place), then the description.
BOOSTS = {"title": 4.0, "category": 2.0, "shop": 2.0, "place": 1.5, "description": 0.6}
SCORED_FIELDS = ("title", "category", "shop", "place")
FUZZY_MIN_LENGTH = 5  # one edit on shorter Vietnamese syllables matches too many other words
WIDEN_BELOW = 3  # results of the all-words query under which the search widens
MAX_LOOSE_WORDS = 6  # 20 intersections at most; nobody types more on a phone
# BM25F with little length normalisation on short fields: a longer, more precise title
# ("Tôm khô Đất Mũi loại 1") should not lose to a short one for matching the same words.
WEIGHTING = scoring.BM25F(B=0.75, K1=1.2, title_B=0.2, shop_B=0.2, place_B=0.2, category_B=0.2, pairs_B=0.2)
FACETS = ("top_category", "province", "in_stock", "ocop_stars")


def make_schema() -> Schema:
    folded = folded_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=folded, stored=True, field_boost=BOOSTS["title"]),
        title_exact=TEXT(analyzer=exact_analyzer(), field_boost=1.0),
        shop=TEXT(analyzer=folded, field_boost=BOOSTS["shop"]),
        category=TEXT(analyzer=folded, field_boost=BOOSTS["category"]),
        place=TEXT(analyzer=folded, field_boost=BOOSTS["place"]),
        description=TEXT(analyzer=folded, stored=True, field_boost=BOOSTS["description"]),
        all=TEXT(analyzer=folded, phrase=False),
        # Adjacent title words as one term ("tom_kho"): the words in the order the buyer typed
        # them lift "Tôm khô Đất Mũi" above a title that merely contains "khô" and "tôm".
        pairs=TEXT(analyzer=pairs_analyzer(), phrase=False, field_boost=3.0),
        category_ids=KEYWORD(),
        top_category=ID(sortable=True),
        province=ID(sortable=True),
        price=NUMERIC(int, bits=64, sortable=True),
        created=NUMERIC(int, bits=64, sortable=True),
        in_stock=ID(sortable=True),
        ocop_stars=NUMERIC(int, sortable=True),
    )


def _closest_word(reader, word: str) -> str | None:
    """The indexed word nearest to a typo: fewest edits (a swap of two letters is one), then
    the most common. Short syllables get one edit only: two would reach half the language."""
    maxdist = 2 if len(word) >= 4 else 1
    candidates = []
    for term in reader.terms_within("all", word, maxdist):
        distance = damerau_levenshtein(word, term)
        if distance <= maxdist:
            candidates.append((distance, -reader.doc_frequency("all", term), term))
    return min(candidates)[2] if candidates else None


def _split_glued_words(reader, words: list[str]) -> list[str]:
    """A missed space is a common slip on a phone keyboard: "lucbinh" is "luc binh" when the word
    itself is nowhere in the index and both halves are."""
    result = []
    for word in words:
        if len(word) >= 4 and word.isalpha() and reader.doc_frequency("all", word) == 0:
            for cut in range(1, len(word)):
                left, right = word[:cut], word[cut:]
                if reader.doc_frequency("all", left) and reader.doc_frequency("all", right):
                    result += [left, right]
                    break
            else:
                result.append(word)
        else:
            result.append(word)
    return list(dict.fromkeys(result))


class IndexMissing(Exception):
    pass


class WhooshBackend(SearchBackend):
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._storage = FileStorage(str(self.root))
        self._local = threading.local()  # a searcher per thread; Whoosh searchers are not shared

    # --- the live index -------------------------------------------------------------

    def _current_dir(self) -> Path:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            raise IndexMissing("no index built yet") from None
        path = self.root / name
        if not name or not path.is_dir():
            raise IndexMissing(f"index folder {name!r} is missing")
        return path

    def _index(self):
        current = self._current_dir()
        local = self._local
        if getattr(local, "path", None) != current:
            self._close_local()
            try:
                local.index = whoosh.index.open_dir(str(current))
            except Exception as error:  # EmptyIndexError, a damaged TOC, missing segment files
                raise IndexMissing(f"index at {current} cannot be opened: {error}") from error
            local.path = current
        return local.index

    def _searcher(self):
        index = self._index()
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and searcher.up_to_date():
            return searcher
        # A new searcher when any process committed. Not refresh(): it reuses segment readers
        # and then keeps showing documents deleted since (seen with Whoosh-Reloaded 2.7.5).
        if searcher is not None:
            searcher.close()
        self._local.searcher = index.searcher(weighting=WEIGHTING)
        self._local.filter_cache = {}
        return self._local.searcher

    def _close_local(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
        self._local.searcher = None
        self._local.path = None

    def is_healthy(self) -> bool:
        try:
            self._index().doc_count()  # reads the table of contents from disk
        except Exception:  # noqa: BLE001  (missing, truncated or foreign files: all mean "rebuild")
            self._close_local()
            return False
        return True

    # --- writing ----------------------------------------------------------------------

    @contextmanager
    def lock(self, blocking: bool = False, timeout: float = 60.0):
        self.root.mkdir(parents=True, exist_ok=True)  # the whole folder may have been deleted
        lock = self._storage.lock("WRITER_LOCK")
        got = lock.acquire(blocking=False)
        deadline = time.monotonic() + timeout
        while not got and blocking and time.monotonic() < deadline:
            time.sleep(0.05)
            got = lock.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                lock.release()

    def apply(self, documents: Iterable[dict], removed_ids: Iterable[int]) -> None:
        """Caller holds lock(). One Whoosh commit for the whole batch."""
        writer = self._index().writer(timeout=5.0)
        try:
            for document in documents:
                writer.update_document(**document)
            for product_id in removed_ids:
                writer.delete_by_term("id", str(product_id))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, documents: Iterable[dict]) -> int:
        """Caller holds lock(). Builds beside the live index, then swaps CURRENT in one rename."""
        name = f"index-{time.time_ns()}"
        path = self.root / name
        path.mkdir()
        index = whoosh.index.create_in(str(path), make_schema())
        writer = index.writer(limitmb=128)
        count = 0
        for document in documents:
            writer.add_document(**document)
            count += 1
        writer.commit(optimize=True)
        pointer = self.root / "CURRENT.tmp"
        pointer.write_text(name)
        os.replace(pointer, self.root / "CURRENT")
        self._drop_old_indexes(keep=name)
        return count

    def _drop_old_indexes(self, keep: str) -> None:
        # Readers in other processes may still have old files open; on POSIX they keep
        # reading them until they refresh, so removing the folder is safe.
        for old in self.root.glob("index-*"):
            if old.name != keep and old.is_dir():
                for file in old.iterdir():
                    file.unlink(missing_ok=True)
                old.rmdir()

    # --- reading ------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        searcher = self._searcher()
        sortedby, reverse = {
            "price_asc": ("price", False), "price_desc": ("price", True), "newest": ("created", True),
        }.get(query.sort, (None, False))
        facets = sorting.Facets()
        for name in FACETS:
            facets.add_field(name, maptype=sorting.Count)

        allowed = self._filter(searcher, query)

        def run(text_query):
            return searcher.search_page(text_query, query.page, pagelen=query.per_page, filter=allowed,
                                        sortedby=sortedby, reverse=reverse, groupedby=facets)

        # Every word first: an intersection, cheap even on a large index. Only when that finds
        # (almost) nothing, widen to "most words, one-letter typos allowed", ranked by how many match.
        strict, loose = self._text_queries(query.text, searcher.reader())
        page = run(strict)
        if loose is not None and page.total < WIDEN_BELOW:
            page = run(loose)
        hits = [self._hit(hit, page.results) for hit in page]
        counts = {name: {str(k): v for k, v in page.results.groups(name).items() if k is not None}
                  for name in FACETS}
        # Offered when a word typed is in no document at all: a typo the other words hid.
        suggestion = self._did_you_mean(searcher, query.text) if query.text else None
        return SearchResult(total=page.total, hits=hits, facets=counts, suggestion=suggestion)

    def _text_queries(self, text: str, reader=None) -> tuple:
        """(all words must match, most words may match) for this text; the second is None when the
        first already says everything (no words)."""
        words = syllables(text)
        if reader is not None:
            words = _split_glued_words(reader, words)
        if not words:
            return Every(), None
        # Vietnamese puts the thing first and what qualifies it after ("tôm khô | Cà Mau"):
        # the first words typed weigh a little more.
        weights = [max(0.6, 1.0 - 0.1 * position) for position in range(len(words))]
        # Where the words are, beyond merely present: title first, then category, shop, place;
        # the diacritics typed ("má" over "mà"); the words side by side in the order typed.
        bonus = [Term(field, word, boost=weight) for word, weight in zip(words, weights, strict=True)
                 for field in SCORED_FIELDS]
        bonus += [Term("title_exact", word, boost=0.8) for word in set(exact_words(text))]
        bonus += [Term("pairs", f"{a}_{b}") for a, b in zip(words, words[1:], strict=False)]

        # Strict: every word in the product's own text (title, category, shop, place). One
        # posting list per word, intersected: fast however large the catalogue.
        required = [Term("all", word, boost=weight) for word, weight in zip(words, weights, strict=True)]
        strict = AndMaybe(And(required) if len(required) > 1 else required[0], Or(bonus))

        # Loose: half the words or more, one-letter typos allowed on longer unknown words,
        # ranked by how many of the words match.
        per_word = []
        for word, weight in zip(words, weights, strict=True):
            options = [Term("all", word)]
            # Typos only where a word is unknown (expanding a known word costs a lexicon scan for
            # nothing), and not in codes: "st25" and "500g" are typed exactly.
            unknown = reader is not None and reader.doc_frequency("all", word) == 0
            if unknown and len(word) >= FUZZY_MIN_LENGTH and word.isalpha():
                options.append(FuzzyTerm("all", word, boost=0.5, maxdist=1, prefixlength=1))
            per_word.append(Or(options, boost=weight))
        # "Half of the words" as an Or of intersections, one per choice of half the words (Whoosh's
        # own minmatch is ignored by its default Or matcher). A product matching more words
        # satisfies more of them, so it scores higher: the ranking by coverage comes with it.
        per_word = per_word[:MAX_LOOSE_WORDS]
        need = (len(per_word) + 1) // 2
        loose = Or([And(list(group)) if need > 1 else group[0] for group in combinations(per_word, need)])
        # The description only adds to the score: its common words ("số", "bằng") are in nearly every
        # description and would let any product count as matching half of a query.
        described = [Term("description", word, boost=BOOSTS["description"]) for word in words]
        return strict, AndMaybe(loose, Or(bonus + described))

    def _filter(self, searcher, query: SearchQuery) -> set | None:
        """The documents the filters allow, as a set: each filter's set is kept until the index
        changes, since buyers reuse the same few (province, category, in stock)."""
        cache = self._local.filter_cache
        parts = []
        for field, value in (("category_ids", query.category_id), ("province", query.province_code),
                             ("in_stock", "1" if query.in_stock else None)):
            if value:
                key = (field, str(value))
                if key not in cache:
                    cache[key] = set(searcher.docs_for_query(Term(field, str(value))))
                parts.append(cache[key])
        for field, low, high in (("price", query.min_price, query.max_price), ("ocop_stars", query.ocop_stars, None)):
            if low is not None or high is not None:
                values = self._column(searcher, field)
                low, high = low if low is not None else -1, high if high is not None else float("inf")
                parts.append({docnum for docnum, value in enumerate(values) if low <= value <= high})
        if not parts:
            return None
        parts.sort(key=len)
        return parts[0].intersection(*parts[1:])

    def _column(self, searcher, field: str) -> list[int]:
        cache = self._local.filter_cache
        if ("column", field) not in cache:
            cache[("column", field)] = list(searcher.reader().column_reader(field))
        return cache[("column", field)]

    @staticmethod
    def _hit(hit, results) -> Hit:
        results.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        results.fragmenter = highlight.WholeFragmenter()
        title = hit.highlights("title", top=1) or escape(hit["title"])
        results.fragmenter = highlight.ContextFragmenter(maxchars=160, surround=50)
        snippet = hit.highlights("description", top=2) or None
        return Hit(product_id=int(hit["id"]), score=hit.score or 0.0, title_html=title, snippet_html=snippet)

    @staticmethod
    def _did_you_mean(searcher, text: str) -> str | None:
        reader = searcher.reader()
        words, changed = [], False
        for word in syllables(text):
            if reader.doc_frequency("all", word) == 0:
                correction = _closest_word(reader, word)
                if correction:
                    word, changed = correction, True
            words.append(word)
        return " ".join(words) if changed else None

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        words = syllables(prefix)
        if not words:
            return []
        complete = prepare(prefix)[-1:].isspace()
        parts = [Term("all", w) for w in (words if complete else words[:-1])]
        if not complete:
            parts.append(Prefix("all", words[-1]))
        searcher = self._searcher()
        titles: list[str] = []
        for hit in searcher.search(And(parts) if len(parts) > 1 else parts[0], limit=limit * 3):
            if hit["title"] not in titles:
                titles.append(hit["title"])
            if len(titles) == limit:
                break
        return titles
