"""What a campaign's launch will do, said before it is done: the audience after the frequency cap and opt-outs,
its languages and the texts missing in them, the links of the email, the survey or board ready, the schedule and
the sending window, and how long sending should take at the configured rates.

Counts are a handful of aggregate queries, whatever the size of the audience. Surveys and ideas add their own
checks of missing English texts through ``register_texts_check`` (campaigns knows nothing of them)."""

import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.audience.segments import saved_segment_condition, segment_problems
from campaigns.models import Ambassador, Locale
from campaigns.sending.launch import contact_cap, launch_problems, members_with_recent_contacts
from campaigns.sending.window import window_label
from campaigns.tracking import destinations

_texts_checks = []
LINK_PLACEHOLDERS = ("{lien}", "{link}")
URL = re.compile(r"https?://[^\s<>\"')]+")


def register_texts_check(check):
    """``check(campaign)`` -> [message] naming the campaign's texts missing in English (a survey's questions...)."""
    _texts_checks.append(check)


@dataclass
class Checklist:
    matched: int  # members of the segments, whether they may be contacted or not
    contactable: int  # consented, not opted out, address working
    capped: int  # contactable but over the frequency cap: recorded as skipped
    by_locale: dict  # locale code -> people who will be invited
    problems: list  # what prevents the launch
    warnings: list = field(default_factory=list)  # what the team should know first
    links: list = field(default_factory=list)  # (label, address, ok)
    duration_seconds: float | None = None
    window: str = ""

    @property
    def invited(self):
        """People who will receive the invitation."""
        return self.contactable - self.capped

    @property
    def excluded(self):
        return self.matched - self.contactable


def launch_checklist(campaign, *, now=None):
    now = now or timezone.now()
    segments = campaign.segments.prefetch_related("rules")
    members = members_with_recent_contacts(campaign, now=now)
    figures = members.aggregate(contactable=Count("pk"), capped=Count("pk", filter=Q(recent__gte=contact_cap())))
    by_locale = dict(members.filter(recent__lt=contact_cap()).order_by().values_list("locale").annotate(n=Count("pk")))
    matched = _matched(segments)
    checklist = Checklist(
        matched=max(matched, figures["contactable"]),
        contactable=figures["contactable"],
        capped=figures["capped"],
        by_locale={code: by_locale.get(code, 0) for code in Locale.values},
        problems=launch_problems(campaign) if campaign.pk else [],
        window=window_label(campaign),
    )
    checklist.warnings = _text_warnings(campaign, checklist)
    checklist.links = _links(campaign)
    checklist.warnings += [
        _("Adresse à vérifier : %(url)s") % {"url": url or label} for label, url, ok in checklist.links if not ok
    ]
    checklist.duration_seconds = _duration(members.filter(recent__lt=contact_cap()), checklist.invited)
    if not checklist.invited and not checklist.problems:
        checklist.problems.append(_("Personne ne recevrait l'invitation : vérifiez les segments."))
    return checklist


def _matched(segments):
    """Members of the segments before the contact rules (consent, opt-out, bounces) are applied."""
    combined = Q(pk__in=[])
    for segment in segments:
        combined |= saved_segment_condition(segment)
    return Ambassador.objects.filter(combined).count()


def _text_warnings(campaign, checklist):
    warnings = list(segment_problems(campaign.segments.prefetch_related("rules")))
    english = checklist.by_locale.get(Locale.EN, 0)
    if english:
        missing = [] if campaign.subject_en.strip() and campaign.body_en.strip() else [_("l'e-mail d'invitation")]
        for check in _texts_checks:
            missing += check(campaign)
        if missing:
            warnings.append(
                ngettext(
                    "%(count)s ambassadeur lit l'anglais, mais ces textes n'existent qu'en français : %(missing)s. "
                    "Il les recevra en français, et toute la campagne lui sera présentée en français.",
                    "%(count)s ambassadeurs lisent l'anglais, mais ces textes n'existent qu'en français : "
                    "%(missing)s. Ils les recevront en français, et toute la campagne leur sera présentée en français.",
                    english,
                )
                % {"count": english, "missing": ", ".join(missing)}
            )
    return warnings


def _links(campaign):
    """(label, address, ok): the personal link in each email text, where it leads, and the addresses the texts
    quote (checked for their form only: no request leaves the server)."""
    links = []
    for language, body in (("fr", campaign.body_fr), ("en", campaign.body_en)):
        if not body.strip():
            continue
        if any(placeholder in body for placeholder in LINK_PLACEHOLDERS):
            label = _("Lien personnel, dans le texte de l'e-mail (%(language)s)")
        else:
            label = _("Lien personnel, en bouton sous le texte de l'e-mail (%(language)s)")
        links.append((label % {"language": language}, "", True))
        links += [(_("Adresse citée dans l'e-mail"), url, url.startswith("https://")) for url in URL.findall(body)]
    for destination, path in destinations.for_campaign(campaign):
        try:
            resolve(path)
            ok = True
        except Resolver404:
            ok = False
        links.append((str(destination.label), path, ok))
    return links


def _duration(members, invited):
    """Seconds of sending at the site's rate and the busiest domain's rate (None: no rate limits the sending)."""
    margin = 1 + settings.SEND_RATE_MARGIN_MS / 1000
    durations = []
    if settings.SEND_RATE_PER_SECOND:
        durations.append(invited * margin / settings.SEND_RATE_PER_SECOND)
    rates = {domain: rate for domain, rate in settings.SEND_DOMAIN_RATES.items() if rate}
    if rates and invited:
        counts = members.aggregate(
            **{f"d{index}": Count("pk", filter=Q(email__endswith="@" + domain)) for index, domain in enumerate(rates)}
        )
        durations += [counts[f"d{index}"] * margin / rate for index, rate in enumerate(rates.values())]
    return max(durations) if durations else None


def duration_label(seconds):
    """« environ 3 heures 20 minutes » for staff; « quelques secondes » when under a minute."""
    if seconds is None:
        return _("aucune limite de débit : aussi vite que le serveur d'e-mails l'accepte")
    minutes = math.ceil(seconds / 60)
    if seconds < 60:
        return _("quelques secondes")
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)s heure", "%(n)s heures", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes})
    return _("environ %(duration)s d'envoi") % {"duration": " ".join(parts)}
