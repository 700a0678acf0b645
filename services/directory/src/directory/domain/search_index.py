"""The directory's search index, held in memory by each web process (pure logic, no I/O).

Why in memory, decided by measurement (bench/directory_search.py: the same synthetic listings and
the same mix of searches, each a page with its total and facets, half with a second page; one
process; DocumentDB on this shared 2-core machine, so read the ratios rather than the digits):

| per search                  | 10k: collection | 10k: memory | 100k: collection | 100k: memory |
|-----------------------------|----------------:|------------:|-----------------:|-------------:|
| p50                         | 220 ms          | 0.9 ms      | 2,671 ms         | 1.9 ms       |
| p99                         | 1,735 ms        | 3.2 ms      | 22,585 ms        | 10 ms        |

The collection candidate had compound indexes for every filter and a multikey index of every word
prefix; the filter is bounded by them, but the API answers a total and facet counts with every
page, and those cost as much as the result is large: at 100k, the `$facet` of `$group`s over one
province's 14k listings took 652 ms, over everything 4,434 ms, and the first page of everything in
name order 816 ms (DocumentDB sorts after the scan; no index serves a sort). Here a total is a
bit count and the facets one AND and one bit count per value, whatever the size of the result.
Over HTTP (bench/search_wrk.py, wrk, 8 connections, 100k, two gunicorn workers): p50 28 ms,
p99 118 ms, 248 searches/s with the machine loaded by other work (before: p50 636 ms, p99
1,286 ms, 12 searches/s). The price is the load at start: see entrypoints/search_feed.py.

How it works:
- every searchable listing (listed, not revoked) has a *slot*; an expired one keeps its slot, and a
  bitset of the expired slots leaves them out of a search unless it asks for them; slots
  `[0, sorted_upto)` were given in name order when the index was loaded, later ones are appended
  (a tail, sorted per query; `needs_compacting` says when to load a fresh index);
- a filter value (province, normalised city, skill, platform) keeps a bitset (a Python int) of
  its slots, so a combination of filters is an AND, a total is a bit count, and the facet
  counts of a result are one AND and one bit count per value;
- `q` matches word prefixes of the name, headline and skill names, case- and accent-insensitive,
  in Latin or Urdu script (Urdu letter variants folded): a sorted vocabulary finds the words
  with that prefix (bisection), each word keeps the set of its slots;
- results come in a stable order (name, then number) with an opaque cursor.
"""
import base64
import bisect
import datetime as dt
import functools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

from directory.domain.listing import public_view
from domainkit.skills import SKILLS_BY_SLUG

FACETS = ("province", "city", "skill", "platform")
DENSE_WORD = 64  # a word held by at least 1/64 of the listings at load keeps a bitset too (cheaper than its set)
TOP_VALUES = 50  # facet values answered per facet, the most frequent first
_WORD = re.compile(r"\w+", re.UNICODE)
# Urdu letters that are written two ways in practice: fold them so either spelling matches.
_URDU_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ة": "ہ", "ۃ": "ہ", "أ": "ا", "إ": "ا", "آ": "ا"})


def normalise(text: str) -> str:
    """Lower case, accents and Arabic diacritics removed, Urdu letter variants folded."""
    if text.isascii():
        return text.lower()  # the same answer, without decomposing (most names and cities)
    # Word by word (decomposing never reaches across a space), each distinct word done once:
    # names and cities repeat, and a web process normalises every listing's name at start.
    return " ".join(map(_normalise_word, text.split(" ")))


@functools.lru_cache(maxsize=100_000)
def _normalise_word(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_URDU_FOLD)


@functools.lru_cache(maxsize=100_000)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(chunk)))


def words(text: str) -> list[str]:
    """The normalised words of `text`. Normalising keeps spaces where they were, so each
    space-separated chunk is normalised alone: names and words repeat, and each is done once."""
    found = []
    for chunk in text.split():
        found.extend(_chunk_words(chunk))
    return found


def searchable(listing: dict) -> bool:
    return bool(listing.get("listed")) and not listing.get("revoked")


def listing_words(listing: dict) -> set[str]:
    """The words `q` matches the beginnings of: name, headline and the skills' names."""
    found = set(words(listing["full_name"]))
    found.update(words(listing["headline"]))
    for skill in listing["skills"]:
        found.update(_skill_words(skill))
    return found


@functools.lru_cache(maxsize=1024)
def _skill_words(slug: str) -> tuple[str, ...]:
    return tuple(words(SKILLS_BY_SLUG[slug].name if slug in SKILLS_BY_SLUG else slug))


def filter_values(listing: dict) -> list[tuple[tuple[str, str], str]]:
    """((facet, the key a filter matches), the value facets show) of each filterable value."""
    city = listing["city"]
    values = [(("province", listing["province"]), listing["province"]), (("city", normalise(city)), city)]
    values += [(("skill", skill), skill) for skill in set(listing["skills"])]
    values += [(("platform", platform), platform) for platform in {p["platform"] for p in listing["platforms"]}]
    return values


def bitset(slots: Iterable[int], size: int) -> int:
    """The bitset (an int) with these slots set, built in one pass (setting bits of an int one by
    one would copy it every time)."""
    bits = bytearray((size + 7) // 8)
    for slot in slots:
        bits[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(bits, "little")


def lowest_slots(mask: int, count: int) -> list[int]:
    """The `count` lowest set bits of `mask`, in order."""
    found = []
    while mask and len(found) < count:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


class SearchIndex:
    def __init__(self):
        self.listings: dict[str, dict] = {}  # number -> its searchable listing
        self.slot_of: dict[str, int] = {}
        self.keys: list[tuple[str, str]] = []  # slot -> (normalised name, number): the order
        self.sorted_upto = 0  # slots below are in key order (given by `load`)
        self.live = 0  # bitset of the slots in use
        self.expired = 0  # bitset of the slots whose registration expired (searched only when asked)
        self.value_bits: dict[tuple[str, str], int] = {}  # (facet, key) -> bitset
        self.display: dict[tuple[str, str], str] = {}  # (facet, key) -> the value facets show
        self.word_slots: dict[str, set[int]] = defaultdict(set)
        self.word_bits: dict[str, int] = {}  # the bitsets of frequent words (DENSE_WORD), kept with word_slots
        self.vocabulary: list[str] = []  # sorted distinct words, for prefix ranges

    def __len__(self) -> int:
        return len(self.listings)

    # -- keeping it current ---------------------------------------------------------------
    def load(self, listings: Iterable[dict]) -> None:
        """Fill an empty index with many listings at once, slots given in name order and every
        bitset built in one pass (a web process's start). Each listing's words and values are
        worked out as it arrives, so the work overlaps a slow source (the database's scan)."""
        assert not self.keys, "load fills an empty index"
        rows = []
        for listing in listings:
            if searchable(listing):
                rows.append(((normalise(listing["full_name"]), listing["registration_number"]), listing,
                             listing_words(listing), filter_values(listing)))
        rows.sort(key=lambda row: row[0])
        postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        word_slots, display, keys = self.word_slots, self.display, self.keys
        listings, slot_of = self.listings, self.slot_of
        for slot, (key, listing, listing_word_set, values) in enumerate(rows):
            listings[key[1]] = listing
            slot_of[key[1]] = slot
            keys.append(key)
            for value, shown in values:
                postings[value].append(slot)
                if value not in display:
                    display[value] = shown
            for word in listing_word_set:
                word_slots[word].add(slot)
        size = len(rows)
        self.value_bits = {value: bitset(slots, size) for value, slots in postings.items()}
        self.live = (1 << size) - 1
        self.expired = bitset((slot for slot, (_, listing, _, _) in enumerate(rows) if listing.get("expired")), size)
        self.sorted_upto = size
        self.vocabulary = sorted(word_slots)
        self.word_bits = {word: bitset(slots, size) for word, slots in word_slots.items()
                          if len(slots) >= max(size // DENSE_WORD, 64)}

    def put(self, listing: dict) -> None:
        """Add or replace a listing; only listed, unrevoked ones become searchable."""
        number = listing["registration_number"]
        self.remove(number)
        if not searchable(listing):
            return
        slot = len(self.keys)
        self.keys.append((normalise(listing["full_name"]), number))
        self.listings[number] = listing
        self.slot_of[number] = slot
        bit = 1 << slot
        self.live |= bit
        if listing.get("expired"):
            self.expired |= bit
        for value, shown in filter_values(listing):
            self.value_bits[value] = self.value_bits.get(value, 0) | bit
            self.display.setdefault(value, shown)
        for word in listing_words(listing):
            if word not in self.word_slots:
                bisect.insort(self.vocabulary, word)
            self.word_slots[word].add(slot)
            if word in self.word_bits:
                self.word_bits[word] |= bit

    def remove(self, number: str) -> None:
        listing = self.listings.pop(number, None)
        if listing is None:
            return
        slot = self.slot_of.pop(number)
        keep = ~(1 << slot)
        self.live &= keep
        self.expired &= keep
        for value, _ in filter_values(listing):
            self.value_bits[value] &= keep
        for word in listing_words(listing):
            holders = self.word_slots[word]
            holders.discard(slot)
            if word in self.word_bits:
                self.word_bits[word] &= keep
            if not holders:
                del self.word_slots[word]
                self.word_bits.pop(word, None)
                i = bisect.bisect_left(self.vocabulary, word)
                if i < len(self.vocabulary) and self.vocabulary[i] == word:
                    del self.vocabulary[i]

    def needs_compacting(self) -> bool:
        """Many listings were added or changed since the load: a fresh load would order them again."""
        tail = len(self.keys) - self.sorted_upto
        return tail > max(2000, self.sorted_upto // 10)

    # -- asking it ----------------------------------------------------------------------
    def _prefix(self, prefix: str) -> int:
        """The bitset of the words beginning with `prefix`: frequent words' bitsets ORed, the others'
        slots gathered and made into one bitset."""
        bits, slots = 0, set()
        for i in range(bisect.bisect_left(self.vocabulary, prefix), len(self.vocabulary)):
            word = self.vocabulary[i]
            if not word.startswith(prefix):
                break
            if word in self.word_bits:
                bits |= self.word_bits[word]
            else:
                slots |= self.word_slots[word]
        return bits | bitset(slots, len(self.keys)) if slots else bits

    def matching(self, q: str = "", include_expired: bool = False, **filters) -> int:
        """The bitset of the slots matching every term and filter (expired registrations only when asked)."""
        result = self.live if include_expired else self.live & ~self.expired
        for facet, value in filters.items():
            if value:
                result &= self.value_bits.get((facet, normalise(value) if facet == "city" else value), 0)
        for term in words(q):
            if not result:
                break
            result &= self._prefix(term)
        return result

    def page(self, result: int, limit: int, after: tuple[str, str] | None) -> list[tuple[str, str]]:
        """Up to `limit` keys of `result` in order, after the key `after`."""
        start = bisect.bisect_right(self.keys, after, 0, self.sorted_upto) if after else 0
        ordered = (result >> start) << start
        if len(self.keys) > self.sorted_upto:
            ordered &= (1 << self.sorted_upto) - 1
        head = [self.keys[slot] for slot in lowest_slots(ordered, limit)]
        tail = [self.keys[slot + self.sorted_upto] for slot in lowest_slots(result >> self.sorted_upto, len(self.keys))]
        if after:
            tail = [key for key in tail if key > after]
        return sorted(head + tail)[:limit] if tail else head

    def search(self, q: str = "", limit: int = 20, cursor: str | None = None, today: dt.date | None = None,
               include_expired: bool = False, **filters) -> dict:
        today = today or dt.date.today()
        result = self.matching(q, include_expired, **filters)
        after = decode_cursor(cursor) if cursor else None
        page = self.page(result, limit + 1, after)
        more = len(page) > limit
        page = page[:limit]
        return {"items": [public_view(self.listings[number], today) for _, number in page],
                "next_cursor": encode_cursor(page[-1]) if more else None,
                "total": result.bit_count(),
                "facets": self.facets(result)}

    def facets(self, result: int) -> dict[str, dict[str, int]]:
        counts = {facet: Counter() for facet in FACETS}
        if result:
            for (facet, value), bits in self.value_bits.items():
                n = (result & bits).bit_count()
                if n:
                    counts[facet][self.display[(facet, value)]] += n
        return {facet: dict(counter.most_common(TOP_VALUES)) for facet, counter in counts.items()}


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
