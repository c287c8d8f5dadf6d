"""``assert_accessible(page)``: run axe-core (bundled by axe-playwright-python) in the page against the WCAG 2.x
A and AA rules, and fail with every serious or critical violation.

axe is injected with ``page.evaluate``: Playwright evaluates through the DevTools protocol, which the page's
Content-Security-Policy (``script-src 'self'``, no inline script) does not govern, so pages are audited exactly
as ambassadors get them, CSP included, with no ``bypass_csp`` context that would change what is tested."""

from importlib.resources import files

AXE_SOURCE = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page):
    """axe-core's violations of the WCAG A/AA rules on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(results => results.violations)",
        WCAG_TAGS,
    )


def assert_accessible(page):
    blocking = [violation for violation in axe_violations(page) if violation["impact"] in BLOCKING]
    assert not blocking, f"accessibility violations on {page.url}:\n" + "\n".join(
        f"- {violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
        for violation in blocking
    )
