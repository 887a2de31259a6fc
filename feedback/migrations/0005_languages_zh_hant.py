"""Traditional Chinese joins the desk languages; the default survey's questions in every portal language."""

from django.db import migrations, models

# By the English text of the default questions; added where the question has no text in that language yet.
QUESTION_TEXTS = {
    "Overall, how satisfied are you with the help you received?": {
        "zh-hant": "整體而言，您對本次服務滿意嗎？",
        "es": "En general, ¿qué tan satisfecho está con la ayuda que recibió?",
        "fr": "Dans l'ensemble, êtes-vous satisfait de l'aide reçue\u00a0?",
        "id": "Secara keseluruhan, seberapa puas Anda dengan bantuan yang Anda terima?",
        "vi": "Nhìn chung, bạn hài lòng đến mức nào với sự hỗ trợ đã nhận được?",
    },
    "How friendly and respectful was our agent?": {
        "zh-hant": "客服人員的服務態度如何？",
        "es": "¿Qué tan amable y respetuoso fue nuestro agente de soporte?",
        "fr": "Notre conseiller a-t-il été aimable et respectueux\u00a0?",
        "id": "Seberapa ramah dan sopan agen dukungan kami?",
        "vi": "Nhân viên hỗ trợ của chúng tôi thân thiện và lịch sự đến mức nào?",
    },
    "How quickly was your request handled?": {
        "zh-hant": "您的問題處理得夠快嗎？",
        "es": "¿Qué tan rápido se atendió su solicitud?",
        "fr": "Votre demande a-t-elle été traitée rapidement\u00a0?",
        "id": "Seberapa cepat permintaan Anda ditangani?",
        "vi": "Yêu cầu của bạn được xử lý nhanh đến mức nào?",
    },
    "How knowledgeable and professional was our agent?": {
        "zh-hant": "客服人員的專業程度如何？",
        "es": "¿Qué tan competente y profesional fue nuestro agente de soporte?",
        "fr": "Notre conseiller a-t-il été compétent et professionnel\u00a0?",
        "id": "Seberapa paham dan profesional agen dukungan kami?",
        "vi": "Nhân viên hỗ trợ của chúng tôi am hiểu và chuyên nghiệp đến mức nào?",
    },
    "Was your problem solved?": {
        "zh-hant": "您的問題解決了嗎？",
        "es": "¿Se resolvió su problema?",
        "fr": "Votre problème a-t-il été résolu\u00a0?",
        "id": "Apakah masalah Anda sudah terselesaikan?",
        "vi": "Vấn đề của bạn đã được giải quyết chưa?",
    },
    "Anything else you would like to tell us?": {
        "zh-hant": "還有什麼想告訴我們的嗎？",
        "es": "¿Hay algo más que quiera decirnos?",
        "fr": "Souhaitez-vous nous dire autre chose\u00a0?",
        "id": "Ada hal lain yang ingin Anda sampaikan kepada kami?",
        "vi": "Bạn có muốn chia sẻ thêm điều gì với chúng tôi không?",
    },
}


def translate_default_questions(apps, schema_editor):
    question_model = apps.get_model("feedback", "SurveyQuestion")
    for question in question_model.objects.filter(text__in=QUESTION_TEXTS):
        missing = {
            code: text for code, text in QUESTION_TEXTS[question.text].items() if code not in question.translations
        }
        if missing:
            question.translations = {**question.translations, **missing}
            question.save(update_fields=["translations"])


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_survey_answered_via"),
    ]

    operations = [
        migrations.AlterField(
            model_name="suggestion",
            name="language",
            field=models.CharField(
                choices=[
                    ("en", "English"),
                    ("zh-hans", "Simplified Chinese"),
                    ("zh-hant", "Traditional Chinese"),
                    ("es", "Spanish"),
                    ("fr", "French"),
                    ("id", "Indonesian"),
                    ("vi", "Vietnamese"),
                ],
                default="en",
                max_length=10,
                verbose_name="language",
            ),
        ),
        migrations.AlterField(
            model_name="surveyinvitation",
            name="language",
            field=models.CharField(
                choices=[
                    ("en", "English"),
                    ("zh-hans", "Simplified Chinese"),
                    ("zh-hant", "Traditional Chinese"),
                    ("es", "Spanish"),
                    ("fr", "French"),
                    ("id", "Indonesian"),
                    ("vi", "Vietnamese"),
                ],
                max_length=10,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(translate_default_questions, migrations.RunPython.noop),
    ]
