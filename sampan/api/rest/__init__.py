"""The REST API at /api/ (django-ninja): posts, pages, categories, tags and the site, as docs/api.md describes."""
