"""The email channel: inbound mail becomes tickets and replies, notifications go out threaded.

parsing.py turns raw bytes into a ParsedEmail (charsets.py repairs text,
addresses.py finds the sender, mime.py reads even broken structures), loops.py
recognises automatic mail and reads delivery reports, selectors.py finds the
ticket a mail answers and a mail's thread, services/inbound.py stores, threads
and quarantines, services/outbound.py queues and sends,
services/deliverability.py counts bounces per address, imap.py polls a mailbox
(transport: it hands each mail to the inbound service). Tickets and messages are
only ever written through tickets.services.
"""
