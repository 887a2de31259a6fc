import re

from django.db import migrations, models

PLACEHOLDER = "[customer link]"
# The survey and complaint-confirmation links as rendered before the placeholder existed
# (/portal/survey/<token>/ and /portal/complaints/confirm/<token>/, absolute with SITE_URL).
LINK = re.compile(r"https?://[^\s\"'<>]*?/portal/(?:survey|complaints/confirm)/[^\s\"'<>/]+/")
UNSENT = ("queued", "sending", "retrying", "failed")


def redact_stored_links(apps, schema_editor):
    """Stored mails no longer show customer links: the link moves to customer_link while the mail may
    still be sent, and is dropped from mails already sent."""
    OutboundEmail = apps.get_model("tickets", "OutboundEmail")
    rows = OutboundEmail.objects.filter(kind__in=("survey", "complaint")).only(
        "id", "status", "body_text", "body_html", "customer_link"
    )
    changed = []
    for row in rows.iterator(chunk_size=500):
        found = LINK.search(row.body_text) or LINK.search(row.body_html)
        if found is None:
            continue
        if row.status in UNSENT:
            row.customer_link = found.group(0).replace("&amp;", "&")
        row.body_text = LINK.sub(PLACEHOLDER, row.body_text)
        row.body_html = LINK.sub(PLACEHOLDER, row.body_html)
        changed.append(row)
    OutboundEmail.objects.bulk_update(changed, ["body_text", "body_html", "customer_link"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0013_outbound_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="customer_link",
            field=models.TextField(blank=True, editable=False, verbose_name="customer link"),
        ),
        migrations.RunPython(redact_stored_links, migrations.RunPython.noop, elidable=True),
    ]
