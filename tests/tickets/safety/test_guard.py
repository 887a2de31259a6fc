"""The agent reply guard: requests for secrets are found in every desk language; warnings and ordinary
requests pass (the refusing service is tested in services/test_intake.py)."""

import pytest
from django.core.exceptions import ValidationError

from tickets.safety.guard import find_secret_requests, validate_no_secret_request

REQUESTS = {
    "en": [
        "Please send us your recovery phrase so we can check.",
        "Could you tell me your 12 words?",
        "Please reply with the verification code you received.",
        "Enter your seed phrase at wallet-sync.io to restore the wallet.",
        "To speed things up, what is your private key?",
        "We need your keystore file and the password to recover the funds.",
        "Don't worry, please send your phrase and we will fix it.",
        "Please DM me your seed phrase.",
    ],
    "zh-hans": [
        "请提供您的助记词，以便我们核实。",
        "请把私钥发给我们。",
        "不要担心，请告诉我您的钱包密码。",
        "请回复您收到的验证码。",
    ],
    "zh-hant": [
        "請提供您的助記詞，以便我們核實。",
        "請把私鑰發給我們。",
        "請告訴我您的錢包密碼。",
        "請回覆您收到的驗證碼。",
        "別擔心，請把助記詞發給我們。",
    ],
    "es": [
        "Por favor, envíenos su frase de recuperación para verificar la cuenta.",
        "¿Nos puede indicar su clave privada?",
        "Necesitamos su contraseña para recuperar los fondos.",
        "Díganos el código de verificación que recibió.",
        "No se preocupe, envíenos su frase semilla y lo resolvemos.",
    ],
    "fr": [
        "Veuillez nous envoyer votre phrase de récupération.",
        "Pouvez-vous nous communiquer votre clé privée ?",
        "Quel est votre mot de passe ?",
        "Merci de nous transmettre le code de vérification reçu par SMS.",
        "Ne vous inquiétez pas, envoyez-nous votre phrase de récupération.",
    ],
    "id": [
        "Silakan kirimkan frasa pemulihan Anda kepada kami.",
        "Mohon berikan kunci pribadi dompet Anda.",
        "Kami perlu kata sandi Anda untuk memulihkan akun.",
        "Tolong sebutkan kode verifikasi yang Anda terima.",
        "Jangan khawatir, kirimkan frasa pemulihan Anda kepada kami.",
    ],
    "vi": [
        "Vui lòng gửi cho chúng tôi cụm từ khôi phục của bạn.",
        "Bạn hãy cung cấp khóa riêng tư của ví.",
        "Mật khẩu ví của bạn là gì?",
        "Xin hãy trả lời bằng mã xác minh bạn nhận được.",
        "Đừng lo, hãy gửi cụm từ khôi phục cho chúng tôi.",
    ],
}
PASSING = {
    "en": [
        "We will never ask for your recovery phrase.",
        "Do not share your private key with anyone.",
        "Please send us the transaction hash and a screenshot.",
        "Please reset your password in the app settings.",
        "Keep your recovery phrase safe and offline.",
        "Anyone asking for your seed phrase is a scammer.",
        "Please enter your password in the app to unlock the wallet.",
        "Thanks, your transfer is confirmed. Never share your 12 words.",
        "Nobody from SupportDesk will ask you for a verification code.",
    ],
    "zh-hans": [
        "请勿向任何人透露助记词",
        "官方客服不会索要您的助记词或私钥。",
        "请妥善保管您的助记词。",
        "我们已收到您的交易哈希，请耐心等待。",
    ],
    "zh-hant": [
        "官方客服絕不會索要您的助記詞或私鑰。",
        "請勿向任何人透露您的密碼。",
        "請妥善保管您的助記詞。",
        "請提供交易哈希和截圖。",
    ],
    "es": [
        "Nunca le pediremos su frase de recuperación.",
        "No comparta su clave privada con nadie.",
        "Por favor, envíenos el hash de la transacción y una captura de pantalla.",
        "Puede restablecer su contraseña en la configuración de la aplicación.",
        "Mantenga su frase semilla segura y sin conexión.",
    ],
    "fr": [
        "Nous ne vous demanderons jamais votre phrase de récupération.",
        "Ne partagez jamais votre clé privée.",
        "Envoyez-nous l'identifiant de la transaction, s'il vous plaît.",
        "Vous pouvez réinitialiser votre mot de passe dans l'application.",
    ],
    "id": [
        "Kami tidak akan pernah meminta frasa pemulihan Anda.",
        "Jangan bagikan kunci pribadi Anda kepada siapa pun.",
        "Silakan kirimkan hash transaksi dan tangkapan layar.",
        "Anda dapat mengatur ulang kata sandi di pengaturan aplikasi.",
    ],
    "vi": [
        "Chúng tôi không bao giờ yêu cầu cụm từ khôi phục của bạn.",
        "Đừng chia sẻ khóa riêng tư với bất kỳ ai.",
        "Vui lòng gửi mã giao dịch và ảnh chụp màn hình.",
        "Bạn có thể đặt lại mật khẩu trong phần cài đặt của ứng dụng.",
    ],
}


def _cases(table):
    return [
        pytest.param(text, id=f"{language}-{i}") for language, texts in table.items() for i, text in enumerate(texts)
    ]


def test_every_desk_language_has_requests_and_passing_replies():
    languages = {"en", "zh-hans", "zh-hant", "es", "fr", "id", "vi"}

    assert set(REQUESTS) == languages
    assert set(PASSING) == languages


@pytest.mark.parametrize("text", _cases(REQUESTS))
def test_requests_for_secrets_are_found(text):
    assert find_secret_requests(text)


@pytest.mark.parametrize("text", _cases(PASSING))
def test_warnings_and_ordinary_requests_pass(text):
    assert find_secret_requests(text) == []


def test_a_warning_does_not_excuse_a_request_in_the_next_sentence():
    [violation] = find_secret_requests("We never ask for passwords. Now please send your private key.")

    assert violation.secret == "private key"


def test_full_width_and_decomposed_text_is_read_like_the_plain_text():
    full_width = "Please send your ｐｒｉｖａｔｅ ｋｅｙ."
    decomposed = "Vui lo\u0300ng gư\u0309i mâ\u0323t khâ\u0309u cu\u0309a ba\u0323n."

    assert [violation.secret for violation in find_secret_requests(full_width)] == ["private key"]
    assert [violation.secret for violation in find_secret_requests(decomposed)] == ["password"]


def test_macro_validator_refuses_requests_and_accepts_warnings():
    validate_no_secret_request("Reminder: we will never ask for your recovery phrase.")

    with pytest.raises(ValidationError, match="recovery phrase"):
        validate_no_secret_request("Hi {{ name }}, please reply with your 12 words so we can restore the wallet.")
