"""The agent reply guard: requests for secrets are found; warnings pass (the refusing service is tested in
services/test_intake.py)."""

import pytest
from django.core.exceptions import ValidationError

from tickets.safety.guard import find_secret_requests, validate_no_secret_request

REQUESTS = [
    "Please send us your recovery phrase so we can check.",
    "Could you tell me your 12 words?",
    "Please reply with the verification code you received.",
    "Enter your seed phrase at wallet-sync.io to restore the wallet.",
    "To speed things up, what is your private key?",
    "We need your keystore file and the password to recover the funds.",
    "Don't worry, please send your phrase and we will fix it.",
    "Please DM me your seed phrase.",
    "请提供您的助记词，以便我们核实。",
    "请把私钥发给我们。",
    "不要担心，请告诉我您的钱包密码。",
    "请回复您收到的验证码。",
]
WARNINGS = [
    "We will never ask for your recovery phrase.",
    "Do not share your private key with anyone.",
    "请勿向任何人透露助记词",
    "官方客服不会索要您的助记词或私钥。",
    "Please send us the transaction hash and a screenshot.",
    "Please reset your password in the app settings.",
    "Keep your recovery phrase safe and offline.",
    "Anyone asking for your seed phrase is a scammer.",
    "Please enter your password in the app to unlock the wallet.",
    "Thanks, your transfer is confirmed. Never share your 12 words.",
    "请妥善保管您的助记词。",
    "我们已收到您的交易哈希，请耐心等待。",
    "Nobody from SupportDesk will ask you for a verification code.",
]


@pytest.mark.parametrize("text", REQUESTS)
def test_requests_for_secrets_are_found(text):
    assert find_secret_requests(text)


@pytest.mark.parametrize("text", WARNINGS)
def test_warnings_and_ordinary_requests_pass(text):
    assert find_secret_requests(text) == []


def test_a_warning_does_not_excuse_a_request_in_the_next_sentence():
    [violation] = find_secret_requests("We never ask for passwords. Now please send your private key.")

    assert violation.secret == "private key"


def test_macro_validator_refuses_requests_and_accepts_warnings():
    validate_no_secret_request("Reminder: we will never ask for your recovery phrase.")

    with pytest.raises(ValidationError, match="recovery phrase"):
        validate_no_secret_request("Hi {{ name }}, please reply with your 12 words so we can restore the wallet.")
