"""Readers like and unlike a post from two browsers, with the script (no reload) and without it (a form post)."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_context_args(browser_context_args):  # type: ignore[no-untyped-def]
    # The site's CSP allows only its own scripts; axe-core is injected inline by the test, so the test's browser
    # lets it in. The like script itself is a same-origin file and runs under the CSP either way.
    return {**browser_context_args, "bypass_csp": True}


def like_line(page: Page):  # type: ignore[no-untyped-def]
    return page.locator(".like-count")


def test_two_browsers_like_and_unlike_and_each_sees_the_count(
    page: Page, browser: Browser, site_url, request_log, axe_check
):
    post_url = site_url + make_post("Slow boat to Luang Prabang").get_absolute_url()
    page.goto(post_url)
    expect(like_line(page)).to_have_text("0 people like this")
    axe_check(page)
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Your name (optional, shown with your like)").fill("Mai")
    page.get_by_role("button", name="Like").click()
    expect(like_line(page)).to_have_text("1 person likes this")
    expect(page.get_by_text("You like this.")).to_be_visible()
    expect(page.locator(".likers")).to_contain_text("Mai")
    assert page.evaluate("window.stillTheSamePage") is True  # the script answered: no reload

    other = browser.new_context()
    other.on("request", request_log.record)
    second = other.new_page()
    second.goto(post_url)
    expect(like_line(second)).to_have_text("1 person likes this")
    second.get_by_role("button", name="Like").click()
    expect(like_line(second)).to_have_text("2 people like this")
    second.reload()
    expect(like_line(second)).to_have_text("2 people like this")
    expect(second.get_by_role("button", name="Unlike")).to_be_visible()

    page.reload()
    expect(like_line(page)).to_have_text("2 people like this")
    page.get_by_role("button", name="Unlike").click()
    expect(like_line(page)).to_have_text("1 person likes this")
    expect(page.get_by_role("button", name="Like")).to_be_visible()
    axe_check(page)
    other.close()


def test_without_javascript_the_like_is_a_form_post_back_to_the_post(browser: Browser, site_url, request_log):
    post_url = site_url + make_post("Slow boat to Luang Prabang").get_absolute_url()
    context = browser.new_context(java_script_enabled=False)
    context.on("request", request_log.record)
    page = context.new_page()
    page.goto(post_url)
    page.get_by_role("button", name="Like").click()
    expect(page).to_have_url(re.compile(re.escape(post_url) + "#likes$"))
    expect(like_line(page)).to_have_text("1 person likes this")
    page.get_by_role("button", name="Unlike").click()
    expect(like_line(page)).to_have_text("0 people like this")
    context.close()
