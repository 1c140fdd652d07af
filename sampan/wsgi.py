import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampan.settings")

from django.core.wsgi import get_wsgi_application

from sampan.core.pagecache import FastPathApp

application = FastPathApp(get_wsgi_application())
