"""The email channel: inbound mail becomes tickets and replies, notifications go out threaded.

parsing.py turns raw bytes into a ParsedEmail, loops.py recognises automatic
mail, inbound.py stores, threads and quarantines, outbound.py queues and sends,
imap.py polls a mailbox. Tickets and messages are only ever written through
tickets.services.
"""
