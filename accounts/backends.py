"""Django's ModelBackend, with the signed-in user read per request in plain SQL."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connections, router


class ModelBackend(DjangoModelBackend):
    """Reads the session's user with one plain SQL statement instead of building an ORM query.

    Every signed-in request reads its user; building `User.objects.get(pk=...)` costs about
    0.2 ms, several times the query itself (docs/performance.md). The row becomes a `User`
    through `Model.from_db`, as the ORM's own results do, and inactive users are refused as
    Django's backend refuses them. Signing in, permissions and everything else are Django's.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        meta = user_model._meta
        using = router.db_for_read(user_model)
        connection = connections[using]
        quote = connection.ops.quote_name
        fields = meta.concrete_fields
        columns = ", ".join(quote(field.column) for field in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s",
                [user_id],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        # Values converted as the ORM converts them (SQLite gives datetimes as text, say).
        values = list(row)
        for i, field in enumerate(fields):
            col = field.cached_col
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            for convert in converters:
                values[i] = convert(values[i], col, connection)
        user = user_model.from_db(using, [field.attname for field in fields], values)
        return user if self.user_can_authenticate(user) else None
