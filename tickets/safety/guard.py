"""The agent reply guard: official support never asks for a wallet secret, in any desk language
(English, Simplified and Traditional Chinese, Spanish, French, Indonesian, Vietnamese).

A reply is refused when one of its sentences names a secret (password,
private key, recovery phrase, keystore file, verification code …) and asks
for it (send, tell, provide, reply with, 提供, 发给 …) without being a
warning ("we will never ask for your recovery phrase", "请勿向任何人透露助记词").
Sentences are judged one by one, so a warning in one sentence does not
excuse a request in the next.
"""

from __future__ import annotations

import re
import unicodedata
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
        re.compile(
            r"助记词|助記詞|助记符|助記符|记忆词|記憶詞|恢复短语|恢復短語|种子短语|種子短語|种子词|種子詞|备份短语|備份短語"
        ),
        _("recovery phrase"),
    ),
    (re.compile(r"私钥|私鑰|密钥|密鑰|秘钥|秘鑰"), _("private key")),
    (re.compile(r"keystore|Keystore|KEYSTORE|钱包文件|錢包文件"), _("keystore file")),
    (re.compile(r"(?<!验证)(?<!驗證)密码|(?<!验证)(?<!驗證)密碼|口令|支付密码|支付密碼"), _("password")),
    (re.compile(r"验证码|驗證碼|动态码|動態碼|校验码|校驗碼|短信码|簡訊碼"), _("verification code")),
)
_SECRETS_ES = (
    (re.compile(r"frase\s+(?:de\s+recuperaci[óo]n|semilla|secreta|mnem[óo]nica)|semilla|mnem[óo]nic|"
                r"palabras\s+(?:de\s+recuperaci[óo]n|secretas|semilla)|\b(?:12|24|doce|veinticuatro)\s+palabras", re.I),
     _("recovery phrase")),
    (re.compile(r"clave\s+privada|llave\s+privada|private\s+key", re.I), _("private key")),
    (re.compile(r"keystore|archivo\s+(?:de\s+)?(?:la\s+)?billetera", re.I), _("keystore file")),
    (re.compile(r"contrase[ñn]a|\bpin\b|clave\s+de\s+acceso", re.I), _("password")),
    (re.compile(r"c[óo]digo\s+(?:de\s+)?(?:verificaci[óo]n|seguridad|sms)|\b2fa\b|\botp\b", re.I),
     _("verification code")),
)  # fmt: skip
_SECRETS_FR = (
    (re.compile(r"phrase\s+(?:de\s+r[ée]cup[ée]ration|secr[èe]te|mn[ée]monique)|mn[ée]monique|"
                r"\b(?:12|24|douze|vingt-quatre)\s+mots|mots\s+de\s+r[ée]cup[ée]ration|graine", re.I),
     _("recovery phrase")),
    (re.compile(r"cl[ée]\s+priv[ée]e|private\s+key", re.I), _("private key")),
    (re.compile(r"keystore|fichier\s+(?:du\s+)?portefeuille", re.I), _("keystore file")),
    (re.compile(r"mot\s+de\s+passe|\bpin\b|code\s+secret", re.I), _("password")),
    (re.compile(r"code\s+(?:de\s+)?(?:v[ée]rification|s[ée]curit[ée]|sms|re[çc]u)|\b2fa\b|\botp\b", re.I),
     _("verification code")),
)  # fmt: skip
_SECRETS_ID = (
    (re.compile(r"fras[ae]\s+(?:pemulihan|rahasia|benih)|kata\s+(?:pemulihan|rahasia|kunci\s+pemulihan)|seed\s+phrase|"
                r"mnemonik|\b(?:12|24|dua\s+belas)\s+kata", re.I), _("recovery phrase")),
    (re.compile(r"kunci\s+(?:pribadi|privat|rahasia)|private\s+key", re.I), _("private key")),
    (re.compile(r"keystore|file\s+dompet", re.I), _("keystore file")),
    (re.compile(r"kata\s+sandi|\bsandi\b|password|\bpin\b", re.I), _("password")),
    (re.compile(r"kode\s+(?:verifikasi|otp|sms|keamanan)|\botp\b|\b2fa\b", re.I), _("verification code")),
)  # fmt: skip
_SECRETS_VI = (
    (re.compile(r"cụm\s+từ\s+(?:khôi\s+phục|bí\s+mật|hạt\s+giống|ghi\s+nhớ)|từ\s+khôi\s+phục|mnemonic|"
                r"seed\s+phrase|\b(?:12|24|mười\s+hai)\s+từ", re.I), _("recovery phrase")),
    (re.compile(r"kh(?:óa|oá|oa)\s+(?:riêng|bí\s+mật|cá\s+nhân)|private\s+key", re.I),
     _("private key")),
    (re.compile(r"keystore|tệp\s+ví", re.I), _("keystore file")),
    (re.compile(r"mật\s+khẩu|\bpin\b", re.I), _("password")),
    (re.compile(r"mã\s+(?:xác\s+(?:minh|thực|nhận)|otp|sms|bảo\s+mật)|\botp\b|\b2fa\b", re.I), _("verification code")),
)  # fmt: skip

_ASK_EN = re.compile(
    r"\b(?:send|give|provide|share|tell|reply|respond|submit|upload|forward|dm|email|e-mail|message\s+us|"
    r"need|require|let\s+(?:us|me)\s+know|what(?:'s|\s+is|\s+are)\s+your|confirm\s+your|read\s+(?:out|us)|"
    r"(?:enter|type|paste|input|fill\s+in)\b[^.]{0,60}\b(?:here|below|into\s+(?:this|our|the\s+(?:form|link|page|chat))|"
    r"at\s+\S+\.\S+|on\s+(?:this|our)|in\s+(?:this|the)\s+(?:form|link|page|chat|reply)))",
    re.I,
)
_ASK_ZH = re.compile(
    r"提供|发送|發送|发给|發給|发一下|發一下|发过来|發過來|发我|發我|告诉|告訴|告知|回复|回覆|提交|上传|上傳|截图|截圖|给我|給我|"
    r"私信|报一下|報一下|填写到|填寫到|输入到|輸入到"
)
_ASK_ES = re.compile(
    r"\b(?:env[íi][ea]\w*|mand[ea]\w*|proporcion\w+|facilit\w+|compart[ae]\w*|d[íi]g\w*|dinos|ind[íi]qu\w+|indic\w+|"
    r"escr[íi]b\w+|respond\w*|necesit\w+|requerimos|comuníque\w*|pase\w*|p[ée]gue\w*\s+aqu[íi]|ingres\w+\s+aqu[íi]|"
    r"introduzca\w*\s+aqu[íi]|cu[áa]l\s+es\s+su)",
    re.I,
)
_ASK_FR = re.compile(
    r"\b(?:envoy\w*|envoi\w*|communiqu\w+|donn\w+|fourni\w+|indiqu\w+|partag\w+|transmet\w*|dites|dîtes|"
    r"r[ée]pond\w*|avons\s+besoin|besoin\s+de\s+votre|saisi\w*\s+ici|coll\w+\s+ici|quel(?:le)?\s+est\s+votre)",
    re.I,
)
_ASK_ID = re.compile(
    r"\b(?:kirim\w*|berikan|beri\s+tahu|beritahu\w*|sebutkan|bagikan|tuliskan|balas|perlu|butuh|"
    r"masukkan\s+(?:di\s+sini|ke\s+(?:sini|formulir|tautan))|apa\s+(?:kata\s+sandi|kode|frasa))",
    re.I,
)
_ASK_VI = re.compile(
    r"gửi|cung\s+cấp|cho\s+(?:chúng\s+tôi|tôi|em|mình)\s+(?:biết|xin)|chia\s+sẻ|nhắn|trả\s+lời|"
    r"cần\s+(?:bạn|anh|chị|quý\s+khách)|nhập\s+(?:vào\s+)?(?:đây|form|liên\s+kết)|là\s+gì",
    re.I,
)

_WARNING_EN = re.compile(
    r"\bnever\b|\b(?:do\s+not|don't|please\s+don't|must\s+not|should\s+not|shouldn't|won't|will\s+not|cannot|can't)\s+"
    r"(?:\w+\s+){0,3}?(?:share|send|give|tell|disclose|reveal|enter|type|show|ask|request|need|provide)|"
    r"\b(?:no\s+one|nobody|no\s+employee|no\s+staff)\b|\bscam|\bphishing|\bfraud|\bimpersonat|"
    r"\bkeep\b[^.]{0,40}\b(?:safe|secret|private|offline)",
    re.I,
)
_WARNING_ZH = re.compile(
    r"(?:不要|请勿|請勿|切勿|勿|不会|不會|绝不|絕不|从不|從不|永远不|永遠不|决不|決不|千万别|千萬別|别|別|不得|禁止|不能)"
    r"[^，,。.!！?？]{0,10}?(?:透露|提供|发送|發送|告诉|告訴|分享|泄露|洩露|输入|輸入|索要|索取|要求|询问|詢問|发给|發給|给|給)|"
    r"谨防|謹防|诈骗|詐騙|骗子|騙子|冒充|任何人都不|妥善保管|安全保管"
)
_WARNING_ES = re.compile(
    r"\bnunca\b|\bjam[áa]s\b|\bno\s+(?:\w+\s+){0,3}?(?:comparta|compartas|env[íi]e|env[íi]es|revele|des|d[ée]|"
    r"proporcione|pediremos|pedimos|solicitaremos|solicitamos)|\bnadie\b|\bning[úu]n\b|estafa|fraude|phishing|"
    r"suplant|\bmant[ée]ng\w*\b[^.]{0,40}\b(?:segur|secret|privad)",
    re.I,
)
_WARNING_FR = re.compile(
    r"\bjamais\b|\bne\s+(?:\w+\s+){0,3}?(?:partagez|communiquez|donnez|envoyez|transmettez|divulguez|saisissez)\b|"
    r"\bpersonne\b|\baucun\b|arnaque|escroquer|hame[çc]onnage|phishing|usurp|\bgardez\b[^.]{0,40}\b(?:s[ée]curit|secret|priv)",
    re.I,
)
_WARNING_ID = re.compile(
    r"\bjangan\s+(?:\w+\s+){0,3}?(?:bagikan|berikan|beri\s+tahu|beritahu\w*|kirim\w*|memberi\w*|membagikan|"
    r"mengirim\w*|tunjukkan|masukkan|sebutkan)|tidak\s+(?:akan\s+)?pernah|\bsiapa\s+pun\b|\bsiapapun\b|penipu|phishing|\bmenyamar|"
    r"\b(?:simpan|jaga)\b[^.]{0,40}\b(?:aman|rahasia)|rahasiakan",
    re.I,
)
_WARNING_VI = re.compile(
    r"không\s+bao\s+giờ|đừng\s+(?:\w+\s+){0,2}?(?:chia\s+sẻ|gửi|cung\s+cấp|tiết\s+lộ|nhập|cho\s+ai)|tuyệt\s+đối\s+không|không\s+(?:được\s+|nên\s+)?(?:chia\s+sẻ|gửi|cung\s+cấp|tiết\s+lộ)|"
    r"không\s+ai|bất\s+kỳ\s+ai|lừa\s+đảo|giả\s+mạo|phishing|\b(?:giữ|bảo\s+quản)\b[^.]{0,40}(?:an\s+toàn|bí\s+mật)",
    re.I,
)
# Each language's secrets, the verbs that ask for them and the wording of a warning. Every sentence is
# checked against every language: a reply may mix them, and the ticket's language may be wrong.
_RULES = (
    (_SECRETS_EN, _ASK_EN, _WARNING_EN),
    (_SECRETS_ZH, _ASK_ZH, _WARNING_ZH),
    (_SECRETS_ES, _ASK_ES, _WARNING_ES),
    (_SECRETS_FR, _ASK_FR, _WARNING_FR),
    (_SECRETS_ID, _ASK_ID, _WARNING_ID),
    (_SECRETS_VI, _ASK_VI, _WARNING_VI),
)


@dataclass(frozen=True)
class ReplyViolation:
    """A sentence of the reply that asks for a secret, and which secret."""

    secret: str
    sentence: str


def _sentences(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "")
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _asked_secret(sentence: str) -> str | None:
    for secrets, ask, warning in _RULES:
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
