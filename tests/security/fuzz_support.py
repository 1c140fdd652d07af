"""Shared pieces of the security fuzz tests: hostile text, and what counts as script in a page."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.comments.test_fuzz import active_content

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}

HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "javascript:alert(1)",
        "<svg/onload=alert(1)>",
        "'; DROP TABLE x; --",
        "\x00",
        "\u202e",
        "%00",
        "{{ 7*7 }}",
        "{% debug %}",
        "a" * 300,
    ]
)
TEXT = st.one_of(
    st.text(max_size=120),
    HOSTILE,
    st.lists(st.one_of(HOSTILE, st.text(max_size=10)), max_size=5).map("".join),
)
EMAILISH = st.one_of(
    st.emails(),
    TEXT,
    st.builds(lambda a, b: f"{a}@{b}", TEXT, st.sampled_from(["example.org", "<script>.org", "x", ""])),
)


def new_script(html: str, baseline: str) -> list[str]:
    """Active content in `html` that the page does not have anyway (its own scripts and links)."""
    known = set(active_content(baseline, page=True))
    return [found for found in active_content(html, page=True) if found not in known]
