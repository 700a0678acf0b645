"""The registry's design system, shared by every service that serves pages.

`install_design(app, ...)` gives a Flask app the page layout (`designkit/layout.html`), GOV.UK
Frontend's component macros (`govuk_frontend_jinja/...`), the built stylesheets and fonts at a
versioned URL, the language choice (English or Urdu, remembered in a cookie), and locale-aware
date and number filters. The stylesheets are built from npm packages by `make install`
(libs/designkit/assets/build.mjs); nothing is fetched from another origin at run time.
"""
from designkit.setup import install_design

__all__ = ["install_design"]
