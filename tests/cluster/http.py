"""A tiny HTTP client for the cluster tests: explicit cookies (the production cookies are Secure, and the
loopback cluster speaks plain http, so a browser-like client would drop them)."""

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass
class Response:
    status: int
    headers: dict
    body: str

    @property
    def upstream(self) -> str:
        return self.headers.get("X-Upstream", "")


@dataclass
class Browser:
    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None, timeout: float = 10, **headers) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)  # noqa: S310 - loopback
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
            request.add_header("Origin", self.base_url)
            request.add_header("Referer", self.base_url + path)
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            with _OPENER.open(request, timeout=timeout) as answer:
                response = Response(answer.status, dict(answer.headers), answer.read().decode(errors="replace"))
                raw_cookies = answer.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            response = Response(error.code, dict(error.headers), error.read().decode(errors="replace"))
            raw_cookies = error.headers.get_all("Set-Cookie") or []
        for cookie in raw_cookies:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def get(self, path: str, **headers) -> Response:
        return self.request("GET", path, **headers)

    def post(self, path: str, data: dict, **headers) -> Response:
        return self.request("POST", path, data=data, **headers)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
