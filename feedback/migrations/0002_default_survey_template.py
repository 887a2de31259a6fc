"""The default survey: the three seeded dimensions, overall satisfaction, "solved?" and a comment (en, zh-hans)."""

from django.db import migrations

QUESTIONS = [
    # position, dimension, kind, required, English, Simplified Chinese
    (1, "overall", "rating", True, "Overall, how satisfied are you with the help you received?",
     "总体而言，您对本次服务满意吗？"),
    (2, "attitude", "rating", False, "How friendly and respectful was our agent?", "客服人员的服务态度如何？"),
    (3, "speed", "rating", False, "How quickly was your request handled?", "您的问题处理得够快吗？"),
    (4, "professionalism", "rating", False, "How knowledgeable and professional was our agent?",
     "客服人员的专业程度如何？"),
    (5, "solved", "yes_no", False, "Was your problem solved?", "您的问题解决了吗？"),
    (6, "comment", "text", False, "Anything else you would like to tell us?", "还有什么想告诉我们的吗？"),
]  # fmt: skip


def create_default_template(apps, schema_editor):
    template_model = apps.get_model("feedback", "SurveyTemplate")
    question_model = apps.get_model("feedback", "SurveyQuestion")
    if template_model.objects.filter(is_default=True).exists():
        return
    template = template_model.objects.create(name="Default satisfaction survey", is_default=True, is_active=True)
    question_model.objects.bulk_create(
        question_model(
            template=template,
            position=position,
            dimension=dimension,
            kind=kind,
            required=required,
            text=english,
            translations={"zh-hans": chinese},
        )
        for position, dimension, kind, required, english, chinese in QUESTIONS
    )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create_default_template, migrations.RunPython.noop)]
