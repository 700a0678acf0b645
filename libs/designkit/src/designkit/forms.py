"""Small helpers the pages' templates use to pass a form's state to GOV.UK Frontend's macros."""


def error_message(errors: dict, name: str) -> dict | None:
    """A field's `errorMessage` parameter: its messages joined, or None when the field is valid."""
    messages = (errors or {}).get(name)
    return {"text": " ".join(str(m) for m in messages)} if messages else None


def options(choices, selected, placeholder: str | None = None) -> list[dict]:
    """`items` for govukSelect from (value, text) pairs, the submitted value selected."""
    items = [{"value": "", "text": placeholder}] if placeholder is not None else []
    items += [{"value": value, "text": text, "selected": value == selected} for value, text in choices]
    return items


def checkbox_items(choices, checked) -> list[dict]:
    """`items` for govukCheckboxes from (value, text) pairs, the submitted values checked."""
    checked = set(checked or ())
    return [{"value": value, "text": text, "checked": value in checked} for value, text in choices]
