"""The commenter owns their words: edit (15 minutes) or delete a comment, and see or erase everything kept
about their email address.

- `manage_path(comment)` / `manage_url(comment)`: the commenter's signed link to their comment, shown once
  after posting and put in follow-up mail.
- The personal-data request page takes an address and always answers the same, so it never tells whether the
  address is known; a signed link goes to the address only if something is kept about it. That link's page
  downloads the data as JSON or, after a button press, erases it.

Every form here is a same-origin POST with no cookie (the signed link, or the mailbox, is the authority).
"""

import hashlib
import hmac
import json

from django import forms
from django.conf import settings
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from sampan.core import personal_data, ratelimit
from sampan.core.models import SiteSettings
from sampan.core.origin import is_same_origin_post
from sampan.core.pagecache import mark_uncacheable

from . import links, services
from .models import Comment
from .moderation_links import not_same_origin, refused

# Each request mails an address: few per client, fewer per address, so the page cannot be used to flood a mailbox.
REQUESTS_PER_CLIENT = (5, 3600)
REQUESTS_PER_ADDRESS = (3, 86400)


def manage_path(comment: Comment) -> str:
    """The site-relative address of the commenter's page for `comment` (for the page shown after posting)."""
    return reverse("comment_links:manage", args=[links.manage_token(comment.pk)])


def manage_url(comment: Comment) -> str:
    """The full address of that page (for mail)."""
    return links.absolute(manage_path(comment))


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = TemplateResponse(request, f"comments/selfservice/{template}", context, status=status)
    return mark_uncacheable(response.render())


class EditForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Please type a comment."},
    )


class EmailForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        comment_id = links.read_manage_token(token)
    except links.LinkExpired:
        return refused(request, expired=True, what="comment")
    except links.LinkInvalid:
        return refused(request, expired=False, what="comment")
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.status in (Comment.Status.SPAM, Comment.Status.TRASH):
        return _page(request, "comment_gone.html", {}, status=404)
    form = EditForm(initial={"body": comment.body})
    context = {"comment": comment, "form": form, "may_edit": services.commenter_may_edit(comment)}
    if request.method == "POST":
        if not is_same_origin_post(request):
            return not_same_origin(request)
        if request.POST.get("action") == "delete":
            services.delete_comment(comment)
            return _page(request, "comment_deleted.html", {"post": comment.post})
        form = context["form"] = EditForm(request.POST)
        if form.is_valid():
            try:
                services.edit_own_comment(comment, body=form.cleaned_data["body"])
                context["saved"] = True
                context["may_edit"] = services.commenter_may_edit(comment)
            except services.CommentRejected as err:
                form.add_error("body", str(err))
        if not form.is_valid():
            return _page(request, "manage.html", context, status=400)
    return _page(request, "manage.html", context)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def your_data_request(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _page(request, "request.html", {"form": form})
    if not is_same_origin_post(request):
        return not_same_origin(request)
    if not form.is_valid():
        return _page(request, "request.html", {"form": form}, status=400)
    email = form.cleaned_data["email"].strip().lower()
    client_ok = ratelimit.allow(
        "personal-data",
        ratelimit.client_key(request),
        limit=REQUESTS_PER_CLIENT[0],
        window=REQUESTS_PER_CLIENT[1],
    )
    address_ok = client_ok and ratelimit.allow(
        "personal-data-address",
        _address_key(email),
        limit=REQUESTS_PER_ADDRESS[0],
        window=REQUESTS_PER_ADDRESS[1],
    )
    if not address_ok:
        return _page(request, "request.html", {"form": form, "limited": True}, status=429)
    from .tasks import send_personal_data_link

    # The queue keeps its tasks' arguments: it gets a reference to a record ("comments:12"), never the address.
    # Queued either way, so an unknown address costs the same time as a known one.
    send_personal_data_link.enqueue(personal_data.reference(email))
    return _page(request, "request_sent.html", {"email": email})


def _address_key(email: str) -> str:
    # The counter is named by a keyed hash, so the shared cache never holds the address itself.
    return hmac.new(settings.SECRET_KEY.encode(), email.encode(), hashlib.sha256).hexdigest()[:32]


def send_personal_data_link(reference: str | None) -> bool:
    """Mail the address behind `reference` (see `personal_data.reference`) its signed data link. True when sent."""
    email = personal_data.address(reference) if reference else None
    if not email:
        return False  # nothing kept about the address asked for (or erased meanwhile)
    context = {"email": email, "url": links.personal_data_url(email), "site_title": SiteSettings.load().title}
    body = render_to_string("comments/email/personal_data_link.txt", context)
    subject = f"[{context['site_title']}] Your data: download or erase it"
    EmailMessage(subject=subject, body=body, to=[email]).send()
    return True


def _read_data_token(request: HttpRequest, token: str) -> str | HttpResponse:
    try:
        return links.read_personal_data_token(token)
    except links.LinkExpired:
        return refused(request, expired=True, what="personal data")
    except links.LinkInvalid:
        return refused(request, expired=False, what="personal data")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def your_data(request: HttpRequest, token: str) -> HttpResponse:
    email = _read_data_token(request, token)
    if isinstance(email, HttpResponse):
        return email
    if request.method == "POST":
        if not is_same_origin_post(request):
            return not_same_origin(request)
        erased = sum(personal_data.erase(email).values())
        return _page(request, "erased.html", {"email": email, "erased": erased})
    kept = personal_data.summaries(email)
    return _page(request, "your_data.html", {"email": email, "kept": kept, "token": token})


@require_safe
def your_data_download(request: HttpRequest, token: str) -> HttpResponse:
    email = _read_data_token(request, token)
    if isinstance(email, HttpResponse):
        return email
    return mark_uncacheable(personal_data_response(email))


def personal_data_response(email: str) -> HttpResponse:
    """Everything kept about `email`, as a JSON download (also the admin's export)."""
    body = json.dumps(personal_data.export(email), indent=2, ensure_ascii=False, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = "personal-data-" + "".join(c if c.isalnum() else "-" for c in email) + ".json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
