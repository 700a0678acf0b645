"""The directory's search index, held in memory by each web process (pure logic, no I/O).

FerretDB's SQLite backend uses no secondary index for any query, so searching the
`listings` collection would scan it. Each web process instead keeps this index, fed by a
background reader of verification.events (entrypoints/search_feed.py):
- filters (skill, province, city, platform) are sets of registration numbers per value;
- `q` matches word prefixes of the name, headline and skills, case- and accent-insensitive,
  in Latin or Urdu script, through a sorted list of (word, number) searched by bisection;
- results come in a stable order (name, then number) with an opaque cursor;
- facet counts are computed over the filtered result.
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
        self.words: list[tuple[str, str]] = []  # sorted (word, number)
        self.order: list[tuple[str, str]] = []  # sorted (name key, number) of searchable listings

    def __len__(self) -> int:
        return len(self.order)

    # -- keeping it current ---------------------------------------------------------------
    def put(self, listing: dict) -> None:
        """Add or replace a listing; only listed, unrevoked ones become searchable."""
        self.remove(listing["registration_number"])
        if not listing.get("listed") or listing.get("revoked"):
            return
        number = listing["registration_number"]
        self.listings[number] = listing
        for facet, value in self._values(listing):
            self.by_value[(facet, value)].add(number)
        for word in self._words(listing):
            bisect.insort(self.words, (word, number))
        bisect.insort(self.order, (normalise(listing["full_name"]), number))

    def remove(self, number: str) -> None:
        listing = self.listings.pop(number, None)
        if listing is None:
            return
        for facet, value in self._values(listing):
            self.by_value[(facet, value)].discard(number)
        for word in self._words(listing):
            i = bisect.bisect_left(self.words, (word, number))
            if i < len(self.words) and self.words[i] == (word, number):
                del self.words[i]
        key = (normalise(listing["full_name"]), number)
        i = bisect.bisect_left(self.order, key)
        if i < len(self.order) and self.order[i] == key:
            del self.order[i]

    @staticmethod
    def _values(listing: dict):
        yield "province", listing["province"]
        yield "city", normalise(listing["city"])
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
        start = bisect.bisect_left(self.words, (prefix, ""))
        found = set()
        for word, number in self.words[start:]:
            if not word.startswith(prefix):
                break
            found.add(number)
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
        start = bisect.bisect_right(self.order, decode_cursor(cursor)) if cursor else 0
        keys = []
        for key in self.order[start:]:
            if result is None or key[1] in result:
                keys.append(key)
                if len(keys) > limit:
                    break
        more = len(keys) > limit
        keys = keys[:limit]
        return {"items": [public_view(self.listings[number], today) for _, number in keys],
                "next_cursor": encode_cursor(keys[-1]) if more else None,
                "total": len(self.order) if result is None else len(result),
                "facets": self.facets(self.listings.keys() if result is None else result)}

    def facets(self, numbers) -> dict[str, dict[str, int]]:
        counts = {facet: Counter() for facet in FACETS}
        for number in numbers:
            listing = self.listings[number]
            counts["province"][listing["province"]] += 1
            counts["city"][listing["city"]] += 1
            for skill in set(listing["skills"]):
                counts["skill"][skill] += 1
            for platform in {p["platform"] for p in listing["platforms"]}:
                counts["platform"][platform] += 1
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
