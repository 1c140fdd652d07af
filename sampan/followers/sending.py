"""One batch of mail over several mail server connections at once.

A mail server answers each command of a message in turn (MAIL, RCPT, DATA), so one connection spends most of
its time waiting; a few connections side by side keep it busy. The sending threads only build and send; every
outcome comes back to the calling thread, which records it at once (the database is used from that thread
only). If a connection fails, the others finish their share and the first error is raised afterwards: what was
sent is recorded, and the rest is sent when the mailing is taken up again.
"""

import queue
import smtplib
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .copies import Copy
from .models import Follower

_FINISHED = object()


def deliver(connection: Any, message: Any) -> None:
    if isinstance(message, Copy):
        message.send_over(connection)
    else:
        connection.send_messages([message])


def send_all(
    followers: Sequence[Follower],
    make_message: Callable[[Follower], Any],
    *,
    connections: int,
    connect: Callable[[], Any],
    record: Callable[[list[tuple[Follower, bool]]], None],
) -> None:
    """Send each follower their message. `record([(follower, accepted), …])` runs in this thread as soon as
    outcomes come in (all that are waiting at that moment, so that a busy fan-out writes them together)."""
    results: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def send_share(share: Sequence[Follower]) -> None:
        try:
            with connect() as connection:
                for follower in share:
                    try:
                        deliver(connection, make_message(follower))
                    except smtplib.SMTPRecipientsRefused:
                        results.put((follower, False))
                        continue
                    results.put((follower, True))
        except BaseException as err:
            results.put(err)
        finally:
            results.put(_FINISHED)

    shares = [
        share for share in (followers[i :: max(1, connections)] for i in range(max(1, connections))) if share
    ]
    threads = [threading.Thread(target=send_share, args=(share,), daemon=True) for share in shares]
    for thread in threads:
        thread.start()
    finished, error = 0, None
    while finished < len(threads):
        items = [results.get()]
        while not results.empty() and len(items) < 500:
            items.append(results.get())
        outcomes = [item for item in items if isinstance(item, tuple)]
        if outcomes:
            record(outcomes)
        finished += sum(item is _FINISHED for item in items)
        error = error or next((item for item in items if isinstance(item, BaseException)), None)
    for thread in threads:
        thread.join()
    if error is not None:
        raise error
