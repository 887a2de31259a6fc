"""Seed the business calendars, SLA policies and keyword rules that reproduce the promises:
chat answered in minutes, email/phone and failed transactions within a working day
(8 business hours on weekdays 9–21, weekends 10–18, Asia/Shanghai), 24/7 for security
emergencies. Also the django-q2 schedule of the SLA sweep. Administrators edit all of
it in the admin afterwards; re-running changes nothing that exists.
"""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations

from supportdesk.roles import sync_role_groups

SUPPORT_HOURS = "Support hours"
ALWAYS_OPEN = "Security 24/7"

POLICIES = [
    # name, position, conditions, calendar, first response / next response / resolution (business minutes), escalate
    ("Security emergency", 10, {"match_priority": "urgent"}, ALWAYS_OPEN, (30, 60, 8 * 60), "l3"),
    ("VIP customers", 20, {"match_vip": True}, SUPPORT_HOURS, (2 * 60, 4 * 60, 16 * 60), ""),
    ("Chat hand-off", 30, {"match_channel": "bot"}, SUPPORT_HOURS, (5, 10, 8 * 60), ""),
    ("Failed transaction", 40, {"category_slug": "transaction"}, SUPPORT_HOURS, (8 * 60, 8 * 60, 24 * 60), ""),
    ("Email, phone and other channels", 50, {}, SUPPORT_HOURS, (8 * 60, 8 * 60, 40 * 60), ""),
]

KEYWORD_RULES = [
    # name, keywords, category slug, priority, tier, applies even when a category was chosen
    ("Suspected theft", ["stolen", "被盗", "盗币", "drained", "hacked", "unauthorized transfer", "资产丢失"],
     "account-security", "urgent", "l3", True),
    ("Phishing or impersonation", ["phishing", "钓鱼", "scam", "诈骗", "impersonat", "冒充", "fake support"],
     "account-security", "high", "", False),
    ("Transfer problem", ["tx hash", "txid", "transaction hash", "转账", "交易", "stuck", "未到账", "not received"],
     "transaction", "", "", False),
    ("Login and password", ["password", "密码", "login", "登录", "2fa"], "account-security", "", "", False),
    ("App problem", ["crash", "闪退", "error", "报错", "bug"], "technical", "", "", False),
]  # fmt: skip


def seed(apps, schema_editor):
    BusinessCalendar = apps.get_model("tickets", "BusinessCalendar")
    BusinessHours = apps.get_model("tickets", "BusinessHours")
    Holiday = apps.get_model("tickets", "Holiday")
    SLAPolicy = apps.get_model("tickets", "SLAPolicy")
    KeywordRule = apps.get_model("tickets", "KeywordRule")
    Category = apps.get_model("tickets", "Category")
    Schedule = apps.get_model("django_q", "Schedule")

    support, created = BusinessCalendar.objects.get_or_create(
        name=SUPPORT_HOURS, defaults={"time_zone": "Asia/Shanghai"}
    )
    if created:
        weekday, weekend = (datetime.time(9), datetime.time(21)), (datetime.time(10), datetime.time(18))
        BusinessHours.objects.bulk_create(
            BusinessHours(calendar=support, weekday=day, opens=(weekday if day < 5 else weekend)[0],
                          closes=(weekday if day < 5 else weekend)[1])
            for day in range(7)
        )  # fmt: skip
        Holiday.objects.create(calendar=support, date=datetime.date(2026, 1, 1), name="New Year's Day", recurring=True)
    calendars = {
        SUPPORT_HOURS: support,
        ALWAYS_OPEN: BusinessCalendar.objects.get_or_create(name=ALWAYS_OPEN, defaults={"is_24_7": True})[0],
    }
    categories = {category.slug: category for category in Category.objects.all()}
    for name, position, conditions, calendar, (first, following, resolution), escalate in POLICIES:
        conditions = dict(conditions)
        slug = conditions.pop("category_slug", None)
        if slug is not None:
            if slug not in categories:
                continue
            conditions["match_category"] = categories[slug]
        SLAPolicy.objects.get_or_create(
            name=name,
            defaults={
                "position": position,
                "calendar": calendars[calendar],
                "first_response_minutes": first,
                "next_response_minutes": following,
                "resolution_minutes": resolution,
                "escalate_to_tier": escalate,
                **conditions,
            },
        )
    for position, (name, keywords, slug, priority, tier, always) in enumerate(KEYWORD_RULES):
        if slug not in categories or KeywordRule.objects.filter(name=name).exists():
            continue
        KeywordRule.objects.create(
            name=name,
            keywords="\n".join(keywords),
            category=categories[slug],
            priority=priority,
            tier=tier,
            applies_always=always,
            position=position * 10,
        )
    Schedule.objects.get_or_create(
        name="SLA sweep",
        defaults={"func": "tickets.sla.tasks.sla_sweep", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def grant_new_permissions(apps, schema_editor):
    """The role groups were synced before these models existed: create their permissions and sync again."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def unseed_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="SLA sweep").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_routing_sla"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
        ("supportdesk", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(seed, unseed_schedule),
        migrations.RunPython(grant_new_permissions, migrations.RunPython.noop),
    ]
