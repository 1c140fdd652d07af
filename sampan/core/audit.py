"""`sampan audit [URL]`: load the site's own pages in a real browser and report anything that leaves it.

It starts where it is told (the site's address by default), reads the sitemap, and follows the site's own links
up to a page limit. Each page is loaded in headless Chromium (Playwright) until the network is quiet; every
request the page makes is recorded, and so is every Content-Security-Policy violation (a resource the policy
blocked, which is a foreign resource the page tried to load). A clean site exits 0; anything foreign, 1; an
audit that could not run (no Playwright or Chromium, an unreachable site), 2.

No request goes anywhere but the audited site: foreign links are never followed, and the browser is told to
refuse every request to another origin after recording it, so auditing never leaks what a page would leak.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

CHROMIUM = "/usr/bin/chromium"
LOCAL_SCHEMES = ("data", "blob", "about", "chrome-error")
SITEMAP_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
# Records violations as the page reports them, before any of its own scripts run.
WATCH_VIOLATIONS = """
window.__sampanViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__sampanViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline code"}`);
});
"""
SKIPPED_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".css", ".js", ".pdf", ".zip", ".ico")


class AuditUnavailable(Exception):
    """The audit cannot run here (no browser) or the site does not answer."""


@dataclass
class PageReport:
    url: str
    status: int | None = None
    foreign: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def clean(self) -> bool:
        return not (self.foreign or self.violations or self.error)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_foreign(url: str, origin: str) -> bool:
    return urlsplit(url).scheme not in LOCAL_SCHEMES and origin_of(url) != origin


def _worth_visiting(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and origin_of(url) == origin
        and not parts.path.lower().endswith(SKIPPED_EXTENSIONS)
        and not parts.path.startswith(("/admin/", "/media/", "/static/"))
    )


def audit_site(start_url: str, *, max_pages: int = 200, executable: str = CHROMIUM) -> list[PageReport]:
    """Load up to `max_pages` of the site's own pages, starting at `start_url`; one report per page."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as err:
        raise AuditUnavailable(
            "the audit needs Playwright for Python (pip install playwright) and Chromium"
        ) from err
    origin = origin_of(start_url)
    reports: list[PageReport] = []
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, headless=True)
        except Error as err:
            first_line = err.message.splitlines()[0]
            raise AuditUnavailable(f"could not start Chromium at {executable}: {first_line}") from err
        context = browser.new_context()
        context.add_init_script(WATCH_VIOLATIONS)
        queue = deque([urldefrag(start_url).url, *_sitemap_pages(context, origin)])
        seen: set[str] = set()
        while queue and len(reports) < max_pages:
            url = queue.popleft()
            if url in seen or (seen and not _worth_visiting(url, origin)):  # the start: as asked
                continue
            seen.add(url)
            report, links = _audit_page(context, url, origin)
            if not reports and report.status is None:
                browser.close()
                raise AuditUnavailable(f"{start_url} does not answer: {report.error}")
            reports.append(report)
            queue.extend(link for link in links if link not in seen)
        browser.close()
    return reports


def _sitemap_pages(context: Any, origin: str, limit: int = 50) -> list[str]:
    """The pages the sitemap lists (following a sitemap index one level down)."""
    from playwright.sync_api import Error

    pages: list[str] = []
    sitemaps = [f"{origin}/sitemap.xml"]
    while sitemaps and limit:
        limit -= 1
        try:
            response = context.request.get(sitemaps.pop(0), fail_on_status_code=False, max_redirects=0)
        except Error:
            break  # the site does not answer: the first page says so
        if response.status != 200:
            continue
        for loc in SITEMAP_LOC.findall(response.text()):
            (sitemaps if loc.endswith(".xml") else pages).append(loc.replace("&amp;", "&"))
    return [page for page in pages if origin_of(page) == origin]


def _audit_page(context: Any, url: str, origin: str) -> tuple[PageReport, list[str]]:
    from playwright.sync_api import Error

    report = PageReport(url=url)
    page = context.new_page()

    def watch(route: Any) -> None:
        if is_foreign(route.request.url, origin):
            report.foreign.append(f"{route.request.resource_type} {route.request.url}")
            route.abort("blockedbyclient")  # recorded, never sent
        else:
            route.continue_()

    page.route("**/*", watch)
    refused: list[str] = []  # Chromium's console says "Refused to …" too: used if the events said nothing
    page.on("console", lambda message: refused.append(message.text.split(" because ")[0]))
    links: list[str] = []
    try:
        response = page.goto(url, wait_until="networkidle", timeout=30_000)
        report.status = response.status if response else None
        if response and "html" in response.headers.get("content-type", ""):
            for violation in page.evaluate("() => window.__sampanViolations || []"):
                if violation not in report.violations:
                    report.violations.append(violation)
            if not report.violations:
                report.violations = [text for text in refused if text.startswith("Refused to")]
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(el => el.href)")
            links = [urldefrag(urljoin(url, href)).url for href in hrefs]
    except Error as err:
        report.error = err.message.splitlines()[0]
    finally:
        page.close()
    return report, links
