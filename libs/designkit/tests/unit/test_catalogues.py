"""Every page's words exist in Urdu: the catalogue of every package that serves pages (designkit's layout and
domain vocabulary, intake, directory, the console) has a non-fuzzy Urdu translation for every message its code,
templates and vocabulary can show. A new English string without its Urdu fails here, naming it."""
import pytest

from designkit import catalogues

PACKAGES = catalogues.packages()


def test_the_packages_that_serve_pages_all_have_catalogues():
    assert {p.name for p in PACKAGES} >= {"designkit", "intake", "directory", "verification"}


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_every_message_has_its_urdu_translation(package):
    gaps = catalogues.missing(package)
    assert gaps == {"ur": []}, f"{package.name}: run `make i18n`, then translate in {package.po_file('ur')}: {gaps}"


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_translations_keep_the_placeholders_of_their_message(package):
    """A translation that drops or renames %(day)s would crash the page or lose the value."""
    import re

    from babel.messages.pofile import read_po
    with package.po_file("ur").open("rb") as handle:
        for message in read_po(handle, locale="ur"):
            ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            wanted = set(re.findall(r"%\(\w+\)s", ids[-1]))
            for string in strings:
                assert set(re.findall(r"%\(\w+\)s", string)) == wanted, (package.name, message.id, string)


def test_a_missing_translation_is_reported(tmp_path):
    """The check itself can fail: a package with one untranslated message is reported."""
    source = tmp_path / "libs" / "sample" / "src" / "sample"
    (source / "templates").mkdir(parents=True)
    (source / "templates" / "page.html").write_text("<p>{{ _('Hello') }} {{ _('World') }}</p>")
    (source / "translations").mkdir()
    [package] = catalogues.packages(tmp_path)
    catalogues.update(package)
    po = package.po_file("ur")
    po.write_text(po.read_text().replace('msgid "Hello"\nmsgstr ""', 'msgid "Hello"\nmsgstr "سلام"'))
    assert catalogues.missing(package) == {"ur": ["World"]}
