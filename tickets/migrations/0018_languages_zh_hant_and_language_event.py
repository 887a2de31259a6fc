"""Traditional Chinese joins the desk languages; the seeded categories get their names in every portal language;
the timeline gets a "language changed" event."""

from django.db import migrations, models

# Added where the administrator has not already named the category in that language.
CATEGORY_NAMES = {
    "account-security": {"zh-hant": "帳戶與安全", "es": "Cuenta y seguridad", "fr": "Compte et sécurité",
                         "id": "Akun & keamanan", "vi": "Tài khoản & bảo mật"},
    "transaction": {"zh-hant": "交易問題", "es": "Transacciones", "fr": "Transactions", "id": "Transaksi",
                    "vi": "Giao dịch"},
    "technical": {"zh-hant": "技術問題", "es": "Problemas técnicos", "fr": "Problème technique",
                  "id": "Masalah teknis", "vi": "Sự cố kỹ thuật"},
    "wallet-function": {"zh-hant": "錢包功能", "es": "Funciones de la billetera", "fr": "Fonctions du portefeuille",
                        "id": "Fitur dompet", "vi": "Chức năng ví"},
    "complaint": {"zh-hant": "投訴", "es": "Reclamación", "fr": "Réclamation", "id": "Pengaduan", "vi": "Khiếu nại"},
    "suggestion": {"zh-hant": "建議", "es": "Sugerencia", "fr": "Suggestion", "id": "Saran", "vi": "Góp ý"},
    "other": {"zh-hant": "其他", "es": "Otro", "fr": "Autre", "id": "Lainnya", "vi": "Khác"},
}  # fmt: skip


def name_categories(apps, schema_editor):
    category_model = apps.get_model("tickets", "Category")
    for category in category_model.objects.filter(slug__in=CATEGORY_NAMES):
        missing = {
            code: name for code, name in CATEGORY_NAMES[category.slug].items() if code not in category.translations
        }
        if missing:
            category.translations = {**category.translations, **missing}
            category.save(update_fields=["translations"])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0017_roles_customer_link_and_merges"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contactrequest",
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
            model_name="customer",
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
                verbose_name="preferred language",
            ),
        ),
        migrations.AlterField(
            model_name="ticket",
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
            model_name="ticketevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("status", "Status changed"),
                    ("assignment", "Assignment changed"),
                    ("team", "Team changed"),
                    ("priority", "Priority changed"),
                    ("category", "Category changed"),
                    ("language", "Language changed"),
                    ("tier", "Tier changed"),
                    ("tags", "Tags changed"),
                    ("merge", "Merged"),
                    ("reply", "Public reply"),
                    ("note", "Internal note"),
                    ("customer_message", "Customer message"),
                    ("customer_merge", "Customer merged"),
                    ("customer_link", "Portal login linked"),
                    ("secret_exposed", "Secret removed"),
                    ("secret_suspected", "Possible secret"),
                    ("reply_blocked", "Reply blocked"),
                    ("verification", "Identity verification"),
                    ("customer_warned", "Customer warned"),
                    ("complaint", "Complaint opened"),
                    ("complaint_stage", "Complaint stage changed"),
                    ("complaint_update", "Complaint details changed"),
                    ("remedy", "Remedy"),
                    ("complaint_follow_up", "Complaint follow-up"),
                    ("sla_warning", "SLA at risk"),
                    ("sla_breach", "SLA breached"),
                    ("exposure_step", "Exposure checklist"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(name_categories, migrations.RunPython.noop),
    ]
