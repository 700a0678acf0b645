"""The HTML form's fields, turned into the same data the JSON API takes, and its errors back into messages."""
from werkzeug.datastructures import MultiDict

PLATFORM_ROWS = 3
_TEXT_FIELDS = ("full_name", "father_name", "cnic", "date_of_birth", "gender", "email", "mobile", "province", "city",
                "address", "education", "portfolio_url", "headline", "language")
_OPTIONAL = ("father_name", "portfolio_url")


def application_from_form(form: MultiDict) -> dict:
    data = {name: form.get(name, "").strip() for name in _TEXT_FIELDS}
    for name in _OPTIONAL:
        if not data[name]:
            data[name] = None
    data["language"] = data["language"] or "en"
    data["skills"] = form.getlist("skills")
    years = form.get("experience_years", "").strip()
    data["experience_years"] = int(years) if years.isdigit() and len(years) < 4 else years
    data["platforms"] = [
        {"platform": form.get(f"platform_{i}", "").strip(), "profile_url": form.get(f"profile_url_{i}", "").strip()}
        for i in range(1, PLATFORM_ROWS + 1)
        if form.get(f"platform_{i}", "").strip() or form.get(f"profile_url_{i}", "").strip()
    ]
    data["listed"] = form.get("listed") == "yes"
    data["consent"] = form.get("consent") == "yes"
    return data


def messages_by_field(errors: dict) -> dict[str, list[str]]:
    """Marshmallow's nested errors ({"platforms": {0: {"profile_url": [...]}}}) flattened for display."""
    flat = {}
    for field, messages in errors.items():
        flat[field] = list(_flatten(messages))
    return flat


def _flatten(messages):
    if isinstance(messages, dict):
        for key, inner in messages.items():
            for message in _flatten(inner):
                yield f"Row {key + 1}: {message}" if isinstance(key, int) else message
    elif isinstance(messages, list):
        for message in messages:
            yield from _flatten(message)
    else:
        yield str(messages)
