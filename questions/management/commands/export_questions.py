from django.core.management.base import BaseCommand, CommandParser

from questions.formats import FORMATS, dumps
from questions.models import Status
from questions.services import bank_export


class Command(BaseCommand):
    help = "Write questions to stdout in the exchange format (docs/question-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", choices=Status.values, help="only questions in this status")
        parser.add_argument("--format", choices=FORMATS, default="json")

    def handle(self, *args, **options) -> None:
        items = bank_export(status=options["status"])
        self.stdout.write(dumps(items, options["format"]), ending="")
