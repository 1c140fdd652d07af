import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampan.settings")

from django.core.wsgi import get_wsgi_application

from sampan.core.pagecache import FastPathApp
from sampan.core.warmup import warm_up
from sampan.stats.recorder import view_counter

# Pages answered from the page cache are counted by its `count` hook, Django's answers by a middleware
# (docs/stats.md).
application = FastPathApp(get_wsgi_application(), count=view_counter())
# Each server process loads its URLs and templates now, not while its first reader waits (sampan/core/warmup.py).
warm_up()
