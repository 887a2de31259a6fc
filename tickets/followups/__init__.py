"""Progress updates and reminders (issue 24, item 10): the desk writes to the customer when nobody else does.

- Complaints under way and escalated tickets get a progress update at the team's interval: the step the case
  is at and what happens next (never internal notes or staff-only fields); none when someone already wrote
  to the customer within the interval.
- Tickets waiting on the customer get a first and a second reminder, then close with a message that a reply
  reopens them (tickets.selectors.customer_can_reply lets that reply in). A customer reply ends the sequence
  (the ticket leaves the waiting status).

One schedule runs the sweep (tickets.followups.tasks.follow_up_sweep); FollowUpPolicy holds each team's
intervals, FollowUpSent records every step taken so a second run in the same window sends nothing again.
"""
