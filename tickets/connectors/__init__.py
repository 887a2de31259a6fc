"""Social and phone channels (issue 25): Telegram, SMS and the hotline in the same queue as every other channel.

base.py is the connector interface and the registry (settings.CONNECTORS); telegram.py and twilio.py are
the providers; views.py the signed webhooks; services/ every write (inbound threading through
tickets.services, outbound sends with idempotency keys and retries, channel identities, phone calls).
Named `connectors` because `channels` is the Django Channels library.
"""
