from django.urls import path

from .view import xmlrpc_endpoint

urlpatterns = [path("", xmlrpc_endpoint, name="xmlrpc")]
