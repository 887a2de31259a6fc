"""Complaint handling: a complaint is a ticket with a tracked workflow and a remedy ledger.

intake → investigation → resolution_proposed → awaiting_confirmation → closed
(see models.STAGE_TRANSITIONS); every write is in services.py.
"""
