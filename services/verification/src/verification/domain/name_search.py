"""Finding a case in the reviewers' queue by its application id or part of the applicant's name,
through an index rather than a regular expression.

A regex inside a name (`/esha/i`) cannot be served by an index on either engine, so each case
stores `search_tokens`: its application id, and the prefixes of each word of the applicant's name,
folded (NFKD, combining marks dropped, case-folded), in one multikey index. A search word matches
the cases with a name word starting with it, or the case with exactly that id; several words must
all match ("ayesha kh" finds "Ayesha Khan"). The id is a token rather than an `$or` on `_id`,
so one index serves every search (adapters.cases hints it). Folding makes "AYESHA", "ayesha" and "Ayeshá" equal, and keeps Urdu script words whole
(their vowel marks dropped).
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


def stored_tokens(application_id: str, full_name: str) -> list[str]:
    """What a case stores to be found: its id, and every prefix of every word of the name, each once."""
    prefixes = (word[:length] for word in words(full_name) for length in range(1, min(len(word), MAX_PREFIX) + 1))
    return list(dict.fromkeys([application_id.casefold(), *prefixes]))


def query_tokens(query: str) -> list[str]:
    """The tokens a search for `query` must all find on a case ([] when it has no word)."""
    return list(dict.fromkeys(word[:MAX_PREFIX] for word in words(query)))
