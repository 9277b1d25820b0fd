"""Any change to what pages show from the bank bumps the bank version (models.BankState).

Saves and deletes of questions, red flags, competencies and tags, and changes to a question's
tags, competencies and red flags, all arrive here. Bulk writes (QuerySet.update, bulk_create)
send no signals: code doing them calls bump_bank_version() itself (seed_demo does).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Competency, Question, RedFlag, Tag, bump_bank_version


def _changed(sender, **kwargs) -> None:
    bump_bank_version()


def _m2m_changed(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_bank_version()


def connect() -> None:
    for model in (Question, RedFlag, Competency, Tag):
        post_save.connect(_changed, sender=model, dispatch_uid=f"bank-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"bank-del-{model.__name__}")
    for field in ("tags", "competencies", "red_flags"):
        through = getattr(Question, field).through
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"bank-m2m-{field}")
