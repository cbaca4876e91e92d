import pytest
from django.contrib.auth.models import User
from pytest_django.asserts import assertContains

from comments.models import Comment
from tests.helpers import make_article, make_reader, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    client.force_login(User.objects.create_superuser("boss", password="change-me-please"))
    return client


def test_users_list_shows_each_users_comment_counts_by_status(admin_client_):
    ada = make_reader("Ada")
    article = make_article()
    post(article, author="", user=ada)
    post(article, author="", user=ada)
    post(article, author="", user=ada, status=Comment.Status.PENDING)
    post(article, author="", user=ada, status=Comment.Status.SPAM)

    response = admin_client_.get("/admin/auth/user/?o=6.-1")

    row = response.content.decode().split(f">{ada.username}</a>")[1].split("</tr>")[0]
    counts = [cell.split(">")[-1] for cell in row.split("</td>")[-5:-1]]
    assert counts == ["2", "1", "0", "1"]
    assertContains(response, "Published")


def test_users_list_runs_constant_queries(admin_client_, django_assert_num_queries):
    article = make_article()
    for name in ("Ada", "Grace", "Edsger"):
        post(article, author="", user=make_reader(name))

    admin_client_.get("/admin/auth/user/")
    # With the pending count in the header.
    with django_assert_num_queries(7):
        admin_client_.get("/admin/auth/user/")
    post(article, author="", user=make_reader("Barbara"))
    with django_assert_num_queries(7):
        admin_client_.get("/admin/auth/user/")


def test_a_comments_admin_page_links_to_its_authors_account(admin_client_):
    ada = make_reader("Ada")
    comment = post(make_article(), author="", user=ada)

    response = admin_client_.get(f"/admin/comments/comment/{comment.pk}/change/")

    assertContains(response, f'href="/admin/auth/user/{ada.pk}/change/"')


def test_admin_sign_in_is_held_back_by_allauths_failed_login_limit(client):
    User.objects.create_user("mod", password="change-me-please", is_staff=True)
    wrong = {"username": "mod", "password": "wrong", "next": "/admin/"}
    for _ in range(5):
        assertContains(client.post("/admin/login/", wrong), "correct username and password")

    refused = client.post("/admin/login/", {**wrong, "password": "change-me-please"})

    assertContains(refused, "Too many failed login attempts")
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_still_works_by_username(client):
    User.objects.create_user("mod", password="change-me-please", is_staff=True)

    response = client.post(
        "/admin/login/", {"username": "mod", "password": "change-me-please", "next": "/admin/"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"]
