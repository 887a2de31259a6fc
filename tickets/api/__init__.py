"""REST API for tickets, messages, attachments and customers (/api/v1/), one module per noun.

One APIView per operation with input and output serializers (tickets.api.serializers);
every read starts from Ticket.objects.visible_to (another customer's ticket is a
404), every write calls tickets.services.
"""
