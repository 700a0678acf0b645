"""The directory's search index, held in memory by each web process (pure logic, no I/O).

FerretDB's SQLite backend uses no secondary index for any query, so searching the
`listings` collection would scan it. Each web process instead keeps this index, loaded from
the `listings` collection at start and then fed from verification.events (entrypoints/search_feed.py):
- filters (skill, province, city, platform) are sets of registration numbers per value;
- `q` matches word prefixes of the name, headline and skills, case- and accent-insensitive,
  in Latin or Urdu script: a sorted vocabulary finds the words with that prefix (bisection),
  each word keeps the set of its listings;
- results come in a stable order (name, then number) with an opaque cursor;
- facet counts are computed over the filtered result (kept current for the unfiltered one).
"""
import base64
import bisect
import datetime as dt
import json
import re
import unicodedata
from collections import Counter, defaultdict

from directory.domain.listing import public_view
from domainkit.skills import SKILLS_BY_SLUG

FACETS = ("province", "city", "skill", "platform")
_WORD = re.compile(r"\w+", re.UNICODE)
# Urdu letters that are written two ways in practice: fold them so either spelling matches.
_URDU_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ة": "ہ", "ۃ": "ہ", "أ": "ا", "إ": "ا", "آ": "ا"})


def normalise(text: str) -> str:
    """Lower case, accents and Arabic diacritics removed, Urdu letter variants folded."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_URDU_FOLD)


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


class SearchIndex:
    def __init__(self):
        self.listings: dict[str, dict] = {}
        self.by_value: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_word: dict[str, set[str]] = defaultdict(set)  # whole word -> numbers
        self.vocabulary: list[str] = []  # sorted distinct words, for prefix ranges
        self.order: list[tuple[str, str]] = []  # sorted (name key, number) of searchable listings
        self.all_facets = {facet: Counter() for facet in FACETS}  # kept current, for unfiltered searches
        self.display: dict[tuple[str, str], str] = {}  # ("city", "lahore") -> "Lahore", as first written
        self.name_keys: dict[str, str] = {}  # number -> normalised name, the sort key

    def __len__(self) -> int:
        return len(self.order)

    # -- keeping it current ---------------------------------------------------------------
    def load(self, listings) -> None:
        """Add many listings to an empty index at once: the sorted lists are sorted once at the end
        instead of kept sorted insert by insert (a web process's start at 100k listings)."""
        for listing in listings:
            self.put(listing, keep_sorted=False)
        self.vocabulary = sorted(self.by_word)
        self.order.sort()

    def put(self, listing: dict, keep_sorted: bool = True) -> None:
        """Add or replace a listing; only listed, unrevoked ones become searchable."""
        self.remove(listing["registration_number"])
        if not listing.get("listed") or listing.get("revoked"):
            return
        number = listing["registration_number"]
        self.listings[number] = listing
        for facet, value in self._values(listing):
            self.by_value[(facet, value)].add(number)
        self.display.setdefault(("city", normalise(listing["city"])), listing["city"])
        for word in self._words(listing):
            if not self.by_word[word] and keep_sorted:
                bisect.insort(self.vocabulary, word)
            self.by_word[word].add(number)
        self.name_keys[number] = normalise(listing["full_name"])
        if keep_sorted:
            bisect.insort(self.order, (self.name_keys[number], number))
        else:
            self.order.append((self.name_keys[number], number))
        self._count(listing, +1)

    def remove(self, number: str) -> None:
        listing = self.listings.pop(number, None)
        if listing is None:
            return
        for facet, value in self._values(listing):
            self.by_value[(facet, value)].discard(number)
        for word in self._words(listing):
            holders = self.by_word[word]
            holders.discard(number)
            if not holders:
                del self.by_word[word]
                i = bisect.bisect_left(self.vocabulary, word)
                if i < len(self.vocabulary) and self.vocabulary[i] == word:
                    del self.vocabulary[i]
        key = (self.name_keys.pop(number), number)
        i = bisect.bisect_left(self.order, key)
        if i < len(self.order) and self.order[i] == key:
            del self.order[i]
        self._count(listing, -1)

    def _count(self, listing: dict, delta: int) -> None:
        for facet, value in self._facet_values(listing):
            self.all_facets[facet][value] += delta
            if self.all_facets[facet][value] <= 0:
                del self.all_facets[facet][value]

    @staticmethod
    def _values(listing: dict):
        yield "province", listing["province"]
        yield "city", normalise(listing["city"])
        for skill in set(listing["skills"]):
            yield "skill", skill
        for platform in {p["platform"] for p in listing["platforms"]}:
            yield "platform", platform

    @staticmethod
    def _facet_values(listing: dict):
        yield "province", listing["province"]
        yield "city", listing["city"]
        for skill in set(listing["skills"]):
            yield "skill", skill
        for platform in {p["platform"] for p in listing["platforms"]}:
            yield "platform", platform

    @staticmethod
    def _words(listing: dict) -> set[str]:
        text = " ".join([listing["full_name"], listing["headline"],
                         *(SKILLS_BY_SLUG[s].name if s in SKILLS_BY_SLUG else s for s in listing["skills"])])
        return set(words(text))

    # -- asking it ----------------------------------------------------------------------
    def _prefix(self, prefix: str) -> set[str]:
        found = set()
        for i in range(bisect.bisect_left(self.vocabulary, prefix), len(self.vocabulary)):
            word = self.vocabulary[i]
            if not word.startswith(prefix):
                break
            found |= self.by_word[word]
        return found

    def matching(self, q: str = "", **filters) -> set[str] | None:
        """Numbers matching every term and filter; None means 'everything' (no term, no filter)."""
        sets = [self._prefix(term) for term in words(q)]
        for facet, value in filters.items():
            if value:
                key = normalise(value) if facet == "city" else value
                sets.append(self.by_value.get((facet, key), set()))
        if not sets:
            return None
        sets.sort(key=len)
        result = set(sets[0])
        for other in sets[1:]:
            result &= other
        return result

    def search(self, q: str = "", limit: int = 20, cursor: str | None = None, today: dt.date | None = None,
               **filters) -> dict:
        today = today or dt.date.today()
        result = self.matching(q, **filters)
        after = decode_cursor(cursor) if cursor else None
        if result is not None and len(result) * 8 < len(self.order):
            # a small result: sort it rather than walk the whole order
            keys = sorted((self.name_keys[n], n) for n in result)
            start = bisect.bisect_right(keys, after) if after else 0
            page = keys[start:start + limit + 1]
        else:
            start = bisect.bisect_right(self.order, after) if after else 0
            page = []
            for key in self.order[start:]:
                if result is None or key[1] in result:
                    page.append(key)
                    if len(page) > limit:
                        break
        more = len(page) > limit
        page = page[:limit]
        return {"items": [public_view(self.listings[number], today) for _, number in page],
                "next_cursor": encode_cursor(page[-1]) if more else None,
                "total": len(self.order) if result is None else len(result),
                "facets": self._top(self.all_facets) if result is None else self.facets(result)}

    def facets(self, numbers: set[str]) -> dict[str, dict[str, int]]:
        counts = {facet: Counter() for facet in FACETS}
        if len(numbers) < 2000:  # few results: count them one by one
            for number in numbers:
                for facet, value in self._facet_values(self.listings[number]):
                    counts[facet][value] += 1
        else:  # many: intersect with each value's set, which runs in C
            for (facet, key), holders in self.by_value.items():
                n = len(numbers & holders) if holders else 0
                if n:
                    counts[facet][self.display.get((facet, key), key)] += n
        return self._top(counts)

    @staticmethod
    def _top(counts: dict) -> dict[str, dict[str, int]]:
        return {facet: dict(counter.most_common(50)) for facet, counter in counts.items()}


def encode_cursor(key: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The position after which the next page starts; ValueError when it is not one of ours."""
    try:
        name, number = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except Exception as exc:  # noqa: BLE001 - any garbage is simply not a cursor
        raise ValueError("not a cursor") from exc
    if not isinstance(name, str) or not isinstance(number, str):
        raise ValueError("not a cursor")
    return name, number
