"""A paginator for admin changelists over big tables.

Django's Paginator runs an exact `COUNT(*)` on every page view; over a million
tickets that alone costs hundreds of milliseconds on PostgreSQL. This one

- answers an unfiltered list on PostgreSQL from the table statistics
  (`pg_class.reltuples`, kept fresh by autovacuum/ANALYZE): "about 1,000,000";
- counts a filtered list only up to `count_cap` rows through a LIMITed
  subquery: "more than 10,000";
- still counts exactly when the result is small (under the cap, or a table
  whose statistics say it is small).

When the count is an estimate or a lower bound, any page number is accepted and
a page past the real end is simply empty (EmptyPage), so deep links keep working.
Deep pages select their primary keys first and then the rows (a "deferred join").
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext

EXACT, ESTIMATE, LOWER_BOUND = "exact", "estimate", "lower bound"


class EstimatedCountPaginator(Paginator):
    # A filtered count stops here; the changelist then shows "more than 1,000". Counting 10,001 rows of an
    # agent's visible tickets took ~90 ms at 1M tickets on PostgreSQL; 1,001 rows cost a tenth of that.
    count_cap = 1_000
    # From this offset on a page first selects its primary keys (an index-only walk), then loads the rows:
    # OFFSET 50,000 over the full select_related join would join 50,000 customers only to skip them.
    deferred_join_offset = 1_000
    # Below this many rows (per the statistics) an exact count is cheap enough.
    exact_count_below = 100_000

    @cached_property
    def _counted(self) -> tuple[int, str]:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list), EXACT
        estimate = self._table_estimate()
        if estimate is not None and estimate >= self.exact_count_below:
            return estimate, ESTIMATE
        # Only the keys: annotations a changelist shows (per-row subqueries) need not run to be counted.
        bounded = self.object_list.order_by().values("pk")[: self.count_cap + 1].count()
        if bounded > self.count_cap:
            return self.count_cap, LOWER_BOUND
        return bounded, EXACT

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_estimate(self) -> bool:
        return self._counted[1] == ESTIMATE

    @property
    def count_is_lower_bound(self) -> bool:
        return self._counted[1] == LOWER_BOUND

    @property
    def count_is_exact(self) -> bool:
        return self._counted[1] == EXACT

    @property
    def count_text(self) -> str:
        """The count as shown to people: "about 1,000,000", "more than 10,000" or "42"."""
        shown = number_format(self.count, force_grouping=True)
        if self.count_is_estimate:
            return gettext("about %(count)s") % {"count": shown}
        if self.count_is_lower_bound:
            return gettext("more than %(count)s") % {"count": shown}
        return shown

    def _table_estimate(self) -> int | None:
        """reltuples of the queryset's table when the query does not filter it (PostgreSQL only)."""
        queryset = self.object_list
        connection = connections[queryset.db]
        query = queryset.query
        if connection.vendor != "postgresql" or query.where or query.distinct or query.combinator or query.is_sliced:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        # reltuples is -1 for a table never vacuumed or analysed.
        return row[0] if row and row[0] >= 0 else None

    def validate_number(self, number) -> int:
        if self.count_is_exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.count_is_exact and top + self.orphans >= self.count:
            top = self.count
        objects = self._slice(bottom, top)
        # Past the real end of an estimated list: evaluate (the rows stay cached for rendering).
        if not self.count_is_exact and number > 1 and not objects:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(objects, number, self)

    def _slice(self, bottom: int, top: int):
        if bottom < self.deferred_join_offset or not isinstance(self.object_list, QuerySet):
            return self.object_list[bottom:top]
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self.object_list.filter(pk__in=keys)
