"""The registrant's certificate, downloaded from the status page: rendered on request from the registration as it
stands now (its number, the name and skills filed, the validity the latest issue or renewal gave it), with a QR
code to the public directory's verify page, so it is never a stale copy of an old email's attachment."""
from domainkit import lifecycle
from intake.service_layer.dependencies import Dependencies
from intake.service_layer.submissions import current_data

# A certificate is handed out while the registration is in force (a renewal under way keeps it so); an expired or
# revoked registration has none: verify says what it is.
CERTIFIED = (lifecycle.APPROVED, lifecycle.RENEWAL_REQUESTED)


class NoCertificate(Exception):
    """The application has no registration in force."""


def certificate_of(deps: Dependencies, doc: dict) -> bytes:
    """The PDF certificate of the registration `doc` holds; NoCertificate when it holds none in force."""
    decision = doc.get("decision") or {}
    if doc["status"] not in CERTIFIED or not decision.get("registration_number"):
        raise NoCertificate(doc["status"])
    data = current_data(deps, doc)
    number = decision["registration_number"]
    return deps.render_certificate(data["full_name"], number, data.get("skills", []), issued_on(doc),
                                   decision["valid_until"], f"{deps.directory_public_url}/verify/{number}",
                                   benefit=(deps.tax_benefit.sentence("en"), deps.tax_benefit.sentence("ur")))


def issued_on(doc: dict) -> str:
    """The day the registration was last issued or renewed: its latest move to `approved` on the timeline."""
    moments = [entry["at"] for entry in doc["timeline"] if entry["status"] == lifecycle.APPROVED]
    return max(moments).date().isoformat() if moments else doc["updated_at"].date().isoformat()
