"""The pages notification mail links to: one-click unsubscribe, a guest's
confirmation, and a reader's private feed of replies. Signed tokens stand in
for signing in."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments import notify
from comments.feeds import RepliesFeed
from comments.mail import read_confirm_token, read_unsubscribe_token
from readers.preferences import user_from_feed_token


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the link with no
# cookie and no token of ours; the signed token in the URL is the proof.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def unsubscribe(request, token):
    """GET asks (a mail scanner following the link unsubscribes no one); POST does it."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "comments/notifications/bad_link.html", status=404)
    recipient, topic = found
    done = request.method == "POST"
    if done:
        notify.unsubscribe(recipient=recipient, topic=topic)
    context = {"topic": topic, "done": done, "account": recipient.startswith("user:")}
    return render(request, "comments/notifications/unsubscribe.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def confirm_guest(request, token):
    """GET shows a button (scanners follow links), POST confirms the guest's address."""
    email = read_confirm_token(token)
    if email is None:
        return render(request, "comments/notifications/bad_link.html", status=404)
    done = request.method == "POST"
    if done:
        notify.guest_confirm(email=email)
    return render(request, "comments/notifications/confirm_guest.html", {"done": done})


def replies_feed(request, token):
    user = user_from_feed_token(token)
    if user is None:
        raise Http404("No such feed.")
    return RepliesFeed()(request, user=user)
