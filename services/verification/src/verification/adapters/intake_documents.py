"""Fetches an applicant's documents from intake with verification's service credential."""
import httpx


class DocumentUnavailable(Exception):
    pass


class IntakeDocuments:
    def __init__(self, base_url: str, service_token: str):
        self.base_url, self.service_token = base_url.rstrip("/"), service_token

    def fetch(self, application_id: str, kind: str) -> tuple[str, bytes]:
        """(content type, content) of one document."""
        try:
            response = httpx.get(f"{self.base_url}/api/v1/applications/{application_id}/documents/{kind}",
                                 headers={"Authorization": f"Bearer {self.service_token}"}, timeout=15)
        except httpx.HTTPError as exc:
            raise DocumentUnavailable(f"intake did not answer: {exc}") from exc
        if response.status_code != 200:
            raise DocumentUnavailable(f"intake answered {response.status_code}")
        return response.headers.get("content-type", "application/octet-stream"), response.content
