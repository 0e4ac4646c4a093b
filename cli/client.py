"""A small HTTP client for the five services, used by the `qa` tool and the demo loader."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

SERVICES = ("allocation", "audit", "moderation", "tracker", "reporting")
DEFAULT_PORTS = {name: 8001 + index for index, name in enumerate(SERVICES)}


def service_urls() -> dict[str, str]:
    return {
        name: os.environ.get(f"QA_{name.upper()}_URL", f"http://127.0.0.1:{port}")
        for name, port in DEFAULT_PORTS.items()
    }


class ServiceError(Exception):
    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class ServiceUnreachable(Exception):
    """Nothing answered at a service's URL (connection refused, or no such host)."""

    def __init__(self, service: str, url: str) -> None:
        super().__init__(f"the {service} service is not answering at {url}")
        self.service = service
        self.url = url


@dataclass
class QaClient:
    person_id: str
    role: str
    urls: dict[str, str] = field(default_factory=service_urls)
    timeout: float = 10.0

    def _headers(self, idempotency_key: str | None) -> dict[str, str]:
        headers = {"X-Actor-Id": self.person_id, "X-Actor-Role": self.role}
        headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        return headers

    def _send(self, service: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.urls[service]
        try:
            return httpx.request(method, url + path, timeout=self.timeout, **kwargs)
        except httpx.ConnectError as error:
            raise ServiceUnreachable(service, url) from error

    def post(self, service: str, path: str, body: dict[str, Any],
             idempotency_key: str | None = None) -> Any:
        response = self._send(service, "POST", path, json=body,
                              headers=self._headers(idempotency_key))
        return self._answer(response)

    def get(self, service: str, path: str, **params: Any) -> Any:
        response = self._send(service, "GET", path,
                              headers={"X-Actor-Id": self.person_id, "X-Actor-Role": self.role},
                              params={k: v for k, v in params.items() if v is not None})
        return self._answer(response)

    def get_text(self, service: str, path: str) -> str:
        response = self._send(service, "GET", path)
        if response.status_code >= 400:
            raise ServiceError(response.status_code, response.text)
        return response.text

    @staticmethod
    def _answer(response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            detail = body.get("detail", body) if isinstance(body, dict) else body
            raise ServiceError(response.status_code, detail)
        return body

    def as_(self, person_id: str, role: str) -> QaClient:
        return QaClient(person_id, role, self.urls, self.timeout)
