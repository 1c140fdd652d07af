from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from .models import Post


def post_detail(request: HttpRequest, year: str, month: str, day: str, slug: str) -> HttpResponse:
    post = get_object_or_404(Post, kind="post", status="publish", slug=slug)
    return render(request, "floor/post.html", {"post": post})


urlpatterns = [path("<str:year>/<str:month>/<str:day>/<str:slug>/", post_detail)]
