"""`sampan import-followers FILE.csv [--confirmed]`: bring subscribers over from WordPress.com or Jetpack."""

import argparse
import sys
from collections.abc import Sequence

from . import csvfiles


def import_followers_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="sampan import-followers",
        description="Import followers from a subscriber CSV (WordPress.com / Jetpack export, or any CSV with an "
        "email column). Without --confirmed, each new address is mailed a confirmation link first.",
    )
    parser.add_argument("file", help="the CSV file")
    parser.add_argument(
        "--confirmed",
        action="store_true",
        help="the addresses already confirmed where they come from: they follow at once, with no mail",
    )
    options = parser.parse_args(argv)
    try:
        with open(options.file, encoding="utf-8-sig", newline="") as source:
            report = csvfiles.import_followers(source, confirmed=options.confirmed)
    except OSError as err:
        print(f"sampan: cannot read {options.file}: {err.strerror}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"sampan: {options.file} is not UTF-8 text", file=sys.stderr)
        return 1
    except csvfiles.ImportRefused as err:
        print(f"sampan: {options.file}: {err}", file=sys.stderr)
        return 1
    for problem in report.problems[:20]:
        print(f"skipped {problem}", file=sys.stderr)
    what = "now following" if options.confirmed else "asked to confirm by mail"
    print(f"{report.added} imported ({what}), {report.already} already known, {report.skipped} skipped.")
    return 0
