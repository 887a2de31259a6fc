"""Seed the default category tree; administrators edit it in the admin afterwards."""

from django.db import migrations

CATEGORIES = [
    ("account-security", "Account & security", "账户与安全", "high"),
    ("transaction", "Transaction", "交易问题", "high"),
    ("technical", "Technical", "技术问题", "normal"),
    ("wallet-function", "Wallet function", "钱包功能", "normal"),
    ("complaint", "Complaint", "投诉", "high"),
    ("suggestion", "Suggestion", "建议", "low"),
    ("other", "Other", "其他", "normal"),
]


def seed_categories(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    for position, (slug, name, name_zh, priority) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "translations": {"zh-hans": name_zh},
                "default_priority": priority,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]
