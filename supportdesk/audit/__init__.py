"""The read audit: who saw which customer record, when and from where (issue 19).

`models` holds the append-only AuditEntry; `recording` is what views call (`audit_read`) and what
the middleware calls once per request (`audit_flush`: one INSERT for everything the page showed);
`admin` is the viewer for supervisors and security officers (`supportdesk.view_auditentry`).
"""
