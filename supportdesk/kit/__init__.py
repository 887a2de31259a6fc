"""The bottom layer: shared building blocks that know no domain.

Nothing here imports a SupportDesk app (tickets, feedback, knowledge, training, workforce) or the
top-layer wiring of `supportdesk`; import-linter checks it (.importlinter). Put a helper here when
two apps need it and it would be the same code in both.
"""
