import pytest

from directory.domain.search_index import SearchIndex, decode_cursor, normalise


def listing(number, name, city="Lahore", province="Punjab", skills=("python",), platforms=("upwork",),
            headline="Developer", listed=True, revoked=False):
    return {"registration_number": number, "full_name": name, "city": city, "province": province,
            "skills": list(skills), "platforms": [{"platform": p, "profile_url": f"https://{p}.com/x"} for p in platforms],
            "headline": headline, "listed": listed, "revoked": revoked, "valid_until": "2099-01-01"}


@pytest.fixture
def index():
    idx = SearchIndex()
    idx.put(listing("N1", "Ayesha Khan", skills=("python", "web-development")))
    idx.put(listing("N2", "Bilal Ahmed", city="Karachi", province="Sindh", skills=("seo",), platforms=("fiverr",),
                    headline="SEO consultant"))
    idx.put(listing("N3", "محمد علی", city="Peshawar", province="Khyber Pakhtunkhwa", skills=("graphic-design",)))
    idx.put(listing("N4", "José Ángel", skills=("data-analysis",)))
    idx.put(listing("N5", "Hidden Person", listed=False))
    return idx


def numbers(result):
    return [item["registration_number"] for item in result["items"]]


def test_everything_listed_in_a_stable_order(index):
    assert numbers(index.search()) == ["N1", "N2", "N4", "N3"]  # by name; Urdu script sorts after Latin


@pytest.mark.parametrize("query,expected", [
    ("ayes", ["N1"]), ("AYESHA kh", ["N1"]), ("jose", ["N4"]), ("angel", ["N4"]), ("محم", ["N3"]),
    ("seo", ["N2"]), ("web dev", ["N1"]), ("consult", ["N2"]), ("nobody", []), ("hidden", []),
])
def test_prefixes_of_names_headlines_and_skills(index, query, expected):
    assert numbers(index.search(q=query)) == expected


def test_filters_combine(index):
    assert numbers(index.search(province="Punjab")) == ["N1", "N4"]
    assert numbers(index.search(province="Punjab", skill="python")) == ["N1"]
    assert numbers(index.search(city="karachi", platform="fiverr")) == ["N2"]
    assert numbers(index.search(province="Sindh", skill="python")) == []


def test_facets_count_the_current_result(index):
    facets = index.search(province="Punjab")["facets"]
    assert facets["province"] == {"Punjab": 2}
    assert facets["skill"] == {"python": 1, "web-development": 1, "data-analysis": 1}


def test_cursor_pages_through_everything_once(index):
    seen, cursor = [], None
    while True:
        page = index.search(limit=1, cursor=cursor)
        seen += numbers(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["N1", "N2", "N4", "N3"]


def test_updates_and_removals(index):
    index.put(listing("N1", "Ayesha Khan", revoked=True))
    assert numbers(index.search(q="ayesha")) == []
    index.put(listing("N2", "Bilal Ahmed", city="Multan"))
    assert numbers(index.search(city="karachi")) == [] and numbers(index.search(city="Multan")) == ["N2"]
    assert len(index) == 3


def test_expired_registrations_only_when_asked_also_after_a_load():
    expired = {**listing("N6", "Ayesha Malik"), "expired": True}
    loaded = SearchIndex()
    loaded.load([listing("N1", "Ayesha Khan"), expired])
    added = SearchIndex()
    added.put(listing("N1", "Ayesha Khan"))
    added.put(expired)
    for idx in (loaded, added):
        assert numbers(idx.search(q="ayesha")) == ["N1"]
        assert numbers(idx.search(q="ayesha", include_expired=True)) == ["N1", "N6"]
        idx.put(listing("N6", "Ayesha Malik"))  # renewed: listed afresh, not expired
        assert numbers(idx.search(q="ayesha")) == ["N1", "N6"]


def test_garbage_cursor_is_refused():
    with pytest.raises(ValueError):
        decode_cursor("not-a-cursor")


def test_normalise_folds_case_accents_and_urdu_variants():
    assert normalise("ÁNGEL") == "angel"
    assert normalise("علي") == normalise("علی")


def test_listings_added_after_a_load_page_in_name_order_with_the_loaded_ones():
    idx = SearchIndex()
    idx.load([listing(f"L{i}", name) for i, name in enumerate(["Bano", "Dua", "Fiza"])])
    idx.put(listing("T1", "Asma"))
    idx.put(listing("T2", "Eman"))
    idx.put(listing("L1", "Gul"))  # renamed: leaves its loaded place for the tail
    seen, cursor = [], None
    while True:
        page = idx.search(limit=2, cursor=cursor)
        seen += [item["full_name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Asma", "Bano", "Eman", "Fiza", "Gul"]
    assert idx.search(q="gu")["total"] == 1 and idx.search(q="dua")["total"] == 0
    assert idx.search()["facets"]["city"] == {"Lahore": 5}


def test_compacting_is_asked_for_only_when_many_were_added_since_the_load():
    idx = SearchIndex()
    idx.load([listing(f"L{i}", f"Name {i}") for i in range(10)])
    for i in range(2000):
        idx.put(listing(f"T{i}", f"Tail {i}"))
    assert not idx.needs_compacting()
    idx.put(listing("T-last", "Tail last"))
    assert idx.needs_compacting()


def test_frequent_words_answer_the_same_through_their_bitsets():
    idx = SearchIndex()
    idx.load([listing(f"N{i}", f"Khan {i}" if i % 2 else f"Malik {i}") for i in range(200)])
    assert "khan" in idx.word_bits and "1" not in idx.word_bits  # frequent words only
    assert idx.search(q="kha")["total"] == 100
    idx.put(listing("N1", "Renamed One"))
    idx.put(listing("N300", "Khan New"))
    assert idx.search(q="khan")["total"] == 100 and idx.search(q="khan new")["total"] == 1
    idx.remove("N3")
    assert idx.search(q="kh")["total"] == 99
