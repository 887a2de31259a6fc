"""The agent's workspace: saved views of the ticket list (private or shared with a team, team defaults) and
the "My work" landing page that lists them with their counts."""
