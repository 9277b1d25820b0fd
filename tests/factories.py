import factory
from django.contrib.auth import get_user_model

from questions.models import Category, Competency, Difficulty, Question, RedFlag, Stage, Status, Tag


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"competency-{n}")
    name = factory.LazyAttribute(lambda c: c.slug.replace("-", " ").capitalize())


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tag-{n}")


class RedFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RedFlag
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"red-flag-{n}")
    title = factory.Sequence(lambda n: f"Red flag number {n}")
    looks_like = factory.Faker("sentence")
    why_it_hurts = factory.Faker("sentence")
    how_to_avoid = factory.Faker("sentence")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"question-{n}")
    prompt = factory.Sequence(lambda n: f"Question number {n}: how would you approach it?")
    category = Category.TECHNICAL
    assesses = factory.Faker("sentence")
    tip = factory.Faker("sentence")
    key_points = factory.LazyFunction(lambda: ["First point", "Second point", "Third point"])
    follow_ups = factory.LazyFunction(lambda: ["And then what?"])
    difficulty = Difficulty.MID
    stage = Stage.EVALUATION
    status = Status.PUBLISHED

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)
            self.refresh_search_text()

    @factory.post_generation
    def competencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.competencies.set(extracted)

    @factory.post_generation
    def red_flags(self, create, extracted, **kwargs):
        if create and extracted:
            self.red_flags.set(extracted)


class PracticeSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "practice.PracticeSession"

    user = factory.SubFactory(UserFactory)
    mode = "drill"
    question_count = 1


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "practice.Attempt"

    session = factory.SubFactory(PracticeSessionFactory)
    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n + 1)
