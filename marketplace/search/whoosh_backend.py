"""The Whoosh backend: the only module that imports whoosh.

Layout under the search folder (DATA_DIR/search):
    CURRENT          name of the live index folder, replaced atomically by a rebuild
    index-<n>/       Whoosh index folders
    WRITER_LOCK      held by the one process writing (draining the queue or rebuilding)
"""

import math
import os
import secrets
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from html import escape
from itertools import islice
from pathlib import Path

import numpy as np
import whoosh.index
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.support.levenshtein import damerau_levenshtein
from whoosh.util import IDCHARS

from ..utils import vietnam_today
from .analysis import exact_analyzer, exact_words, folded_analyzer, pairs_analyzer, prepare, syllables
from .backend import Hit, SearchBackend, SearchQuery, SearchResult
from .documents import day_number
from .highlight import highlight_title, snippet
from .ranker import IndexView, SegmentCache, saturated

# Where a word matches says how much it counts: the title most, then what the product is
# (category) and who and where sells it (shop, place), then the description.
BOOSTS = {"title": 4.0, "category": 2.0, "shop": 2.0, "place": 1.5, "description": 0.6}
SCORED_FIELDS = ("title", "category", "shop", "place")
FUZZY_MIN_LENGTH = 5  # one edit on shorter Vietnamese syllables matches too many other words
WIDEN_BELOW = 3  # results of the all-words query under which the search widens
PAIRS_BOOST = 3.0
MAX_COMPLETIONS_READ = 500  # terms of the lexicon looked at to complete the last word typed
MAX_COMPLETIONS = 64  # the most common of them are completed
FACETS = ("top_category", "province", "in_stock")  # and ocop_stars, judged on the day (IndexView.ocop_stars_on)


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
        pairs=TEXT(analyzer=pairs_analyzer(), phrase=False, field_boost=PAIRS_BOOST),
        category_ids=KEYWORD(),
        top_category=ID(sortable=True),
        province=ID(sortable=True),
        price=NUMERIC(int, bits=64, sortable=True),
        created=NUMERIC(int, bits=64, sortable=True),
        in_stock=ID(sortable=True),
        ocop_stars=NUMERIC(int, sortable=True),
        ocop_expires=NUMERIC(int, sortable=True),  # YYYYMMDD of an approved claim's expiry, 0 without one
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


def _today() -> int:
    return day_number(vietnam_today())


class IndexMissing(Exception):
    pass


class _Codec(W3Codec):
    """Whoosh's codec, naming new segments from the OS's randomness. Whoosh draws the names from the
    `random` module, so whoever seeds that (Hypothesis does, before every example) made two commits name
    their segment alike, and the second one failed half-way with the index's write lock still held."""

    def new_segment(self, storage, indexname):
        # The segment keeps a plain codec: the table of contents pickles it, and must not need this module.
        return W3Segment(W3Codec(), indexname, segid="".join(secrets.choice(IDCHARS) for _ in range(16)))


def _abandon(writer) -> None:
    """Gives up a writer whose work or commit failed, releasing the index's write lock whatever state the
    failure left it in: a lock kept by a writer that only the garbage collector would free stopped every
    later change from reaching the index, each one after a 5 s wait."""
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001  (a commit that failed mid-way may not cancel cleanly)
        lock = writer.writelock
        if lock is not None and lock.fd is not None:
            lock.release()


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
        self._local.searcher = index.searcher()
        return self._local.searcher

    def _close_local(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
        self._local.searcher = None
        self._local.path = None

    def generation(self) -> str:
        try:
            return f"{self._current_dir().name}:{self._index().latest_generation()}"
        except Exception:  # noqa: BLE001  (no index yet: nothing to key by, so every search is its own)
            return f"none:{time.monotonic()}"

    def is_healthy(self) -> bool:
        try:
            index = self._index()
            index.doc_count()  # reads the table of contents from disk
            if set(make_schema().names()) - set(index.schema.names()):
                raise IndexMissing("index built before a field was added")  # rebuilt with today's fields
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
        writer = self._index().writer(timeout=5.0, codec=_Codec())
        try:
            for document in documents:
                writer.update_document(**document)
            for product_id in removed_ids:
                writer.delete_by_term("id", str(product_id))
            writer.commit()
        except BaseException:
            _abandon(writer)
            raise

    def rebuild(self, documents: Iterable[dict]) -> int:
        """Caller holds lock(). Builds beside the live index, then swaps CURRENT in one rename."""
        name = f"index-{time.time_ns()}"
        path = self.root / name
        path.mkdir()
        index = whoosh.index.create_in(str(path), make_schema())
        writer = index.writer(limitmb=128, codec=_Codec())
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

    def _view(self) -> IndexView:
        searcher = self._searcher()
        view = getattr(self._local, "view", None)
        if view is None or view.searcher is not searcher:
            if getattr(self._local, "segments", None) is None:
                self._local.segments = SegmentCache()
            view = self._local.view = IndexView(searcher, self._local.segments)
        return view

    def search(self, query: SearchQuery) -> SearchResult:
        view = self._view()
        allowed = self._filter(view, query)
        words = _split_glued_words(view.reader, syllables(query.text))
        # Every word first. Only when that finds (almost) nothing, widen to "half the words or
        # more, one-letter typos allowed on unknown words", ranked by how many match.
        matched, scores, marked = self._all_words(view, query.text, words)
        matched &= allowed
        if words and np.count_nonzero(matched) < WIDEN_BELOW:
            matched, scores, marked = self._most_words(view, query.text, words)
            matched &= allowed
        end = query.page * query.per_page
        sortedby = {"price_asc": ("price", False), "price_desc": ("price", True), "newest": ("created", True)}
        if query.sort in sortedby:
            column, descending = sortedby[query.sort]
            ranked = view.sort_by(matched, column, descending, end)
        else:
            ranked = view.top(matched, scores, end)
        hits = [self._hit(view, int(docnum), float(scores[docnum]), marked if words else set())
                for docnum in ranked[end - query.per_page:end]]
        facets = {name: view.facet_counts(matched, name) for name in FACETS}
        facets["ocop_stars"] = view.facet_counts(matched, view.ocop_stars_on(_today()))
        # Offered when a word typed is in no document at all: a typo the other words hid.
        suggestion = self._did_you_mean(view.reader, query.text) if query.text else None
        return SearchResult(total=int(np.count_nonzero(matched)), hits=hits, facets=facets, suggestion=suggestion)

    @staticmethod
    def _bonus(view: IndexView, text: str, words: list[str], weights: list[float]) -> np.ndarray:
        """Where the words are, beyond merely present: title first, then category, shop, place;
        the diacritics typed ("má" over "mà"); the words side by side in the order typed."""
        scores = np.zeros(view.size, dtype=np.float64)
        for word, weight in zip(words, weights, strict=True):
            for field in SCORED_FIELDS:
                view.add_score(scores, field, word, weight * saturated(BOOSTS[field]))
        for word in set(exact_words(text)):
            view.add_score(scores, "title_exact", word, 0.8)
        for a, b in zip(words, words[1:], strict=False):
            view.add_score(scores, "pairs", f"{a}_{b}", saturated(PAIRS_BOOST))
        return scores

    @staticmethod
    def _weights(words: list[str]) -> list[float]:
        # Vietnamese puts the thing first and what qualifies it after ("tôm khô | Cà Mau"):
        # the first words typed weigh a little more.
        return [max(0.6, 1.0 - 0.1 * position) for position in range(len(words))]

    def _all_words(self, view: IndexView, text: str, words: list[str]):
        """Every word in the product's own text (title, category, shop, place)."""
        if not words:
            return view.live.copy(), np.zeros(view.size), set()
        weights = self._weights(words)
        matched = view.live.copy()
        for word in words:
            matched &= view.mask("all", word)
        scores = self._bonus(view, text, words, weights)
        for word, weight in zip(words, weights, strict=True):
            view.add_score(scores, "all", word, weight)
        return matched, scores, set(words)

    def _most_words(self, view: IndexView, text: str, words: list[str]):
        """Half of the words or more, one-letter typos allowed on longer unknown words; a product
        scores each word it has once per choice of half the words that it satisfies (as an Or of
        those intersections would), so matching more of the words ranks it higher."""
        weights = self._weights(words)
        marked = set(words)
        count = np.zeros(view.size, dtype=np.int16)
        word_scores = np.zeros(view.size, dtype=np.float64)
        for word, weight in zip(words, weights, strict=True):
            has_word = view.mask("all", word)
            word_score = np.zeros(view.size, dtype=np.float64)
            view.add_score(word_score, "all", word, weight)
            # Typos only where a word is unknown (expanding a known word costs a lexicon scan for
            # nothing), and not in codes: "st25" and "500g" are typed exactly.
            if view.frequency("all", word) == 0 and len(word) >= FUZZY_MIN_LENGTH and word.isalpha():
                for near in view.reader.terms_within("all", word, 1, prefix=1):
                    has_word |= view.mask("all", near)
                    view.add_score(word_score, "all", near, weight * 0.5)
                    marked.add(near)
            count += has_word
            word_scores += word_score
        need = (len(words) + 1) // 2
        matched = view.live & (count >= need)
        combinations = np.array([math.comb(max(k - 1, 0), need - 1) for k in range(len(words) + 1)])
        scores = word_scores * combinations[count] + self._bonus(view, text, words, weights)
        # The description only adds to the score: its common words ("số", "bằng") are in nearly every
        # description and would let any product count as matching half of a query.
        for word in words:
            view.add_score(scores, "description", word, saturated(BOOSTS["description"]))
        return matched, scores, marked

    @staticmethod
    def _filter(view: IndexView, query: SearchQuery) -> np.ndarray:
        allowed = view.live.copy()
        if query.category_id:
            allowed &= view.mask("category_ids", str(query.category_id))
        if query.province_code:
            allowed &= view.column("province") == query.province_code
        if query.in_stock:
            allowed &= view.column("in_stock") == 1
        if query.min_price is not None:
            allowed &= view.column("price") >= query.min_price
        if query.max_price is not None:
            allowed &= view.column("price") <= query.max_price
        if query.ocop_stars:
            allowed &= view.ocop_stars_on(_today()) >= query.ocop_stars
        return allowed

    @staticmethod
    def _hit(view: IndexView, docnum: int, score: float, marked: set[str]) -> Hit:
        stored = view.searcher.stored_fields(docnum)
        title = highlight_title(stored["title"], marked) if marked else escape(stored["title"])
        snippet_html = snippet(stored.get("description") or "", marked) if marked else None
        return Hit(product_id=int(stored["id"]), score=score, title_html=title, snippet_html=snippet_html)

    @staticmethod
    def _did_you_mean(reader, text: str) -> str | None:
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
        whole = words if complete else words[:-1]
        view = self._view()
        matched = view.live.copy()
        scores = np.zeros(view.size, dtype=np.float64)
        for word in whole:
            matched &= view.mask("all", word)
            view.add_score(scores, "title", word, saturated(BOOSTS["title"]))
        if not complete:
            # The most common completions of the last word typed: "keo d" -> dua, dau, do ...
            started = sorted(islice(view.reader.expand_prefix("all", words[-1]), MAX_COMPLETIONS_READ),
                             key=lambda term: -view.frequency("all", term))[:MAX_COMPLETIONS]
            completed = np.zeros(view.size, dtype=bool)
            best = np.zeros(view.size, dtype=np.float64)  # a title counts its best completion once
            for term in started:
                completed |= view.mask("all", term)
                term_scores = np.zeros(view.size, dtype=np.float64)
                view.add_score(term_scores, "title", term, saturated(BOOSTS["title"]))
                if whole:  # right after the word before it, as typed: "keo d" -> "kẹo dừa"
                    view.add_score(term_scores, "pairs", f"{whole[-1]}_{term}", saturated(PAIRS_BOOST))
                np.maximum(best, term_scores, out=best)
            matched &= completed
            scores += best
        titles: list[str] = []
        for docnum in view.top(matched, scores, limit * 3):
            title = view.searcher.stored_fields(int(docnum))["title"]
            if title not in titles:
                titles.append(title)
            if len(titles) == limit:
                break
        return titles
