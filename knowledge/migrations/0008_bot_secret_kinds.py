"""The FAQ bot scrubs what visitors type (knowledge.services.bot_ask): remember which kinds of secret were
removed, and remove those already stored in earlier bot questions."""

from django.db import migrations, models

from tickets.safety.detect import find_secrets, redact_findings


def redact_stored_questions(apps, schema_editor) -> None:
    messages = apps.get_model("knowledge", "BotMessage").objects.using(schema_editor.connection.alias)
    conversations = apps.get_model("knowledge", "BotConversation").objects.using(schema_editor.connection.alias)
    for message in messages.filter(role="user").only("id", "text", "conversation_id").iterator(chunk_size=500):
        certain = [finding for finding in find_secrets(message.text) if finding.is_certain]
        if not certain:
            continue
        messages.filter(pk=message.pk).update(text=redact_findings(message.text, certain))
        conversation = conversations.get(pk=message.conversation_id)
        conversation.secret_kinds = sorted({*conversation.secret_kinds, *(finding.kind for finding in certain)})
        conversation.save(update_fields=["secret_kinds"])


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0007_bot_handoff_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="botconversation",
            name="secret_kinds",
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name="secrets removed"),
        ),
        migrations.RunPython(redact_stored_questions, migrations.RunPython.noop),
    ]
