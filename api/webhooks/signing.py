"""Signatures of webhook deliveries, as Stripe signs its own: the header

    Ambassadeurs-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<unix time>.<body>" with the secret>

The receiver recomputes the HMAC over the timestamp it was given and the raw body, compares in constant time, and
refuses a timestamp older than a few minutes (a replayed request)."""

import hashlib
import hmac

HEADER = "Ambassadeurs-Signature"


def signature(secret, timestamp, body):
    message = f"{int(timestamp)}.".encode() + (body if isinstance(body, bytes) else body.encode())
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret, timestamp, body):
    return f"t={int(timestamp)},v1={signature(secret, timestamp, body)}"


def signature_valid(secret, header, body, *, now, tolerance=300):
    """Whether ``header`` signs ``body`` with ``secret`` at a moment within ``tolerance`` seconds of ``now``."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))
