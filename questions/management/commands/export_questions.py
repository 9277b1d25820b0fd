from django.core.management.base import BaseCommand, CommandParser

from questions.models import Status
from questions.services import bank_dumps, bank_export


class Command(BaseCommand):
    help = "Write questions to stdout in the exchange format (docs/question-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", choices=Status.values, help="only questions in this status")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, **options) -> None:
        self.stdout.write(bank_dumps(bank_export(status=options["status"])), ending="")
