"""The design system in a Flask app: language choice and its cookie, direction, versioned assets, filters."""
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from designkit import assets, formatting, install_design


@pytest.fixture
def app(tmp_path: Path):
    app = Flask("sample", static_folder=None)
    app.add_url_rule("/", "home", lambda: render_template_string(
        '{% extends "designkit/layout.html" %}{% block content %}<p id="today">{{ when|day }}</p>{% endblock %}',
        when="2026-12-02"))
    app.add_url_rule("/form", "form", lambda: "posted", methods=["POST"])
    install_design(app, translations=tmp_path, home_endpoint="home", service_name="Sample service")
    return app


def test_english_by_default_urdu_when_asked_and_remembered(app):
    client = app.test_client()
    assert '<html lang="en" dir="ltr"' in client.get("/").text
    chosen = client.get("/?lang=ur")
    assert '<html lang="ur" dir="rtl"' in chosen.text and "registry.rtl.css" in chosen.text
    assert "lang=ur" in chosen.headers["Set-Cookie"] and "HttpOnly" in chosen.headers["Set-Cookie"]
    assert '<html lang="ur" dir="rtl"' in client.get("/").text  # the cookie remembers the choice
    assert '<html lang="en"' in client.get("/?lang=en").text


def test_the_browsers_language_is_respected_and_unknown_ones_ignored(app):
    client = app.test_client()
    assert 'lang="ur"' in client.get("/", headers={"Accept-Language": "ur-PK,ur;q=0.9,en;q=0.5"}).text
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "fr-FR"}).text
    assert 'lang="en"' in client.get("/?lang=xx").text


def test_the_urdu_page_says_its_words_and_dates_in_urdu(app):
    page = app.test_client().get("/?lang=ur").text
    assert "پاکستان سافٹ ویئر ایکسپورٹ بورڈ" in page  # designkit's own catalogue, compiled by make install
    assert "دسمبر" in page.split('id="today">')[1]


def test_the_language_switch_keeps_the_page_and_its_query(app):
    page = app.test_client().get("/?q=python").text
    assert 'href="/?q=python&amp;lang=ur"' in page


def test_assets_are_served_with_their_version_and_cached_for_a_year(app):
    client = app.test_client()
    version = assets.manifest()["registry.css"]
    with client.get(f"/assets/registry.css?v={version}") as fresh:
        assert fresh.status_code == 200 and fresh.cache_control.immutable
    with client.get("/assets/registry.css?v=old") as stale:
        assert stale.status_code == 200 and stale.cache_control.max_age == 300 and not stale.cache_control.immutable
    assert client.get("/assets/../../setup.py").status_code == 404
    with client.get("/assets/fonts/NotoNastaliqUrdu-Regular.ttf") as font:
        assert font.status_code == 200


def test_numbers_and_codes_stay_left_to_right_inside_urdu_text():
    assert formatting.isolated_ltr("35202-1234567-1") == "\u206635202-1234567-1\u2069"
