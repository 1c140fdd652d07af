"""The outbox in the admin: without SAMPAN_EMAIL_URL, mail is written to `<data dir>/outbox` (Django's file
backend: one file per connection, messages separated by a line of dashes). The owner reads them here."""

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

SEPARATOR = b"\n" + b"-" * 79 + b"\n"
FILES_SHOWN = 100
MESSAGES_SHOWN = 200  # a fan-out writes thousands; the newest are what an owner looks for


def folder() -> Path | None:
    if not settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        return None
    return Path(getattr(settings, "EMAIL_FILE_PATH", "") or settings.DATA_DIR / "outbox")


def _messages_in(path: Path) -> list[EmailMessage]:
    parts = [p for p in path.read_bytes().split(SEPARATOR) if p.strip()]
    return [message_from_bytes(p.lstrip(b"\n"), policy=policy.default) for p in parts]  # type: ignore[misc]


def outbox_list(request: HttpRequest) -> HttpResponse:
    where = folder()
    rows = []
    if where is not None and where.is_dir():
        files = sorted(where.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)[:FILES_SHOWN]
        for path in files:
            for number, message in enumerate(_messages_in(path)):
                rows.append({"file": path.name, "number": number, "message": message})
            if len(rows) >= MESSAGES_SHOWN:
                break
    context = {"title": "Outbox", "rows": rows[:MESSAGES_SHOWN], "folder": where, "limit": MESSAGES_SHOWN}
    return render(request, "admin/followers/outbox.html", context)


def outbox_message(request: HttpRequest, name: str, number: int) -> HttpResponse:
    where = folder()
    path = (where / name) if where else None
    if path is None or "/" in name or not name.endswith(".log") or not path.is_file():
        raise Http404("No such file in the outbox.")
    found = _messages_in(path)
    if number >= len(found):
        raise Http404("No such message in that file.")
    message = found[number]
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    context = {
        "title": f"Outbox: {message['Subject']}",
        "message": message,
        "headers": list(message.items()),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    }
    return render(request, "admin/followers/outbox_message.html", context)
