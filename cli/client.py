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
    """A service answered with an error: its problem details, as it gave them."""

    def __init__(self, service: str, status: int, detail: str,
                 errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(f"{service} answered {status}: {detail}")
        self.service = service
        self.status = status
        self.detail = detail
        self.errors = errors or []


class ServiceUnreachable(Exception):
    """Nothing answered at a service's URL (connection refused, or no such host)."""

    def __init__(self, service: str, url: str, how: str = "is not answering") -> None:
        super().__init__(f"the {service} service {how} at {url}")
        self.service = service
        self.url = url


@dataclass
class QaClient:
    person_id: str
    role: str
    urls: dict[str, str] = field(default_factory=service_urls)
    timeout: float = 10.0
    # Tests hand in an httpx.MockTransport; in use it is the network.
    transport: httpx.BaseTransport | None = None

    def _headers(self, idempotency_key: str | None = None) -> dict[str, str]:
        headers = {"X-Actor-Id": self.person_id, "X-Actor-Role": self.role}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def _send(self, service: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.urls[service]
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                return client.request(method, url + path, **kwargs)
        except httpx.ConnectError as error:
            raise ServiceUnreachable(service, url) from error
        except httpx.TimeoutException as error:
            raise ServiceUnreachable(service, url,
                                     f"did not answer within {self.timeout:.0f} s") from error

    def post(self, service: str, path: str, body: dict[str, Any],
             idempotency_key: str | None = None) -> Any:
        # A key on every command: a retry after a lost answer is then safe.
        response = self._send(service, "POST", path, json=body,
                              headers=self._headers(idempotency_key or str(uuid.uuid4())))
        return self._answer(service, response)

    def post_csv(self, service: str, path: str, text: str, idempotency_key: str | None = None,
                 **params: Any) -> Any:
        headers = {**self._headers(idempotency_key or str(uuid.uuid4())),
                   "content-type": "text/csv"}
        response = self._send(service, "POST", path, content=text.encode(), headers=headers,
                              params=params)
        return self._answer(service, response)

    def get(self, service: str, path: str, **params: Any) -> Any:
        response = self._send(service, "GET", path, headers=self._headers(),
                              params={k: v for k, v in params.items() if v is not None})
        return self._answer(service, response)

    def get_text(self, service: str, path: str, **params: Any) -> str:
        return self._get_document(service, path, params).text

    def get_bytes(self, service: str, path: str, **params: Any) -> bytes:
        return self._get_document(service, path, params).content

    def _get_document(self, service: str, path: str, params: dict[str, Any]
                      ) -> httpx.Response:
        response = self._send(service, "GET", path, headers=self._headers(),
                              params={k: v for k, v in params.items() if v is not None})
        if response.status_code >= 400:
            self._answer(service, response)
        return response

    @staticmethod
    def _answer(service: str, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            if isinstance(body, dict):
                raise ServiceError(service, response.status_code,
                                   str(body.get("detail", body.get("title", ""))),
                                   body.get("errors"))
            raise ServiceError(service, response.status_code, str(body)[:500])
        return body

    def as_(self, person_id: str, role: str) -> QaClient:
        return QaClient(person_id, role, self.urls, self.timeout, self.transport)
