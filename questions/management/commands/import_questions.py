from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.formats import FORMATS, MAX_IMPORT_BYTES, format_for, loads, where_label
from questions.services import BankError, bank_load


class Command(BaseCommand):
    help = (
        "Import questions from a JSON, CSV or YAML file (docs/question-format.md): new keys "
        "are created, existing ones updated, nothing deleted. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, change nothing"
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        fmt = options["format"] or format_for(path.name)
        if fmt is None:
            raise CommandError(
                f"Can't tell the format of {path.name}: "
                "name it .json, .csv or .yaml, or pass --format."
            )
        try:
            size = path.stat().st_size
            if size > MAX_IMPORT_BYTES:
                raise BankError(
                    [
                        f"the file is {size / 1024 / 1024:.1f} MB; the limit is "
                        f"{MAX_IMPORT_BYTES // 1024 // 1024} MB"
                    ]
                )
            items = loads(path.read_bytes(), fmt)
            report = bank_load(items=items, label=where_label(fmt), dry_run=options["dry_run"])
        except OSError as exc:
            raise CommandError(f"Nothing was imported: can't read {path}: {exc.strerror}") from exc
        except BankError as exc:
            raise CommandError(
                f"Nothing was imported: {len(exc.errors)} problem(s):\n" + "\n".join(exc.errors)
            ) from exc
        prefix = "Dry run, nothing changed. Would import: " if options["dry_run"] else "Imported: "
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        )
