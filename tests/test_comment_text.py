from comments.templatetags.comment_text import comment_body


def test_paragraphs_and_line_breaks_are_kept():
    assert comment_body("one\ntwo\n\n\nthree") == "<p>one<br>two</p><p>three</p>"


def test_markup_is_escaped():
    assert (
        comment_body('<img src=x onerror="a()">')
        == "<p>&lt;img src=x onerror=&quot;a()&quot;&gt;</p>"
    )


def test_only_http_urls_become_links_marked_as_user_content():
    html = comment_body("see https://example.org/x. and javascript:alert(1)")

    assert html == (
        '<p>see <a href="https://example.org/x" rel="nofollow ugc noopener">'
        "https://example.org/x</a>. and javascript:alert(1)</p>"
    )


def test_url_with_quotes_cannot_break_out_of_the_attribute():
    html = comment_body('https://e.com/"onmouseover="x')

    assert 'href="https://e.com/"' in html
    assert 'onmouseover="x' not in html


def test_a_link_ends_at_the_end_of_its_line():
    html = comment_body("first http://a.example/x\nhttp://b.example/y\n\n  http://c.example  ")

    assert html == (
        '<p>first <a href="http://a.example/x" rel="nofollow ugc noopener">http://a.example/x</a>'
        '<br><a href="http://b.example/y" rel="nofollow ugc noopener">http://b.example/y</a></p>'
        '<p>  <a href="http://c.example" rel="nofollow ugc noopener">http://c.example</a></p>'
    )
