from django.urls import path

from comments import api, feeds, own_views, reaction_views, views

app_name = "comments"
urlpatterns = [
    path("articles/<slug:slug>/comment/", views.comment_post, name="post"),
    path("articles/<slug:slug>/feed/", feeds.ArticleCommentsFeed(), name="feed"),
    path("articles/<slug:slug>/comments/<pk:pk>/", views.comment_detail, name="detail"),
    path("articles/<slug:slug>/comments/<pk:pk>/reply/", views.comment_post, name="reply"),
    path("articles/<slug:slug>/comments/<pk:pk>/report/", views.comment_report, name="report"),
    path("articles/<slug:slug>/comments/<pk:pk>/edit/", own_views.comment_edit, name="edit"),
    path("articles/<slug:slug>/comments/<pk:pk>/delete/", own_views.comment_delete, name="delete"),
    path(
        "articles/<slug:slug>/comments/<pk:pk>/respect/",
        reaction_views.comment_respect,
        name="respect",
    ),
    path("api/articles/<slug:slug>/", api.api_article, name="api_article"),
    path("api/articles/<slug:slug>/comments/<pk:pk>/", api.api_comment, name="api_comment"),
]
