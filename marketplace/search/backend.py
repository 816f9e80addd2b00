"""The search backend interface: what the rest of the app may ask of an index.

A backend stores one flat document per public product (see documents.py) and answers
queries with ids, highlights and facet counts; the products themselves come from the
database. Backends are registered by name in BACKENDS (setting SEARCH_BACKEND).
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app

SORTS = ("relevance", "price_asc", "price_desc", "newest")


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    category_id: int | None = None
    province_code: int | None = None
    ocop_stars: int | None = None  # at least this many stars
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    sort: str = "relevance"
    page: int = 1
    per_page: int = 24


@dataclass
class Hit:
    product_id: int
    score: float
    title_html: str | None = None  # the title with matched words in <mark>, HTML-escaped
    snippet_html: str | None = None  # a piece of the description around the matches


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None


class SearchBackend(ABC):
    @abstractmethod
    def apply(self, documents: Iterable[dict], removed_ids: Iterable[int]) -> None:
        """Add or replace documents and remove ids, atomically for readers."""

    @abstractmethod
    def rebuild(self, documents: Iterable[dict]) -> int:
        """Build a fresh index from every document and swap it in; returns the count."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Completions of what the buyer is typing, as product titles."""

    @abstractmethod
    def generation(self) -> str:
        """Changes whenever what a search finds may have changed (a cached results page is keyed by it)."""

    @abstractmethod
    def is_healthy(self) -> bool:
        """The index exists and can be opened."""

    @abstractmethod
    def lock(self):
        """A context manager that yields True when this process may write now, False when another does."""


def get_backend() -> SearchBackend:
    """The backend init_search set up for this app."""
    return current_app.extensions["search"]
