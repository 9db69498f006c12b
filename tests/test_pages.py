"""Unit tests of page composition without Pelican (pages.py)."""

from __future__ import annotations

from transparency.pages import main_points

PAGE = ('<h2 id="about">About</h2>\n<p>Intro.</p>\n<h2 id="main-points">Main points</h2>\n'
        '<ul>\n<li>One.</li>\n</ul>\n<h2 id="children">Children</h2>\n<p>More.</p>')


def test_the_main_points_section_is_taken_out_wherever_it_is():
    points, rest = main_points(PAGE)
    assert points == "<ul>\n<li>One.</li>\n</ul>"
    assert rest == ('<h2 id="about">About</h2>\n<p>Intro.</p>\n<h2 id="children">Children</h2>'
                    "\n<p>More.</p>")


def test_main_points_as_the_last_section_and_in_other_capitals():
    points, rest = main_points('<p>Intro.</p>\n<h2 id="x">MAIN  points </h2><p>Last.</p>')
    assert (points, rest) == ("<p>Last.</p>", "<p>Intro.</p>\n")


def test_a_page_without_main_points_is_unchanged():
    text = '<h2 id="a">Main points of order</h2><p>Not it.</p>'
    assert main_points(text) == ("", text)


def test_main_points_end_before_the_footnotes_markdown_puts_last():
    text = ('<h2 id="a">A</h2><p>x</p>\n<h2 id="m">Main points</h2><ul><li>One.</li></ul>\n'
            '<div class="footnote"><ol><li>A note.</li></ol></div>')
    points, rest = main_points(text)
    assert points == "<ul><li>One.</li></ul>"
    assert rest.endswith('<div class="footnote"><ol><li>A note.</li></ol></div>')
