from django.urls import path

from articles import feeds, views

app_name = "articles"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("feeds/articles/", feeds.LatestArticlesFeed(), name="feed"),
    path("api/articles/", views.api_article_list, name="api_list"),
]
