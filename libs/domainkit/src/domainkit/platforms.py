"""Freelancing platforms and where their public profiles live."""
from urllib.parse import urlsplit

from domainkit.reasons import reason

PLATFORM_DOMAINS = {
    "upwork": ("upwork.com",),
    "fiverr": ("fiverr.com",),
    "freelancer": ("freelancer.com",),
    "peopleperhour": ("peopleperhour.com",),
    "toptal": ("toptal.com",),
    "guru": ("guru.com",),
    "linkedin": ("linkedin.com",),
    "github": ("github.com",),
    "other": (),  # any https address
}
PLATFORMS = tuple(PLATFORM_DOMAINS)
PLATFORM_NAMES = {"upwork": "Upwork", "fiverr": "Fiverr", "freelancer": "Freelancer.com",
                  "peopleperhour": "PeoplePerHour", "toptal": "Toptal", "guru": "Guru",
                  "linkedin": "LinkedIn", "github": "GitHub", "other": "Other"}


def profile_url_problem(platform: str, url: str) -> str | None:
    """Why `url` can't be a profile on `platform`, or None when it can."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return reason("url_invalid")
    if parts.scheme != "https":
        return reason("url_not_https")
    if not host or "." not in host or parts.username or parts.password or port not in (None, 443):
        return reason("url_invalid")
    domains = PLATFORM_DOMAINS[platform]
    if domains and not any(host == d or host.endswith("." + d) for d in domains):
        return reason("url_wrong_site", domains=" or ".join(domains))
    return None
