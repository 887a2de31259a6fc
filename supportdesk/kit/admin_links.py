"""Extra entries of the admin index: a ModelAdmin lists its custom pages under its app.

A ModelAdmin that defines `app_list_links(request) -> list[dict]` gets those entries added to its
app's list by the SupportDesk admin site (supportdesk.admin_site); each entry comes from
`app_list_link`.
"""


def app_list_link(*, key: str, name: str, url: str, model) -> dict:
    """A custom admin page as an entry of an app's list, shaped like Django's model entries."""
    return {"name": name, "object_name": key, "admin_url": url, "add_url": None, "view_only": True, "model": model}
