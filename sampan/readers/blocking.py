"""The owner's blocks: whether an identity may sign in or comment.

An identity is blocked when a `Block` names it (its subject, profile address or email address), its instance
(the exact host of its issuer, profile or email address), or a domain that host belongs to. Values are compared
in one canonical form (lower case, no scheme for hosts, no trailing slash, no leading "@"), so the owner can type
them as they see them.
"""

from urllib.parse import urlsplit

from .models import Block

REFUSED = "This blog does not take sign-ins or comments from {what}. If you think this is a mistake, write to the blog's owner."


def canonical(value: str) -> str:
    value = value.strip().lower().lstrip("@")
    return value.rstrip("/") if "://" in value else value


def host_of(value: str) -> str:
    """The host a URL, an email address, an `@name@instance` account or a bare host name lives on."""
    value = canonical(value)
    if "://" in value:
        return (urlsplit(value).hostname or "").rstrip(".")
    if "@" in value:
        return value.rsplit("@", 1)[1].strip().rstrip(".")
    return value.split("/", 1)[0].split(":", 1)[0].rstrip(".")


def refusal_for(*, issuer: str, subject: str, profile_url: str = "", uid: str = "") -> str:
    """Why this identity may not sign in or comment ("" when it may). `uid` is how the reader list names it
    (for OpenID Connect, `issuer|subject`), so a block made from that list matches too."""
    names = {canonical(v) for v in (subject, profile_url, uid) if v.strip()}
    hosts = {h for h in (host_of(v) for v in (issuer, subject, profile_url) if v.strip()) if h}
    blocks = Block.objects.all().values_list("kind", "value")
    for kind, value in blocks:
        value = canonical(value)
        if not value:
            continue
        if kind == Block.Kind.IDENTITY and value in names:
            return REFUSED.format(what="this account")
        if kind == Block.Kind.INSTANCE and host_of(value) in hosts:
            return REFUSED.format(what=host_of(value))
        if kind == Block.Kind.DOMAIN and any(
            h == host_of(value) or h.endswith("." + host_of(value)) for h in hosts
        ):
            return REFUSED.format(what=host_of(value))
    return ""


def refusal_for_user(user: object) -> str:
    """Why this signed-in reader may not comment ("" when they may): any of their identities is blocked."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    for account in SocialAccount.objects.filter(user=user):
        data = account.extra_data if isinstance(account.extra_data, dict) else {}
        reason = refusal_for(
            issuer=str(data.get("issuer", "")),
            subject=account.uid,
            profile_url=str(data.get("profile_url", "")),
        )
        if reason:
            return reason
    for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True):
        reason = refusal_for(issuer="", subject=address)
        if reason:
            return reason
    return ""
