"""What the tests of staff pages share."""


def refused(response):
    """Wagtail answers a refused admin page with 403, or a redirect to the dashboard or the login page."""
    if response.status_code == 403:
        return True
    return (response.status_code == 302 and response.url.rstrip("/").endswith(("/admin", "/admin/login"))) or (
        response.status_code == 302 and "/admin/login/" in response.url
    )
