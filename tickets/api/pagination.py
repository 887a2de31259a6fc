"""Cursor pagination of the tickets API: newest tickets first, a ticket's messages oldest first."""

from rest_framework.pagination import CursorPagination


class TicketCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class MessageCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
