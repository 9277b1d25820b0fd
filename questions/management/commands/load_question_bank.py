from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.services import BankError, bank_load_files


class Command(BaseCommand):
    help = (
        "Load the question bank (questions/data/bank.json, or FILE in the export format): "
        "creates new keys, updates changed ones, never deletes. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="a JSON file in the export format")

    def handle(self, *args, **options) -> None:
        try:
            report = bank_load_files(options["file"])
        except BankError as exc:
            raise CommandError(
                f"Nothing was loaded: {len(exc.errors)} problem(s):\n" + "\n".join(exc.errors)
            ) from exc
        except (OSError, ValueError) as exc:
            raise CommandError(f"Nothing was loaded: could not read the file: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(str(report)))
