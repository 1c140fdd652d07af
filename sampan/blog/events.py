"""What the blog announces, so that other apps can react without the blog knowing them.

Apps subscribe in their `AppConfig.ready()`:

    from sampan.blog import events
    events.post_published.connect(send_new_post_mail)

Each receiver gets `post` (a `Post`) as a keyword argument. These are the only signals Sampan uses.

- `post_published`: a post or page became visible to readers (published now, or its scheduled time came).
- `post_updated`: a live post or page changed.
- `post_unpublished`: a live post or page was withdrawn (back to draft, private) or deleted; sent before deletion.
"""

from django.dispatch import Signal

post_published = Signal()
post_updated = Signal()
post_unpublished = Signal()
