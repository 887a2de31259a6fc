import time

import jwt
import pytest
from rest_framework.test import APIClient

from supportdesk.api_auth import ClientRateThrottle
from supportdesk.models import ApiScope
from supportdesk.services import api_token_create, app_key_create


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "100000/min"})


@pytest.fixture
def api():
    return APIClient()


def token_client(user, scope=ApiScope.WRITE) -> APIClient:
    _token, plain = api_token_create(user=user, name="test", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


@pytest.fixture
def app_credentials(db):
    app_key, plain, secret = app_key_create(name="Wallet app")
    return app_key, plain, secret


def customer_token(secret: str, email: str, *, expires_in: int = 300, **claims) -> str:
    return jwt.encode({"sub": email, "exp": int(time.time()) + expires_in, **claims}, secret, algorithm="HS256")
