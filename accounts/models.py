from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from interview_prep.prepared import PreparedQuery

MIN_RETENTION, MAX_RETENTION = 0.70, 0.97


class ProfileManager(models.Manager["Profile"]):
    def of(self, user) -> "Profile":
        """The user's settings, made with the defaults on first use.

        Read on every home and progress page, so through a query compiled once per process
        (interview_prep/prepared.py); the ORM's `get_or_create` built its SELECT each time.
        """
        found = _PROFILE_OF.fetch(user_id=user.pk)
        return found[0] if found else self.get_or_create(user=user)[0]


class Profile(models.Model):
    """A user's practice settings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    desired_retention = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(MIN_RETENTION), MaxValueValidator(MAX_RETENTION)],
        help_text="The share of practised questions you want to be able to answer well "
        "when they come back. Higher means more frequent reviews.",
    )
    daily_goal = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Questions a day you aim to practise.",
    )
    interview_date = models.DateField(
        null=True,
        blank=True,
        help_text="Optional. Everything you've practised comes back before this date.",
    )

    objects = ProfileManager()

    def __str__(self) -> str:
        return f"Settings of {self.user}"


_PROFILE_OF = PreparedQuery(lambda user_id: Profile.objects.filter(user_id=user_id), "user_id")
