"""Every URL pattern the project serves, read from the resolver, and how to fill its parameters."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from questions.models import Question


@dataclass(frozen=True)
class Named:
    name: str  # with its namespace, as reverse() wants it
    route: str  # for messages
    params: tuple[str, ...]  # named parameters, or "0", "1"… for positional regex groups

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            regex = p.pattern.regex
            params = tuple(getattr(p.pattern, "converters", {}) or regex.groupindex) or tuple(
                str(i) for i in range(regex.groups)
            )
            name = f"{namespace}{p.name}" if p.name else ""
            yield Named(name, prefix + str(p.pattern), params)


def named_patterns() -> list[Named]:
    """Each named URL once (the admin's unnamed catch-alls only redirect to named ones)."""
    seen: dict[str, Named] = {}
    for named in _walk(get_resolver().url_patterns):
        if named.name:
            seen.setdefault(named.name, named)
    return sorted(seen.values(), key=lambda n: n.name)


def unnamed_project_routes() -> list[str]:
    """Project URLs without a name, which no rule could refer to (the admin's have none)."""
    return [n.route for n in _walk(get_resolver().url_patterns) if not n.name]


def project_patterns() -> list[Named]:
    return [n for n in named_patterns() if not n.is_admin]


def admin_patterns() -> list[Named]:
    return [n for n in named_patterns() if n.is_admin]


def url_for(named: Named, world) -> str:
    """A concrete address: parameters point at the owner's objects (or a real admin object)."""
    if named.params and named.params[0] == "0":  # simple_history's positional regex
        record = world.question.history.first()
        return reverse(named.name, args=[world.question.pk, record.history_id])
    values = {
        "session_id": world.session.pk,
        "position": world.attempt.position,
        "key": world.question.key,
        "pk": world.story.pk,
        "kind": "json",
        "uidb64": "MQ",
        "token": "not-a-real-token",
        "app_label": "questions",
        "id": world.users["owner"].pk,
        "content_type_id": ContentType.objects.get_for_model(Question).pk,
        "object_id": world.question.pk,
        "status": "in_review",
    }
    if named.is_admin:
        values["pk"] = world.question.pk
        values["object_id"] = _admin_object_id(named.name, world)
    return reverse(named.name, kwargs={p: values[p] for p in named.params})


def _admin_object_id(name: str, world) -> int:
    """admin:<app>_<model>_<view> points at an existing row of that model when there is one."""
    if name == "admin:view_on_site":
        return world.question.pk
    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            row = model._default_manager.order_by("pk").first()
            return row.pk if row else 999_999
    return 999_999
