"""Amending an open application on the status page: the application form prefilled with what was filed, saved as
an amendment (the application goes back through the checks), refused field by field when wrong, and closed once
the application is decided."""
import re

from support.intake import client_from_own_address, csrf_from


def form_fields(html: str) -> dict[str, str]:
    """The values the form's text inputs carry."""
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))


def open_amendment(client, application_id: str, token: str):
    status = client.get(f"/status?application_id={application_id}")
    return client.post("/status/amend", data={"csrf_token": csrf_from(status.text), "application_id": application_id,
                                              "access_token": token})


def test_the_form_comes_prefilled_and_saves_an_amendment(stack, submit, wait_for):
    application_id, token, data = submit()
    with client_from_own_address(stack.url("intake")) as client:
        form = open_amendment(client, application_id, token)
        assert form.status_code == 200 and 'id="save-amendment"' in form.text
        fields = form_fields(form.text)
        assert fields["full_name"] == data["full_name"] and fields["email"] == data["email"]
        assert 'name="cnic"' not in form.text and 'id="cnic-unchangeable"' in form.text  # the CNIC is fixed
        checked = re.findall(r'name="skills" type="checkbox" value="([^"]+)" checked', form.text)
        assert set(checked) == set(data["skills"])
        assert re.search(r'<option value="upwork" selected', form.text)  # the platform's select, too
        answers = {k: v for k, v in fields.items() if k != "skills"}
        answers.update(city="Lahore", province="Punjab", education=data["education"], gender=data["gender"],
                       language="en", skills=data["skills"], platform_1="upwork", listed="yes")
        saved = client.post("/status/amend/save", data=answers)
        assert saved.status_code == 200 and 'id="amended"' in saved.text, saved.text[-2000:]
        view = client.get(f"/api/v1/applications/{application_id}", headers={"Authorization": f"Bearer {token}"})
        assert view.json()["city"] == "Lahore"
        assert "Application amended" in [e["note"] for e in view.json()["timeline"]]


def test_a_wrong_answer_is_shown_on_the_form_and_changes_nothing(stack, submit):
    application_id, token, data = submit()
    with client_from_own_address(stack.url("intake")) as client:
        fields = form_fields(open_amendment(client, application_id, token).text)
        refused = client.post("/status/amend/save", data={**fields, "full_name": "", "email": "not-an-email",
                                                          "skills": data["skills"], "platform_1": "upwork"})
        assert refused.status_code == 422
        assert 'id="full_name-error"' in refused.text and 'id="email-error"' in refused.text
        view = client.get(f"/api/v1/applications/{application_id}", headers={"Authorization": f"Bearer {token}"})
        assert view.json()["full_name"] == data["full_name"]


def test_a_decided_application_cannot_be_amended(stack, submit, wait_for):
    application_id, token, _ = submit()
    with client_from_own_address(stack.url("intake")) as client:
        status = client.get(f"/status?application_id={application_id}")
        withdrawn = client.post("/status/withdraw/confirm", data={"csrf_token": csrf_from(status.text),
                                                                  "application_id": application_id,
                                                                  "access_token": token})
        assert withdrawn.status_code == 200
        assert open_amendment(client, application_id, token).status_code == 409
