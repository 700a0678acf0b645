"""Fetches an applicant's documents from intake with verification's service credential, streamed: a 5 MB
scan passes through in chunks instead of being held whole in the web worker's memory."""
from collections.abc import Iterator

import httpx

CHUNK_BYTES = 64 * 1024


class DocumentUnavailable(Exception):
    pass


class IntakeDocuments:
    def __init__(self, base_url: str, service_token: str):
        self.base_url, self.service_token = base_url.rstrip("/"), service_token

    def fetch(self, application_id: str, kind: str) -> tuple[str, Iterator[bytes]]:
        """(content type, the content's chunks) of one document; DocumentUnavailable when intake does not
        hand it over. The connection closes once the chunks are read (or the iterator is closed)."""
        client = httpx.Client(timeout=15)
        request = client.build_request("GET", f"{self.base_url}/api/v1/applications/{application_id}/documents/{kind}",
                                       headers={"Authorization": f"Bearer {self.service_token}"})
        try:
            response = client.send(request, stream=True)
        except httpx.HTTPError as exc:
            client.close()
            raise DocumentUnavailable(f"intake did not answer: {exc}") from exc
        if response.status_code != 200:
            response.close()
            client.close()
            raise DocumentUnavailable(f"intake answered {response.status_code}")

        def chunks() -> Iterator[bytes]:
            try:
                yield from response.iter_bytes(CHUNK_BYTES)
            finally:
                response.close()
                client.close()
        return response.headers.get("content-type", "application/octet-stream"), chunks()
