"""Finding a case by part of the applicant's name with an index, not a regular expression.

A regex inside a name (`/esha/i`) cannot be served by an index on either engine, so every case
stores `name_tokens`: the prefixes of each word of its name, folded (NFKD, combining marks
dropped, case-folded), in a multikey index. A search word matches the cases with a name word
starting with it; several search words must all match ("ayesha kh" finds "Ayesha Khan"). The
same folding makes "Aysha" ≠ "Ayesha" but "AYESHA", "ayesha" and "Ayeshá" equal, and keeps
Urdu script words whole (their vowel marks dropped).
"""
import re
import unicodedata

MAX_PREFIX = 24  # longer search words are cut to this; names rarely have longer words
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def name_tokens(full_name: str) -> list[str]:
    """What a case stores for its name: every prefix of every word, each once."""
    tokens = dict.fromkeys(word[:length] for word in words(full_name)
                           for length in range(1, min(len(word), MAX_PREFIX) + 1))
    return list(tokens)


def search_tokens(query: str) -> list[str]:
    """The tokens a search for `query` must all find on a case ([] when it has no word)."""
    return list(dict.fromkeys(word[:MAX_PREFIX] for word in words(query)))
