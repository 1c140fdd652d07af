"""A writer turns on two-step sign-in from the admin, keeps the recovery codes, and signs in with a code."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_context_args(browser_context_args):  # type: ignore[no-untyped-def]
    # axe-core is injected inline by the test, which the site's CSP refuses; the test's browser lets it in.
    # The QR code is inline SVG (no script, no image request), so it shows under the CSP either way.
    return {**browser_context_args, "bypass_csp": True}


def test_a_writer_enrols_an_authenticator_and_then_signs_in_with_a_code(live_server, page: Page, axe_check):
    page.set_default_timeout(10_000)
    make_user("ana", role="Administrator", password="a-long-river-walk")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("a-long-river-walk")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Two-step sign-in").first.click()
    qr = page.get_by_role("figure", name="QR code for your authenticator app")
    expect(qr.locator("svg")).to_be_visible()
    axe_check(page)
    secret = page.locator("#two-step-secret").inner_text().strip()  # the key a writer types into the app
    page.get_by_label("Code from the app").fill(
        "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    )
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("does not match")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    expect(page.get_by_role("status")).to_contain_text("not shown again")
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", recovery)
    page.get_by_role("link", name="I have saved them: continue").click()
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("a-long-river-walk")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Your password was right.")).to_be_visible()
    expect(page.get_by_role("link", name="Log out")).to_have_count(0)  # not in yet
    axe_check(page)
    # The code that confirmed the enrolment is spent; the app's next one (within the allowed drift) works.
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Write, publish and look after the blog")).to_be_visible()

    # A recovery code works once, in place of the app.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("a-long-river-walk")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(recovery)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Write, publish and look after the blog")).to_be_visible()
