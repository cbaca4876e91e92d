from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as newsroom_urlpatterns


def ok(request):
    """The trivial view: the same middleware as every page, no template, no query."""
    return HttpResponse("ok")


urlpatterns = [path("bench/ok/", ok), *newsroom_urlpatterns]
