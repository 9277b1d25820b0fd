"""Account workflows: settings."""

from django.db import transaction

from practice.models import PracticeSession, ReviewCard
from practice.scheduling import card_rebuild

from .models import Profile


@transaction.atomic
def settings_update(*, user, desired_retention: float, daily_goal: int, interview_date) -> Profile:
    """Save the user's settings; a new retention target reschedules every card from its log."""
    profile = Profile.objects.of(user)
    retention_changed = profile.desired_retention != desired_retention
    profile.desired_retention = desired_retention
    profile.daily_goal = daily_goal
    profile.interview_date = interview_date
    profile.save()
    if retention_changed:
        for card in ReviewCard.objects.filter(user=user).prefetch_related("logs"):
            card_rebuild(card, retention=desired_retention)
    return profile


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete the user and everything they own. Suggested questions stay with the curators
    (the bank's content), no longer linked to the user."""
    PracticeSession.objects.filter(user=user).delete()  # attempts go with their sessions
    ReviewCard.objects.filter(user=user).delete()  # and the review log with its cards
    user.delete()
