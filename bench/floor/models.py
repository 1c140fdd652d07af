from django.db import models


class Post(models.Model):
    """Sampan's post table, read-only: just the columns the floor page shows."""

    kind = models.CharField(max_length=10)
    status = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200)
    published_at = models.DateTimeField()
    body_html = models.TextField()

    class Meta:
        managed = False
        db_table = "blog_post"
        app_label = "floor"

    def __str__(self) -> str:
        return self.title
