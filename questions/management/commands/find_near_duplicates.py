from django.core.management.base import BaseCommand, CommandParser

from questions.duplicates import THRESHOLD, all_pairs


class Command(BaseCommand):
    help = "List pairs of questions whose prompts closely match (fuzzy token-set ratio)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threshold", type=int, default=THRESHOLD, help=f"0-100, default {THRESHOLD}"
        )

    def handle(self, *args, **options) -> None:
        pairs = all_pairs(options["threshold"])
        for score, a, b in pairs:
            self.stdout.write(f"{score:>3}  {a}  ~  {b}")
        self.stdout.write(
            f"{len(pairs)} near-duplicate pair{'s' if len(pairs) != 1 else ''} "
            f"at a threshold of {options['threshold']}."
        )
