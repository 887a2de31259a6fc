"""Seed block explorer links per chain, flag the account & security category as needing identity
verification, and grant the role groups the permissions of the new models."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from supportdesk.roles import sync_role_groups

EXPLORERS = [
    ("ethereum", "Etherscan", "https://etherscan.io/address/{address}", "https://etherscan.io/tx/{tx}"),
    ("bsc", "BscScan", "https://bscscan.com/address/{address}", "https://bscscan.com/tx/{tx}"),
    ("polygon", "PolygonScan", "https://polygonscan.com/address/{address}", "https://polygonscan.com/tx/{tx}"),
    ("arbitrum", "Arbiscan", "https://arbiscan.io/address/{address}", "https://arbiscan.io/tx/{tx}"),
    ("bitcoin", "mempool.space", "https://mempool.space/address/{address}", "https://mempool.space/tx/{tx}"),
    ("tron", "Tronscan", "https://tronscan.org/#/address/{address}", "https://tronscan.org/#/transaction/{tx}"),
    ("eos", "Bloks.io", "https://bloks.io/account/{address}", "https://bloks.io/transaction/{tx}"),
]


def seed(apps, schema_editor):
    ExplorerLink = apps.get_model("tickets", "ExplorerLink")
    for chain, name, address_url, tx_url in EXPLORERS:
        ExplorerLink.objects.get_or_create(
            chain=chain, defaults={"name": name, "address_url": address_url, "tx_url": tx_url}
        )
    apps.get_model("tickets", "Category").objects.filter(slug="account-security").update(requires_verification=True)
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_wallet_safety"),
        ("supportdesk", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
