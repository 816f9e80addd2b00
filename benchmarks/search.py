"""Search benchmark: index a generated catalogue and time 200 queries of each kind.

    make bench-search                      (20,000 and 100,000 products)
    .venv/bin/python -m benchmarks.search 20000

The catalogue is generated (Faker's vi_VN locale for shop owners and sentences, plus a Mekong
product vocabulary) straight into the search backend, the same documents the app indexes,
so the figures are the index's own; the database is not involved. Results replace the
"Search" section of benchmarks/results.md.
"""

import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from faker import Faker

from marketplace.search.backend import SearchQuery
from marketplace.search.whoosh_backend import WhooshBackend
from marketplace.utils import fold

RESULTS = Path(__file__).resolve().parent / "results.md"
QUERIES_PER_KIND = 200

GOODS = ["Tôm khô", "Khô cá lóc", "Khô cá dứa", "Khô cá sặc", "Khô cá khoai", "Mực một nắng", "Ba khía muối",
         "Mật ong rừng tràm", "Mật ong hoa nhãn", "Gạo ST25", "Gạo lứt", "Gạo nàng thơm", "Nếp than",
         "Bánh pía", "Bánh phồng tôm", "Kẹo dừa", "Lạp xưởng", "Nem chua", "Mắm thái", "Mắm cá linh",
         "Nước mắm", "Đường thốt nốt", "Trà tim sen", "Hạt sen sấy", "Chả cá thác lác", "Khóm",
         "Bưởi da xanh", "Sầu riêng", "Xoài cát Hòa Lộc", "Chôm chôm", "Cua gạch", "Tôm sú", "Sò huyết",
         "Giỏ lục bình", "Thảm lục bình", "Khăn rằn", "Dầu dừa", "Tinh dầu tràm", "Rượu nếp", "Mai vàng"]
QUALITIES = ["loại 1", "đặc biệt", "nguyên chất", "một nắng", "sấy giòn", "hữu cơ", "truyền thống",
             "gia truyền", "thượng hạng", "túi 500 g", "hũ 1 kg", "hộp quà", "làm thủ công", "tươi sống"]
PLACES = ["Cà Mau", "Đất Mũi", "U Minh", "Năm Căn", "Sông Đốc", "Cần Thơ", "Phong Điền", "Sóc Trăng",
          "Châu Đốc", "Tri Tôn", "Bến Tre", "Mỏ Cày", "Chợ Lách", "Sa Đéc", "Lai Vung", "Tháp Mười",
          "Phụng Hiệp", "Long Mỹ", "Trảng Bàng", "Vĩnh Long", "Bạc Liêu", "Hậu Giang"]
PROVINCES = [96, 92, 91, 86, 82, 80]
CATEGORIES = {c: (1 if c < 12 else 12 if c < 17 else 17) for c in range(2, 20)}


def catalogue(size: int, seed: int = 7):
    fake = Faker("vi_VN")
    Faker.seed(seed)
    rng = random.Random(seed)
    for n in range(1, size + 1):
        title = f"{rng.choice(GOODS)} {rng.choice(QUALITIES)} {rng.choice(PLACES)}"
        shop = f"Cơ sở {fake.last_name()} {fake.first_name()}"
        place = rng.choice(PLACES)
        category = rng.choice(list(CATEGORIES))
        description = " ".join([f"{title} của {shop}.", fake.sentence(nb_words=12), fake.sentence(nb_words=10)])
        words = re.findall(r"\w+", fold(title))
        yield {
            "id": str(n), "title": title, "title_exact": title, "shop": shop, "category": "Thực phẩm",
            "place": place, "description": description, "all": " ".join([title, shop, place]),
            "pairs": " ".join(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)),
            "category_ids": f"{category} {CATEGORIES[category]}", "top_category": str(CATEGORIES[category]),
            "province": str(rng.choice(PROVINCES)), "price": rng.randrange(20, 2000) * 1000,
            "created": 1_700_000_000 + n, "in_stock": "1" if rng.random() > 0.15 else "0", "ocop_stars": 0,
        }


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # two letters swapped: the commonest slip


def queries(seed: int = 11) -> dict[str, list[SearchQuery]]:
    rng = random.Random(seed)
    plain, folded, typo, filtered = [], [], [], []
    for _ in range(QUERIES_PER_KIND):
        text = f"{rng.choice(GOODS)} {rng.choice(PLACES)}".lower()
        plain.append(SearchQuery(text=text))
        folded.append(SearchQuery(text=fold(text)))
        typo.append(SearchQuery(text=" ".join(_typo(w, rng) for w in fold(text).split())))
        filtered.append(SearchQuery(text=fold(rng.choice(GOODS)), province_code=rng.choice(PROVINCES),
                                    in_stock=True, min_price=50_000, max_price=800_000, sort="price_asc"))
    return {"plain": plain, "no diacritics": folded, "typo": typo, "filtered + facets": filtered}


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run(size: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        backend = WhooshBackend(folder)
        start = time.perf_counter()
        backend.rebuild(catalogue(size))
        indexing = time.perf_counter() - start
        index_bytes = _folder_size(Path(folder))
        backend.search(SearchQuery(text="warm up"))
        timings = {}
        for kind, batch in queries().items():
            times = []
            for query in batch:
                start = time.perf_counter()
                backend.search(query)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            timings[kind] = (statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1])
        start = time.perf_counter()
        for query in queries()["plain"][:50]:
            backend.suggest(query.text[:-2])
        suggest_ms = (time.perf_counter() - start) * 1000 / 50
        # A seller's edit commits a new index generation: the next search reopens the index
        # and reads its columns and posting lists again.
        edits, document = [], next(catalogue(1, seed=99))
        for _ in range(5):
            with backend.lock() as got:
                assert got
                backend.apply([document], [])
            start = time.perf_counter()
            backend.search(queries()["filtered + facets"][0])
            edits.append((time.perf_counter() - start) * 1000)
    return {"size": size, "indexing_s": indexing, "index_mb": index_bytes / 1e6, "timings": timings,
            "suggest_ms": suggest_ms, "after_edit_ms": statistics.median(edits),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def write_results(rows: list[dict]) -> None:
    import os
    import platform

    import whoosh

    lines = [
        "## Search (`make bench-search`)",
        "",
        f"Whoosh-Reloaded {whoosh.versionstring()} on {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, one process; {QUERIES_PER_KIND} queries "
        "of each kind, each a full search as the page runs it (24 results, facet counts, highlights, "
        f"did-you-mean). Run on {time.strftime('%Y-%m-%d')}.",
        "",
        "| Products | Indexing | Index size | Query kind | p50 | p95 | worst |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        for n, (kind, (p50, p95, worst)) in enumerate(row["timings"].items()):
            head = (f"| {row['size']:,} | {row['indexing_s']:.0f} s | {row['index_mb']:.0f} MB"
                    if n == 0 else "| | | ")
            lines.append(f"{head} | {kind} | {p50:.0f} ms | {p95:.0f} ms | {worst:.0f} ms |")
        lines.append(f"| | | | completions (suggest) | {row['suggest_ms']:.0f} ms (mean) | | |")
        lines.append(f"| | | | first search after an edit | {row['after_edit_ms']:.0f} ms (median of 5) | | |")
    lines += [
        "",
        f"Peak memory of the benchmark process: {max(row['rss_mb'] for row in rows):.0f} MB. "
        "Whoosh stores the index (lexicon, posting lists, columns, stored fields); matching, filters, "
        "facets and ranking run on numpy arrays (`marketplace/search/ranker.py`): each posting list a "
        "query needs is read once per index segment and kept, so a query is a few vectorised operations "
        "instead of Whoosh's document-at-a-time matchers (which took 186 ms p50 / 281 ms p95 for "
        "plain queries and 1.2 s p95 for typos at 100,000 products).",
        "",
        "What limits it: the worst cases are queries whose posting lists are read for the first time, and "
        "the first search after a commit (a seller's edit), which reopens the index and reads the new "
        "segment; bulk indexing is Whoosh's pure-Python writer.",
    ]
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(r"## Search \(.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    RESULTS.write_text(text.rstrip() + "\n")


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [20_000, 100_000]
    rows = []
    for size in sizes:
        row = run(size)
        rows.append(row)
        print(f"{size:>7,} products: indexed in {row['indexing_s']:.0f} s, {row['index_mb']:.0f} MB")
        for kind, (p50, p95, worst) in row["timings"].items():
            print(f"          {kind:<18} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  worst {worst:6.0f} ms")
    write_results(rows)
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
