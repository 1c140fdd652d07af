"""`sampan demo`: a demo blog that shows what Sampan does, seeded only into a site with no posts or pages."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sampan.blog import services
from sampan.blog.models import Category, Post, Tag
from sampan.comments import services as comments
from sampan.comments.models import Comment
from sampan.likes import services as likes

CATEGORIES = [("Travel", None), ("Rivers", "Travel"), ("Cooking", None), ("Notes", None)]
TAGS = ["boats", "monsoon", "recipes", "photography", "markets", "slow travel"]

POSTS = [
    ("Welcome to the houseboat", "Notes", ["boats"], 150, True,
     "This blog is about **life on the water**: slow journeys, good food and the people met on the way.\n\n"
     "Everything here is served from my own little server. No trackers, no third-party fonts, nothing "
     "that follows you home."),
    ("Down the Mekong in a sampan", "Rivers", ["boats", "slow travel"], 140, False,
     "We set off before dawn. The river was wide and brown and full of small traffic: fishermen, "
     "ferries, a floating market waking up.\n\n## The boat\n\nA *sampan* is a flat-bottomed wooden boat, "
     "rowed from the stern. Ours had a roof of woven palm.\n\n> The river does not hurry, and neither should you."),
    ("Floating markets at first light", "Rivers", ["markets", "photography"], 128, False,
     "Pineapples, rambutans and coffee in plastic bags, passed from boat to boat.\n\n"
     "1. Get there before six.\n2. Bring small notes.\n3. Point, smile, and say thank you."),
    ("A simple fish curry", "Cooking", ["recipes"], 115, False,
     "Every boat kitchen has its curry. This is ours.\n\n| Ingredient | Amount |\n| --- | --- |\n"
     "| Firm white fish | 500 g |\n| Coconut milk | 400 ml |\n| Lemongrass | 2 stalks |\n\n"
     "Simmer gently; never let the coconut milk boil hard."),
    ("Waiting out the monsoon", "Notes", ["monsoon"], 101, False,
     "Three days of rain. We read, we played cards, we learned to patch the roof."),
    ("Photographing the river at night", "Travel", ["photography"], 86, False,
     "Long exposures from a moving boat are hard. Here is what worked: a beanbag, patience, and a "
     "quiet stretch of water.\n\n```\nISO 800 · f/2.8 · 4 s\n```"),
    ("Sticky rice in bamboo", "Cooking", ["recipes", "markets"], 72, False,
     "Bought at a riverside stall, cooked over charcoal inside a length of green bamboo."),
    ("The lock keepers", "Rivers", ["boats"], 64, False,
     "At every lock there is someone who has watched ten thousand boats go by. Ask them for stories."),
    ("Slow travel is a choice", "Travel", ["slow travel"], 45, False,
     "Faster is not always better. A week on the river showed us more than a month of flights."),
    ("Market day", "Travel", ["markets"], 44, False, "Notes from a Sunday market: spices, nets, ducks, gossip."),
    ("Mending nets", "Notes", ["boats"], 30, False, "An afternoon with the fishermen, learning knots."),
    ("Mango season", "Cooking", ["recipes"], 16, False, "Mango with sticky rice and salted coconut cream."),
    ("Back on the water", "Rivers", ["boats", "slow travel"], 3, False,
     "The boat is repaired, the larder full. Tomorrow we go upstream."),
]  # fmt: skip

# (post title, key, reply to key, name, website, days after the post, text); a key starting "ping" is a pingback.
THOUGHTS = [
    ("Down the Mekong in a sampan", "mai", None, "Mai", "", 1,
     "We did the same trip last year. Did you stop at the brick kilns near Vinh Long?"),
    ("Down the Mekong in a sampan", "reply", "mai", "The houseboat", "", 1,
     "We did! The kilns at dusk were the most beautiful thing of the whole journey."),
    ("Down the Mekong in a sampan", "mai2", "reply", "Mai", "", 2, "Then you know. Safe travels!"),
    ("Down the Mekong in a sampan", "tom", None, "Tom Reyes", "https://tom.example/", 3,
     "Lovely writing. *The river does not hurry* is going on my fridge."),
    ("Down the Mekong in a sampan", "ping", None, "River Notes » Ten slow journeys", "https://rivernotes.example/ten-slow-journeys/", 5,
     "[…] a wonderful account of going down the Mekong in a sampan, rowed from the stern […]"),
    ("A simple fish curry", "jo", None, "Jo", "", 1,
     "Made this tonight with snapper. Added a little tamarind. Perfect."),
]  # fmt: skip

# (post title, the names likers gave; "" is someone who liked without a name)
LIKES = [
    ("Down the Mekong in a sampan", ["Mai", "Tom Reyes", "", ""]),
    ("A simple fish curry", ["Jo", ""]),
    ("Floating markets at first light", [""]),
]

PAGES = [
    ("About", None, "I write about rivers, boats and food. This blog runs on **Sampan**, self-hosted."),
    ("Contact", None, "Write to me at the address on my card, or leave a comment under any post."),
    ("Our boat", "About", "A twelve-metre wooden sampan, built in 1988, restored by hand."),
]


def seed_demo() -> str:
    if Post.objects.exists():
        return "This site already has posts or pages; the demo adds nothing to it."
    with transaction.atomic():
        author = _author()
        categories = _categories()
        tags = {
            name: Tag.objects.get_or_create(slug=name.replace(" ", "-"), defaults={"name": name})[0]
            for name in TAGS
        }
        now = timezone.now()
        seeded: dict[str, Post] = {}
        for title, category, tag_names, days_ago, sticky, body in POSTS:
            seeded[title] = post = Post(kind=Post.Kind.POST, title=title, author=author, body=body, sticky=sticky,
                        status=Post.Status.PUBLISHED, published_at=_at(now, days_ago))  # fmt: skip
            services.save_post(
                post, by=author, categories=[categories[category]], tags=[tags[t] for t in tag_names]
            )
        services.save_post(
            Post(
                title="Upstream, next week",
                author=author,
                body="A scheduled post: it appears on its own.",
                status=Post.Status.SCHEDULED,
                published_at=now + timedelta(days=7),
            ),
            by=author,
        )
        pages: dict[str, Post] = {}
        for position, (title, parent, body) in enumerate(PAGES):
            page = Post(kind=Post.Kind.PAGE, title=title, author=author, body=body, parent=pages.get(parent or ""),
                        status=Post.Status.PUBLISHED, menu_order=position, published_at=_at(now, 160))  # fmt: skip
            pages[title] = services.save_post(page, by=author)
        _thoughts(seeded, author)
        for title, names in LIKES:
            for number, name in enumerate(names):
                likes.like_post(post=seeded[title], token=f"demo-{title}-{number}", name=name)
    return (
        f"Demo blog seeded: {len(POSTS)} posts over several months, {len(PAGES)} pages, one scheduled post, "
        f"{len(THOUGHTS)} comments and pingbacks, {sum(len(names) for _, names in LIKES)} likes."
    )


def _thoughts(posts: dict[str, Post], author) -> None:  # type: ignore[no-untyped-def]
    made: dict[str, Comment] = {}
    for title, key, reply_to, name, website, days_after, text in THOUGHTS:
        post = posts[title]
        pingback = key.startswith("ping")
        by_author = name == "The houseboat"
        if by_author:
            name = author.get_full_name() or author.get_username()
        made[key] = comments.import_comment(
            post=post,
            body=text,
            status=Comment.Status.APPROVED,
            created_at=post.published_at + timedelta(days=days_after, hours=len(made)),
            kind=Comment.Kind.PINGBACK if pingback else Comment.Kind.COMMENT,
            parent=made.get(reply_to or ""),
            author_name=name,
            author_url="" if pingback else website,
            source_url=website if pingback else "",
            user=author if by_author else None,
        )


def _at(now: datetime, days_ago: int) -> datetime:
    return (now - timedelta(days=days_ago)).replace(hour=9, minute=30, second=0, microsecond=0)


def _author():  # type: ignore[no-untyped-def]
    users = get_user_model()
    first_admin = users.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if first_admin is not None:
        return first_admin
    author, _ = users.objects.get_or_create(
        username="demo-author", defaults={"first_name": "Demo", "last_name": "Author", "is_active": True}
    )
    return author


def _categories() -> dict[str, Category]:
    made: dict[str, Category] = {}
    for name, parent in CATEGORIES:
        made[name], _ = Category.objects.get_or_create(
            slug=name.lower(), defaults={"name": name, "parent": made.get(parent or "")}
        )
    return made
