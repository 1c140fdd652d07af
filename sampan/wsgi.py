import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampan.settings")

from django.core.wsgi import get_wsgi_application

from sampan.core.pagecache import FastPathApp
from sampan.stats.recorder import CountingApp

# Counting sits outside the page cache, so pages answered from the cache are counted too (docs/stats.md).
application = CountingApp(FastPathApp(get_wsgi_application()))
