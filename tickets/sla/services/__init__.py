"""SLA writes: the clocks of one ticket (called by the ticket services) and the sweep (a django-q2 schedule)."""
