"""The HTML form's fields, turned into the same data the JSON API takes, and its errors back into messages."""
from werkzeug.datastructures import MultiDict

PLATFORM_ROWS = 3
_TEXT_FIELDS = ("full_name", "father_name", "cnic", "gender", "email", "mobile", "province", "city",
                "address", "education", "portfolio_url", "headline", "language")
_OPTIONAL = ("father_name", "portfolio_url")


def application_from_form(form: MultiDict) -> dict:
    data = {name: form.get(name, "").strip() for name in _TEXT_FIELDS}
    for name in _OPTIONAL:
        if not data[name]:
            data[name] = None
    data["language"] = data["language"] or "en"
    data["date_of_birth"] = date_from_parts(*(form.get(f"date_of_birth-{part}", "").strip()
                                              for part in ("day", "month", "year")))
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


def date_from_parts(day: str, month: str, year: str) -> str:
    """GOV.UK's date input (three boxes) as the ISO date the schema reads: "" when all are empty, and
    something the schema refuses ("Not a valid date.") when a part is missing or not a number."""
    if not (day or month or year):
        return ""
    if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
        return f"{year}-{month}-{day}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


# What a question page says when a field was left empty, as the GOV.UK pattern words it ("Enter …",
# "Choose …"); the schema's own message ("Length must be between 1 and 100.") explains nothing to a person.
WHEN_EMPTY = {
    "full_name": "Enter your full name as it is on your CNIC", "cnic": "Enter your CNIC number",
    "date_of_birth": "Enter your date of birth", "gender": "Choose your gender", "email": "Enter your email address",
    "mobile": "Enter your mobile number", "province": "Choose your province or territory", "city": "Enter your city",
    "address": "Enter your address", "education": "Choose your highest education",
    "experience_years": "Enter your years of freelancing experience, as a number",
    "skills": "Choose at least one skill", "platforms": "Add at least one freelancing profile",
    "headline": "Enter a headline for the public directory", "consent": "Confirm the declaration to apply",
}


def messages_by_field(errors: dict, form: MultiDict, translate=lambda message: message) -> dict[str, list[str]]:
    """Marshmallow's nested errors ({"platforms": {0: {"profile_url": [...]}}}) flattened for display, each
    in the page's language (`translate`), an empty field's as the form words it (WHEN_EMPTY)."""
    flat = {}
    for field, messages in errors.items():
        if field in WHEN_EMPTY and _left_empty(field, form):
            flat[field] = [translate(WHEN_EMPTY[field])]
        else:
            flat[field] = list(_flatten(messages, translate))
    return flat


def _left_empty(field: str, form: MultiDict) -> bool:
    if field == "skills":
        return not form.getlist("skills")
    if field == "platforms":
        return not any(form.get(f"platform_{i}", "").strip() for i in range(1, PLATFORM_ROWS + 1))
    if field == "date_of_birth":
        return not any(form.get(f"date_of_birth-{part}", "").strip() for part in ("day", "month", "year"))
    return not form.get(field, "").strip()


def _flatten(messages, translate):
    if isinstance(messages, dict):
        for key, inner in messages.items():
            for message in _flatten(inner, translate):
                yield translate("Profile %(number)s: %(message)s") % {"number": key + 1, "message": message} \
                    if isinstance(key, int) else message
    elif isinstance(messages, list):
        for message in messages:
            yield from _flatten(message, translate)
    else:
        yield translate(str(messages))
