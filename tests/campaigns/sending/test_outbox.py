"""The local outbox (``campaigns.sending.outbox``), as on a server left with the embedded default
(``EMAIL_URL=outbox:``, ``DEBUG=0``): ambassadors' mail is read by the product team; staff mail (password
resets, Wagtail's workflow notifications, the weekly report, a test send) only by its addressee and superusers."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from campaigns.models import Invitation, OutboxMessage, TrackingEvent
from campaigns.sending.launch import campaign_launch
from campaigns.sending.outbox import OutboxEmailBackend
from cms.models import CampaignPage
from tests.admin_pages import refused
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.cms.factories import campaign_index, home_page
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

OUTBOX = "campaigns.sending.outbox.OutboxEmailBackend"
RESET_LINK = re.compile(r"/admin/password_reset/confirm/[\w-]+/[\w-]+/")
NEW_PASSWORD = "un tout nouveau mot de passe très long"


@pytest.fixture(autouse=True)
def embedded_default(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = OUTBOX


def csrf_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def form_post(client, url, data):
    """POST ``data`` to the form at ``url`` as a browser does: the page first, then the form with its token."""
    return client.post(url, {**data, "csrfmiddlewaretoken": csrf_token(client.get(url))})


def login(client, username, password):
    return form_post(client, reverse("wagtailadmin_login"), {"username": username, "password": password})


def reset_requested(email):
    """Anyone, not logged in, asks Wagtail to reset the password of the account with ``email``."""
    response = form_post(Client(enforce_csrf_checks=True), reverse("wagtailadmin_password_reset"), {"email": email})
    assert response.status_code == 302


def readable(client):
    """Every outbox page ``client`` can open: the listing, and each kept message's page, by its number."""
    pages = [client.get(reverse("outbox:index"))]
    pages += [
        client.get(reverse("outbox:detail", args=[pk])) for pk in OutboxMessage.objects.values_list("pk", flat=True)
    ]
    return "".join(page.content.decode() for page in pages if page.status_code == 200)


def takeover(client, link, username):
    """Follow a password-reset link, set a new password, sign in with it: the account signed in (or anonymous)."""
    form = client.get(link, follow=True)
    if not form.redirect_chain:  # a link already used
        return form.wsgi_request.user
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "csrfmiddlewaretoken": csrf_token(form)},
    )
    attacker = Client(enforce_csrf_checks=True)
    login(attacker, username, NEW_PASSWORD)
    return attacker.get(reverse("wagtailadmin_home")).wsgi_request.user


def test_a_product_team_member_cannot_take_the_admin_account_through_the_outbox(admin_user, product_user):
    reset_requested(admin_user.email)
    assert OutboxMessage.objects.filter(to=admin_user.email).count() == 1  # the email waits in the outbox

    colleague = Client(enforce_csrf_checks=True)
    assert login(colleague, product_user.username, PASSWORD).status_code == 302
    links = dict.fromkeys(RESET_LINK.findall(readable(colleague)))
    taken = [user for link in links if (user := takeover(colleague, link, admin_user.username)).is_authenticated]
    assert not taken, f"signed in as {taken[0]}, superuser: {taken[0].is_superuser}"
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)


def test_ambassadors_mail_is_read_by_the_product_team(client_for, product_user):
    OutboxEmailBackend().send_messages(
        [EmailMessage("Invitation", "Bonjour Léa", "equipe@banque.example", ["lea@exemple.fr"])]
    )
    kept = OutboxMessage.objects.get()
    client = client_for(product_user)
    assert "Invitation" in client.get(reverse("outbox:index")).content.decode()
    assert "Bonjour Léa" in client.get(reverse("outbox:detail", args=[kept.pk])).content.decode()


def test_roles_without_the_outbox_open_nothing_of_it(client_for, editor_user):
    OutboxEmailBackend().send_messages(
        [EmailMessage("Invitation", "Bonjour Léa", "equipe@banque.example", ["lea@exemple.fr"])]
    )
    client = client_for(editor_user)
    assert refused(client.get(reverse("outbox:index")))
    detail = client.get(reverse("outbox:detail", args=[OutboxMessage.objects.get().pk]))
    assert refused(detail) or detail.status_code == 404


# --- role by role: nobody reads another's staff mail ------------------------------------------------------

ROLES = ["product_user", "editor_user", "moderator_user", "analyst_user"]


def workflow_run(editor, approver):
    """An editor submits a page to the editorial workflow (its approvers are told), the product team asks for
    changes (the editor is told), the editor submits again and the product team approves (the editor is told)."""
    index = campaign_index(home_page())
    page = index.add_child(
        instance=CampaignPage(title="Brouillon", slug="brouillon", campaign=campaign(), intro="À relire.", live=False)
    )
    page.save_revision(user=editor)
    state = page.get_workflow().start(page, editor)
    state.current_task_state.task.specific.on_action(state.current_task_state, approver, "reject", comment="Non")
    state.refresh_from_db()
    state.resume(editor)
    state.current_task_state.task.specific.on_action(state.current_task_state, approver, "approve", comment="Oui")


@pytest.fixture
def staff_mail(request, admin_user, product_user, editor_user, analyst_user, moderator_user):
    """Password resets of every account, Wagtail's workflow notifications, a test send and a weekly report to
    the product team, and one invitation to an ambassador, all kept in the outbox."""
    accounts = [admin_user, product_user, editor_user, analyst_user, moderator_user]
    for account in accounts:
        reset_requested(account.email)
    workflow_run(editor_user, product_user)
    OutboxEmailBackend().send_messages(
        [
            EmailMessage("[TEST] Votre avis", "Bonjour", "equipe@banque.example", [product_user.email]),
            EmailMessage("Rapport de la semaine", "Chiffres", "equipe@banque.example", [product_user.email.upper()]),
            EmailMessage("Invitation", "Bonjour Léa", "equipe@banque.example", ["lea@exemple.fr"]),
        ]
    )
    return accounts


def opened(client):
    """The kept messages whose page ``client`` opens, and those its listing shows."""
    pages = {
        pk: client.get(reverse("outbox:detail", args=[pk])) for pk in OutboxMessage.objects.values_list("pk", flat=True)
    }
    listing = client.get(reverse("outbox:index")).content.decode()
    listed = {pk for pk in pages if reverse("outbox:detail", args=[pk]) in listing}
    return {pk for pk, page in pages.items() if page.status_code == 200}, listed


def test_the_staff_mail_made_here_is_what_the_role_by_role_test_needs(staff_mail, editor_user, product_user):
    staff = OutboxMessage.objects.filter(audience=OutboxMessage.Audience.STAFF)
    resets = staff.filter(subject__icontains="mot de passe")
    assert resets.count() == len(staff_mail)
    assert staff.filter(addressee=editor_user).difference(resets).count() >= 2  # changes asked, then approved
    assert staff.filter(addressee=product_user).difference(resets).count() >= 4  # submitted twice, test, weekly
    assert OutboxMessage.objects.filter(audience=OutboxMessage.Audience.AMBASSADORS).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_no_account_reads_another_accounts_password_reset_or_workflow_email(request, client, role, staff_mail):
    user = request.getfixturevalue(role)
    client.force_login(user)
    mine = set(OutboxMessage.objects.filter(addressee=user).values_list("pk", flat=True))
    ambassadors = set(
        OutboxMessage.objects.filter(audience=OutboxMessage.Audience.AMBASSADORS).values_list("pk", flat=True)
    )
    expected = mine | (ambassadors if role == "product_user" else set())
    assert mine  # each account has its own reset at least, and reads it
    pages, listed = opened(client)
    assert pages == expected and listed == expected
    others = {link for pk, link in reset_links().items() if pk not in mine}
    assert others and not others & set(RESET_LINK.findall(readable(client)))


def reset_links():
    """{kept message: the password-reset link in it}."""
    links = {}
    for kept in OutboxMessage.objects.all():
        found = RESET_LINK.search(bytes(kept.message).decode("utf-8", "replace"))
        if found:
            links[kept.pk] = found.group(0)
    return links


def test_superusers_read_every_kept_email(client_for, admin_user, staff_mail):
    pages, listed = opened(client_for(admin_user))
    assert pages == listed == set(OutboxMessage.objects.values_list("pk", flat=True))


def test_a_colleague_who_takes_the_admins_address_reads_none_of_its_mail(client_for, admin_user, product_user):
    product_user.email = admin_user.email.upper()
    product_user.save()
    reset_requested(admin_user.email)  # one email for each account with that address
    kept = OutboxMessage.objects.all()
    assert kept.count() == 2 and not kept.filter(addressee__isnull=False).exists()  # superusers only
    assert not RESET_LINK.findall(readable(client_for(product_user)))
    product_user.email = "produit@banque.example"
    product_user.save()  # taking back one's address opens nothing already kept
    assert not RESET_LINK.findall(readable(client_for(product_user)))


def test_an_account_without_a_role_reads_its_own_mail_only(client_for, django_user_model, admin_user):
    nobody = django_user_model.objects.create_user("sans-role", email="sans-role@banque.example", password=PASSWORD)
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = client_for(nobody)
    assert refused(client.get(reverse("outbox:index")))  # nothing for it yet: the outbox stays closed
    reset_requested(admin_user.email)
    reset_requested(nobody.email)
    pages, listed = opened(client)
    assert pages == listed == set(OutboxMessage.objects.filter(addressee=nobody).values_list("pk", flat=True))


def test_reading_an_invitation_in_the_outbox_counts_no_open(
    client_for, product_user, django_capture_on_commit_callbacks
):
    ambassador("lea@exemple.fr", region="bre")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(campaign(segments=[region_segment()]))
    invitation = Invitation.objects.get()
    page = client_for(product_user).get(reverse("outbox:detail", args=[OutboxMessage.objects.get().pk]))
    content = page.content.decode()
    assert page.status_code == 200 and f"/i/{invitation.token}/" in content  # its links can still be followed
    assert f"/t/o/{invitation.token}.gif" not in content and f"/i/{invitation.token}/v/" not in content
    assert client_for(product_user).get(reverse("campaigns:open_pixel", args=[invitation.token])).status_code == 200
    invitation.refresh_from_db()
    assert invitation.open_count == 0 and invitation.first_opened_at is None and not TrackingEvent.objects.exists()
