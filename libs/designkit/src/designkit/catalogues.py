"""The message catalogues of every package that serves pages: extract, update, compile, check.

A package takes part when it has `src/<package>/translations/`. Its messages are what pybabel finds in
its Python code (`_`, `gettext`, `lazy_gettext`, `N_`) and Jinja templates, plus the terms its optional
`<package>.vocabulary.terms()` lists: words that reach a page from data rather than from code (skill
names, statuses, timeline notes), which no extractor can see.

    python -m designkit.catalogues update   # refresh each messages.pot and merge it into every .po
    python -m designkit.catalogues compile  # .po -> .mo (make install runs it)
    python -m designkit.catalogues check    # exit 1, listing them, when a language misses a message

`make i18n` runs update; a unit test runs check, so a new English string without its Urdu fails the build.
"""
import argparse
import importlib
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[4]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "N_": None, "ngettext": (1, 2)}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
LANGUAGES = ("ur",)


@dataclass(frozen=True)
class Package:
    name: str
    source: Path  # src/<name>

    @property
    def translations(self) -> Path:
        return self.source / "translations"

    def po_file(self, language: str) -> Path:
        return self.translations / language / "LC_MESSAGES" / "messages.po"


def packages(root: Path = ROOT) -> list[Package]:
    """Every package under libs/ and services/ that has a translations folder."""
    found = []
    for folder in sorted([*root.glob("libs/*/src/*/translations"), *root.glob("services/*/src/*/translations")]):
        found.append(Package(folder.parent.name, folder.parent))
    return found


def template_of(package: Package) -> Catalog:
    """The package's messages, as a catalogue template (.pot)."""
    catalog = Catalog(project=f"Freelancer Registry {package.name}", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(package.source), METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True):
        if "/translations/" in filename or "/static/" in filename:
            continue
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    for term in _vocabulary(package):
        if term and term not in catalog:
            catalog.add(term, locations=[("vocabulary.py", 0)])
    return catalog


def _vocabulary(package: Package) -> list[str]:
    try:
        module = importlib.import_module(f"{package.name}.vocabulary")
    except ModuleNotFoundError as missing:
        if missing.name not in (package.name, f"{package.name}.vocabulary"):
            raise
        return []
    return [str(term) for term in module.terms()]


def update(package: Package) -> None:
    template = template_of(package)
    package.translations.mkdir(parents=True, exist_ok=True)
    _write(package.translations / "messages.pot", template)
    for language in LANGUAGES:
        path = package.po_file(language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project=template.project, charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, catalog, ignore_obsolete=True)


def compile_all(package: Package) -> None:
    for language in LANGUAGES:
        path = package.po_file(language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            with path.with_suffix(".mo").open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)


def missing(package: Package) -> dict[str, list[str]]:
    """language -> the package's messages that language has no (non-fuzzy) translation for."""
    template = template_of(package)
    gaps = {}
    for language in LANGUAGES:
        path = package.po_file(language)
        translated = {}
        if path.exists():
            with path.open("rb") as handle:
                translated = {m.id: m for m in read_po(handle, locale=language) if m.id}
        gaps[language] = [m.id for m in template if m.id and not _done(translated.get(m.id))]
    return gaps


def _done(message) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(s.strip() for s in strings)


def _write(path: Path, catalog: Catalog, **options) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False, **options)
    path.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m designkit.catalogues", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("update", "compile", "check"))
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this checkout)")
    args = parser.parse_args(argv)
    failed = False
    for package in packages(args.root):
        if args.action == "update":
            update(package)
            print(f"{package.name}: {package.translations}/messages.pot and {', '.join(LANGUAGES)} updated")
        elif args.action == "compile":
            compile_all(package)
        else:
            for language, ids in missing(package).items():
                if ids:
                    failed = True
                    print(f"{package.name} [{language}]: {len(ids)} untranslated", *ids, sep="\n  ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
