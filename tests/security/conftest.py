"""Shared pieces of the security suite: the five roles and a small world of objects to aim at."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from practice.models import Attempt, PracticeSession, Story
from questions.models import Category, Competency, Question, RedFlag, Tag
from tests.factories import (
    AttemptFactory,
    CompetencyFactory,
    PracticeSessionFactory,
    QuestionFactory,
    RedFlagFactory,
    TagFactory,
    UserFactory,
)

ROLES = ("anonymous", "owner", "other", "staff", "curator")
PASSWORD = "correct horse battery staple"  # what UserFactory gives everyone


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The suite makes many users; the production hasher would spend seconds on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """Objects the owner owns, and people who should or shouldn't reach them."""

    users: dict[str, AbstractUser | None]
    question: Question  # behavioral (STAR), published, owner has answered it
    technical: Question
    draft: Question
    flag: RedFlag
    competency: Competency
    tag: Tag
    session: PracticeSession
    attempt: Attempt  # position 1, on `question`
    story: Story

    def client(self, role: str, *, csrf: bool = False) -> Client:
        """A client in a fresh state (no cookies), signed in as `role`. Clients are reused:
        a new one loads the middleware again, and WhiteNoise rescans every static file."""
        if (role, csrf) not in _clients:
            _clients[role, csrf] = Client(enforce_csrf_checks=csrf)
        client = _clients[role, csrf]
        client.cookies.clear()
        if self.users[role] is not None:
            client.force_login(self.users[role])
        return client


_clients: dict[tuple[str, bool], Client] = {}


@pytest.fixture
def world(db, curator) -> World:
    flag = RedFlagFactory(slug="vague-answer")
    competency = CompetencyFactory(slug="ownership")
    tag = TagFactory(slug="monitoring")
    question = QuestionFactory(
        key="tell-me-about-a-failure",
        category=Category.BEHAVIORAL,
        red_flags=[flag],
        competencies=[competency],
        tags=[tag],
    )
    technical = QuestionFactory(key="explain-overfitting", category=Category.TECHNICAL)
    draft = QuestionFactory(key="unpublished-draft", status="draft")
    owner = UserFactory(username="owner")
    session = PracticeSessionFactory(user=owner, question_count=2)
    attempt = AttemptFactory(session=session, question=question, position=1)
    AttemptFactory(session=session, question=technical, position=2)
    story = Story.objects.create(user=owner, title="Fraud model rescue", action="I fixed it.")
    return World(
        users={
            "anonymous": None,
            "owner": owner,
            "other": UserFactory(username="other"),
            "staff": UserFactory(username="staff", is_staff=True),
            "curator": curator,
        },
        question=question,
        technical=technical,
        draft=draft,
        flag=flag,
        competency=competency,
        tag=tag,
        session=session,
        attempt=attempt,
        story=story,
    )
