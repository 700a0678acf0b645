"""SMS: an HTTP gateway with a configurable request body, or (by default) a local sink of files."""
import datetime as dt
import json
import os
import uuid
from pathlib import Path

import httpx

from notification.domain.messages import PermanentFailure, TransientFailure
from servicekit.sinks import mailbox_folder


class FileSmsSink:
    """Keeps each message as <dir>/<recipient>/<time>-<id>.json, as a real gateway would receive it."""

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def send(self, to: str, text: str, message_key: str) -> str:
        mailbox = self.directory / mailbox_folder(to)
        mailbox.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        path = mailbox / f"{stamp}-{uuid.uuid4().hex[:8]}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"to": to, "text": text, "message_key": message_key}, ensure_ascii=False))
        os.replace(tmp, path)
        return path.name


class HttpSmsGateway:
    def __init__(self, url: str, body_template: str, timeout: float = 10.0):
        self.url, self.body_template, self.timeout = url, body_template, timeout

    def send(self, to: str, text: str, message_key: str) -> str:
        body = self.body_template.replace("{to}", json.dumps(to)[1:-1]).replace("{text}", json.dumps(text)[1:-1])
        try:
            response = httpx.post(self.url, content=body.encode(), timeout=self.timeout,
                                  headers={"Content-Type": "application/json", "Idempotency-Key": message_key})
        except httpx.HTTPError as exc:
            raise TransientFailure(f"gateway unreachable: {exc}") from exc
        if response.status_code in (400, 404, 422):
            raise PermanentFailure(f"gateway refused the message: {response.status_code}")
        if response.status_code >= 300:
            raise TransientFailure(f"gateway answered {response.status_code}")
        return response.headers.get("X-Message-Id", "")
