"""Subject access export: one ZIP of everything the desk holds on a customer, in their language.

Built by a job into a temporary file, written entry by entry (records are read with iterators and
attachment files copied in chunks), so memory stays flat whatever the history. The ZIP holds
`data.json` (machine-readable), `index.html` (the same, readable, in the customer's language) and
`attachments/`. It is downloaded through a signed link that expires after PRIVACY_EXPORT_LINK_MINUTES
(the customer's own portal session is checked as well); the file is deleted after PRIVACY_EXPORT_KEEP_DAYS.
Internal notes are left out: they are staff working notes, produced on request only after review.
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import zipfile
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_q.tasks import async_task

from feedback.models import Suggestion, SurveyResponse
from knowledge.models import BotConversation
from privacy.models import AccessRequest, ConsentRecord, ExportStatus
from tickets.complaints.models import Complaint
from tickets.models import Attachment, Customer, Ticket, TicketMessage

SIGNING_SALT = "privacy.export"
CHUNK = 64 * 1024


def export_request(*, customer: Customer, actor, by_staff: bool = False) -> AccessRequest:
    """Queue an export. Customers ask for their own (the portal re-authenticates them first);
    staff need privacy.add_accessrequest."""
    if by_staff and not actor.has_perm("privacy.add_accessrequest"):
        raise PermissionDenied
    if not by_staff and customer.user_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        request = AccessRequest.objects.create(
            customer=customer,
            token=secrets.token_hex(16),
            requested_by=actor,
            by_staff=by_staff,
            language=customer.language,
        )
        transaction.on_commit(partial(async_task, "privacy.tasks.build_export", request.pk))
    return request


def download_token(request: AccessRequest) -> str:
    return signing.TimestampSigner(salt=SIGNING_SALT).sign(request.token)


def export_for_token(token: str) -> AccessRequest | None:
    """The ready export a link names, or None if the link is forged, expired or the file gone."""
    try:
        value = signing.TimestampSigner(salt=SIGNING_SALT).unsign(
            token, max_age=timedelta(minutes=settings.PRIVACY_EXPORT_LINK_MINUTES)
        )
    except signing.BadSignature:
        return None
    return AccessRequest.objects.filter(token=value, status=ExportStatus.READY).select_related("customer").first()


# Building ---------------------------------------------------------------------------------------


def _customer_data(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "name": customer.name,
        "email": customer.email,
        "other_emails": list(customer.other_emails.values_list("email", flat=True)),
        "phone": customer.phone,
        "language": customer.language,
        "country": customer.country,
        "created_at": customer.created_at,
        "wallet_addresses": list(customer.wallet_addresses.values("chain", "address", "label")),
        "secret_exposed_at": customer.secret_exposed_at,
    }


def _tickets(customer: Customer):
    """Each ticket with its public messages and attachments, one at a time."""
    tickets = Ticket.objects.filter(customer=customer).select_related("category").order_by("pk")
    for ticket in tickets.iterator(chunk_size=200):
        messages = TicketMessage.objects.filter(ticket=ticket).public().order_by("created_at", "id")
        yield {
            "reference": ticket.reference,
            "subject": ticket.subject,
            "status": ticket.get_status_display(),
            "channel": ticket.get_channel_display(),
            "category": ticket.category.label() if ticket.category else "",
            "created_at": ticket.created_at,
            "closed_at": ticket.closed_at,
            "transaction": {
                "chain": ticket.chain,
                "tx_hash": ticket.tx_hash,
                "from_address": ticket.from_address,
                "to_address": ticket.to_address,
                "amount": ticket.amount,
                "asset": ticket.asset,
            },
            "device": {"app_version": ticket.app_version, "device": ticket.device, "os": ticket.os},
            "messages": [
                {
                    "from": message.get_author_kind_display(),
                    "at": message.created_at,
                    "body": message.body,
                    "attachments": [
                        {"name": a.filename, "file": _attachment_path(ticket, a), "size": a.size}
                        for a in message.attachments.all()
                    ],
                }
                for message in messages.prefetch_related("attachments").iterator(chunk_size=200)
            ],
        }


def _attachment_path(ticket: Ticket, attachment: Attachment) -> str:
    return f"attachments/{ticket.reference}/{attachment.pk}-{attachment.filename}"


def _other_records(customer: Customer) -> dict:
    conditions = {"user_id": customer.user_id} if customer.user_id else {"pk__in": []}
    return {
        "complaints": [
            {
                "ticket": f"SD-{c.ticket_id:06d}",
                "about": c.get_subject_display(),
                "stage": c.get_stage_display(),
                "desired_outcome": c.desired_outcome,
                "resolution": c.resolution_summary,
                "your_comment": c.customer_comment,
                "remedies": [
                    {
                        "kind": r.get_kind_display(),
                        "amount": r.amount,
                        "asset": r.asset,
                        "status": r.get_status_display(),
                    }
                    for r in c.remedies.all()
                ],
            }
            for c in Complaint.objects.filter(ticket__customer=customer).prefetch_related("remedies")
        ],
        "surveys": list(
            SurveyResponse.objects.filter(invitation__customer=customer).values(
                "invitation__ticket_id", "overall", "attitude", "speed", "professionalism", "comment", "submitted_at"
            )
        ),
        "suggestions": list(Suggestion.objects.filter(customer=customer).values("title", "body", "created_at")),
        "bot_conversations": [
            {"started": chat.created_at, "messages": list(chat.messages.values("role", "text", "created_at"))}
            for chat in BotConversation.objects.filter(**conditions).prefetch_related("messages")
        ],
        "consents": list(
            ConsentRecord.objects.filter(customer=customer).values(
                "purpose", "channel", "granted", "notice_version", "recorded_at"
            )
        ),
    }


def _copy_attachments(archive: zipfile.ZipFile, customer: Customer) -> int:
    copied = 0
    attachments = Attachment.objects.filter(message__ticket__customer=customer, message__is_internal=False)
    for attachment in attachments.select_related("message__ticket").iterator(chunk_size=200):
        with (
            attachment.file.open("rb") as source,
            archive.open(_attachment_path(attachment.message.ticket, attachment), "w") as target,
        ):
            shutil.copyfileobj(source, target, CHUNK)
        copied += 1
    return copied


def _write_archive(archive: zipfile.ZipFile, request: AccessRequest) -> None:
    """data.json, then index.html, then the files: a ZIP takes one open entry at a time, so the
    tickets are streamed once per entry."""
    customer = request.customer
    profile, others = _customer_data(customer), _other_records(customer)
    generated = timezone.now()
    with archive.open("data.json", "w") as raw:
        head = json.dumps({"generated_at": generated, "customer": profile, **others}, cls=DjangoJSONEncoder, indent=1)
        raw.write(head[: -len("\n}")].encode() + b',\n "tickets": [')
        for index, ticket in enumerate(_tickets(customer)):
            raw.write((b",\n" if index else b"\n") + json.dumps(ticket, cls=DjangoJSONEncoder).encode())
        raw.write(b"\n ]\n}\n")
    context = {"customer": profile, "generated_at": generated, "language": translation.get_language(), **others}
    with archive.open("index.html", "w") as page:
        page.write(render_to_string("privacy/export/head.html", context).encode())
        for ticket in _tickets(customer):
            page.write(render_to_string("privacy/export/ticket.html", {"ticket": ticket}).encode())
        page.write(render_to_string("privacy/export/tail.html", context).encode())
    _copy_attachments(archive, customer)


def export_build(*, request_id: int) -> AccessRequest | None:
    request = AccessRequest.objects.select_related("customer").filter(pk=request_id, status=ExportStatus.QUEUED).first()
    if request is None:
        return None
    try:
        with tempfile.TemporaryFile() as spool:
            with (
                zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive,
                translation.override(request.language),
            ):
                _write_archive(archive, request)
            size = spool.tell()
            spool.seek(0)
            request.file.save(f"{request.token}.zip", File(spool), save=False)
    except Exception as error:
        AccessRequest.objects.filter(pk=request.pk).update(status=ExportStatus.FAILED, error=repr(error)[:2000])
        raise
    now = timezone.now()
    request.status, request.size, request.ready_at = ExportStatus.READY, size, now
    request.expires_at = now + timedelta(days=settings.PRIVACY_EXPORT_KEEP_DAYS)
    request.save(update_fields=["file", "status", "size", "ready_at", "expires_at"])
    return request


def exports_expire() -> int:
    """Scheduled: deletes export files whose time is up."""
    expired = AccessRequest.objects.filter(status=ExportStatus.READY, expires_at__lte=timezone.now())
    count = 0
    for request in expired.iterator():
        if request.file.name:
            request.file.storage.delete(request.file.name)
        AccessRequest.objects.filter(pk=request.pk).update(status=ExportStatus.EXPIRED, file="")
        count += 1
    return count
