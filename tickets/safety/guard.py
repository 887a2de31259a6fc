"""The agent reply guard: official support never asks for a wallet secret.

A reply is refused when one of its sentences names a secret (password,
private key, recovery phrase, keystore file, verification code …) and asks
for it (send, tell, provide, reply with, 提供, 发给 …) without being a
warning ("we will never ask for your recovery phrase", "请勿向任何人透露助记词").
Sentences are judged one by one, so a warning in one sentence does not
excuse a request in the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|[。！？!?\n；;]+")

# What may never be asked for, with the label shown to the agent.
_SECRETS_EN = (
    (re.compile(r"recovery\s+(?:phrase|words|seed)|\b(?:your|the)\s+phrase\b|seed\s*(?:phrase|words)?\b|mnemonic|secret\s+(?:recovery\s+)?phrase|"
                r"backup\s+phrase|\b(?:12|24|twelve|twenty[- ]four)[- ]words?\b", re.I), _("recovery phrase")),
    (re.compile(r"private\s+keys?|priv\s*key|secret\s+key", re.I), _("private key")),
    (re.compile(r"keystore", re.I), _("keystore file")),
    (re.compile(r"pass\s?words?|passcode|\bpin\b", re.I), _("password")),
    (re.compile(r"verification\s+code|\b2fa\b|\botp\b|one[- ]time\s+(?:pass)?code|sms\s+code|authenticator\s+code|"
                r"security\s+code", re.I), _("verification code")),
)  # fmt: skip
_SECRETS_ZH = (
    (
        re.compile(r"助记词|助記詞|助记符|记忆词|恢复短语|恢復短語|种子短语|種子短語|种子词|备份短语"),
        _("recovery phrase"),
    ),
    (re.compile(r"私钥|私鑰|密钥|密鑰|秘钥"), _("private key")),
    (re.compile(r"keystore|Keystore|KEYSTORE|钱包文件"), _("keystore file")),
    (re.compile(r"(?<!验证)密码|口令|支付密码"), _("password")),
    (re.compile(r"验证码|驗證碼|动态码|校验码|短信码"), _("verification code")),
)

_ASK_EN = re.compile(
    r"\b(?:send|give|provide|share|tell|reply|respond|submit|upload|forward|dm|email|e-mail|message\s+us|"
    r"need|require|let\s+(?:us|me)\s+know|what(?:'s|\s+is|\s+are)\s+your|confirm\s+your|read\s+(?:out|us)|"
    r"(?:enter|type|paste|input|fill\s+in)\b[^.]{0,60}\b(?:here|below|into\s+(?:this|our|the\s+(?:form|link|page|chat))|"
    r"at\s+\S+\.\S+|on\s+(?:this|our)|in\s+(?:this|the)\s+(?:form|link|page|chat|reply)))",
    re.I,
)
_ASK_ZH = re.compile(
    r"提供|发送|發送|发给|發給|发一下|发过来|发我|告诉|告訴|告知|回复|回覆|提交|上传|上傳|截图|截圖|给我|私信|报一下|填写到|输入到"
)

_WARNING_EN = re.compile(
    r"\bnever\b|\b(?:do\s+not|don't|please\s+don't|must\s+not|should\s+not|shouldn't|won't|will\s+not|cannot|can't)\s+"
    r"(?:\w+\s+){0,3}?(?:share|send|give|tell|disclose|reveal|enter|type|show|ask|request|need|provide)|"
    r"\b(?:no\s+one|nobody|no\s+employee|no\s+staff)\b|\bscam|\bphishing|\bfraud|\bimpersonat|"
    r"\bkeep\b[^.]{0,40}\b(?:safe|secret|private|offline)",
    re.I,
)
_WARNING_ZH = re.compile(
    r"(?:不要|请勿|請勿|切勿|勿|不会|不會|绝不|絕不|从不|從不|永远不|永遠不|决不|千万别|千萬別|别|不得|禁止|不能)"
    r"[^，,。.!！?？]{0,10}?(?:透露|提供|发送|發送|告诉|告訴|分享|泄露|洩露|输入|輸入|索要|索取|要求|询问|詢問|发给|發給|给)|"
    r"谨防|謹防|诈骗|詐騙|骗子|騙子|冒充|任何人都不|妥善保管|安全保管"
)


@dataclass(frozen=True)
class ReplyViolation:
    """A sentence of the reply that asks for a secret, and which secret."""

    secret: str
    sentence: str


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part and part.strip()]


def _asked_secret(sentence: str) -> str | None:
    for secrets, ask, warning in ((_SECRETS_EN, _ASK_EN, _WARNING_EN), (_SECRETS_ZH, _ASK_ZH, _WARNING_ZH)):
        named = [str(label) for pattern, label in secrets if pattern.search(sentence)]
        if named and ask.search(sentence) and not warning.search(sentence):
            return named[0]
    return None


def find_secret_requests(text: str) -> list[ReplyViolation]:
    """Sentences of an agent's text that ask the customer for a secret (empty list: the text may be sent)."""
    violations = []
    for sentence in _sentences(text):
        secret = _asked_secret(sentence)
        if secret is not None:
            violations.append(ReplyViolation(secret=secret, sentence=sentence))
    return violations


def validate_no_secret_request(text: str) -> None:
    """Field validator for texts agents send later (macros, canned replies): refuse at save time."""
    violations = find_secret_requests(text)
    if violations:
        raise ValidationError(
            _("This text asks the customer for their %(secret)s, which official support never does: %(sentence)s"),
            params={"secret": violations[0].secret, "sentence": violations[0].sentence[:200]},
            code="secret_request",
        )
