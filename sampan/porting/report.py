"""What an import is asked to do, what it reports, and how it says it had to stop."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Options:
    dry_run: bool = False
    author_map: dict[str, str] | None = None
    skip_media: bool = False
    media_from: Path | None = None
    batch_size: int = 100


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)  # posts, pages, comments, mentions, media, …
    unchanged: Counter[str] = field(default_factory=Counter)  # already imported by an earlier run
    skipped: Counter[str] = field(default_factory=Counter)  # reason → how many
    notes: list[str] = field(default_factory=list)
    resumed_after_line: int = 0
    dry_run: bool = False


class ImportStopped(Exception):
    """The import could not go on; the message names the item and line, and what is (not) in."""
