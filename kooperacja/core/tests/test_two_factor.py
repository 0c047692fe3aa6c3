"""Two-factor sign-in: set-up with a QR code, the second step, recovery codes, the requirement."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kooperacja.core import accounts
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.roles import Role
from kooperacja.core.tests.accounts_support import (
    PASSWORD,
    enable_two_factor,
    make_user,
    says,
    sign_in,
    signed_in_user_id,
    totp_code,
)

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"
OVERVIEW = "/accounts/two-factor/"
RECOVERY = "/accounts/two-factor/recovery-codes/"
DISABLE = "/accounts/two-factor/disable/"


def _codes_on(page) -> list[str]:
    return re.findall(r'<code translate="no">([a-z2-7]{8})</code>', page.content.decode())


def _forget_failures(device) -> None:
    """As if the throttling wait after a wrong code had passed."""
    device.throttling_failure_timestamp = timezone.now() - timedelta(hours=1)
    device.save()


# --- Set-up -------------------------------------------------------------------


def test_it_shows_a_qr_code_and_the_key_for_typing_in(client):
    user = make_user()
    client.force_login(user)
    response = client.get(SETUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg role="img"' in html
    assert "<title>" in html
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert accounts.base32_secret(device) in html
    assert 'autocomplete="one-time-code"' in html
    # The secret must not stay in a shared computer's browser cache.
    assert "no-store" in response["Cache-Control"]


def test_it_keeps_the_same_key_when_the_set_up_page_is_reloaded(client):
    user = make_user()
    client.force_login(user)
    client.get(SETUP)
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_it_names_the_platform_in_the_authenticator_app():
    user = make_user()
    device = accounts.pending_totp_device(user)
    url = accounts.totp_config_url(device)
    assert url.startswith("otpauth://totp/Kooperacja%3Aanna.nowak?")
    assert "issuer=Kooperacja" in url


def test_it_refuses_a_wrong_code_during_set_up(client):
    user = make_user()
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    wrong = totp_code(device, offset_steps=10)
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert says(
        response, "This code is not correct. Check that the time on your phone is right and enter the code shown now."
    )
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=user).exists()


def test_it_refuses_a_code_that_is_not_six_digits(client):
    user = make_user()
    client.force_login(user)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "12ab56"})
    assert says(response, "The code has 6 digits. Enter it without letters.")


def test_it_turns_two_factor_on_and_shows_ten_recovery_codes_once(client):
    user = make_user()
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": totp_code(device)})
    assert response.status_code == 200
    codes = _codes_on(response)
    assert len(codes) == 10 == len(set(codes))
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(codes)
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, actor_id=user.pk, details={"two_factor": "enabled"}
    ).exists()
    # The session that set it up counts as verified: work goes on without a second code.
    assert client.get("/home/").status_code == 200
    # The codes are not shown again.
    overview = client.get(OVERVIEW)
    assert not set(codes) & set(re.findall(r"[a-z2-7]{8}", overview.content.decode()))


def test_it_accepts_a_code_typed_with_spaces(client):
    user = make_user()
    client.force_login(user)
    client.get(SETUP)
    code = totp_code(TOTPDevice.objects.get(user=user))
    response = client.post(SETUP, {"code": f" {code[:3]} {code[3:]} "})
    assert len(_codes_on(response)) == 10


# --- The second step of sign-in -------------------------------------------------


def test_it_asks_for_the_code_after_the_password(client):
    user = make_user()
    enable_two_factor(user)
    response = sign_in(client, user.username, next="/accounts/password/change/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Faccounts%2Fpassword%2Fchange%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()


def test_it_lets_no_page_open_before_the_second_step(client):
    user = make_user()
    enable_two_factor(user)
    sign_in(client, user.username)
    for path in ("/home/", "/accounts/password/change/", OVERVIEW, SETUP, "/accounts/lockouts/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY), path
    assert client.post("/accounts/password/change/", {}).status_code == 302


def test_it_opens_the_pages_after_a_correct_code_and_follows_next(client):
    user = make_user()
    device, _codes = enable_two_factor(user)
    sign_in(client, user.username)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/accounts/password/change/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"
    assert client.get("/home/").status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_id=user.pk).latest("id")
    assert event.details == {"step": "second_factor", "method": "totp"}


def test_it_ignores_a_next_address_off_this_site_after_the_code(client):
    user = make_user()
    device, _codes = enable_two_factor(user)
    sign_in(client, user.username)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/home/"


def test_it_refuses_a_wrong_code_and_audits_it(client):
    user = make_user()
    device, _codes = enable_two_factor(user)
    sign_in(client, user.username)
    response = client.post(VERIFY, {"code": totp_code(device, offset_steps=20)})
    assert response.status_code == 200
    assert says(response, "This code is not correct, or it has already been used.")
    assert client.get("/home/").status_code == 302
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.details == {"username": "anna.nowak", "step": "second_factor"}


def test_it_makes_the_user_wait_after_wrong_codes(client):
    user = make_user()
    device, _codes = enable_two_factor(user)
    sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device, offset_steps=20)})
    # Right after a failure even the right code must wait (django-otp doubles the wait each time).
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert says(response, "Too many wrong codes in a row. Wait a moment and try again.")
    assert client.get("/home/").status_code == 302
    device.refresh_from_db()
    _forget_failures(device)
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert client.get("/home/").status_code == 200


def test_it_refuses_input_that_is_no_kind_of_code(client):
    user = make_user()
    enable_two_factor(user)
    sign_in(client, user.username)
    response = client.post(VERIFY, {"code": "hasło!"})
    assert says(response, "Enter the 6 digits from the app, or a recovery code of 8 letters and digits.")


def test_it_accepts_a_recovery_code_once(client):
    user = make_user()
    _device, codes = enable_two_factor(user)
    sign_in(client, user.username)
    response = client.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/home/").status_code == 200
    assert accounts.recovery_codes_left(user) == 9
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_id=user.pk).latest("id")
    assert event.details["method"] == "recovery_code"

    client.post("/accounts/logout/")
    sign_in(client, user.username)
    reused = client.post(VERIFY, {"code": codes[0]})
    assert reused.status_code == 200
    assert says(reused, "This code is not correct, or it has already been used.")
    assert client.get("/home/").status_code == 302


def test_it_sends_a_user_without_two_factor_on_from_the_verify_page(client):
    user = make_user()
    client.force_login(user)
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"] == "/home/"


def test_it_lets_the_user_sign_out_before_the_second_step(client):
    user = make_user()
    enable_two_factor(user)
    sign_in(client, user.username)
    assert client.post("/accounts/logout/").status_code == 302
    assert signed_in_user_id(client) is None


# --- Required by role ---------------------------------------------------------


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def test_it_sends_a_social_worker_without_a_device_to_set_up(client, require_2fa):
    user = make_user(role=Role.SOCIAL_WORKER)
    response = sign_in(client, user.username)
    assert response["Location"] == f"{SETUP}?next=%2Fhome%2F"
    home = client.get("/home/")
    assert home.status_code == 302
    assert home["Location"] == f"{SETUP}?next=%2Fhome%2F"
    page = client.get(home["Location"])
    assert page.status_code == 200
    assert says(page, "Your role gives access to personal data, so the platform requires two-factor sign-in. "
                "Set it up to continue; it takes about two minutes.")  # fmt: skip


def test_it_leaves_help_sign_out_static_files_health_and_the_api_open_during_set_up(client, require_2fa):
    user = make_user(role=Role.SOCIAL_WORKER)
    client.force_login(user)
    for path in ("/help/", "/healthz", "/static/css/kooperacja.css", "/api/v1/openapi.json"):
        response = client.get(path)
        assert not (response.status_code == 302 and response["Location"].startswith(SETUP)), path
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"})["Location"] == "/"
    assert client.post("/accounts/logout/")["Location"] == "/"


def test_it_lets_a_social_worker_work_once_set_up(client, require_2fa):
    user = make_user(role=Role.SOCIAL_WORKER)
    sign_in(client, user.username)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": totp_code(device), "next": "/home/"})
    assert 'href="/home/"' in response.content.decode()
    assert client.get("/home/").status_code == 200


def test_it_does_not_require_two_factor_of_a_regional_analyst(client, require_2fa):
    user = make_user(role=Role.REGIONAL_ANALYST)
    response = sign_in(client, user.username)
    assert response["Location"] == "/home/"
    assert client.get("/home/").status_code == 200


def test_it_does_not_require_two_factor_when_the_setting_is_off(client, settings):
    settings.REQUIRE_2FA = False
    user = make_user(role=Role.SOCIAL_WORKER)
    assert sign_in(client, user.username)["Location"] == "/home/"


def test_it_refuses_to_turn_off_two_factor_where_it_is_required_and_says_why(client, require_2fa):
    user = make_user(role=Role.MANAGER)
    device, _codes = enable_two_factor(user)
    sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device)})
    overview = client.get(OVERVIEW)
    assert 'action="/accounts/two-factor/disable/"' not in overview.content.decode()
    response = client.post(DISABLE, {"password": PASSWORD})
    assert response.status_code == 403
    assert says(
        response,
        "Two-factor sign-in cannot be turned off: your role gives access to personal data, so it is required.",
    )
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Overview, new recovery codes, turning off --------------------------------


def test_it_shows_whether_two_factor_is_on_and_how_many_codes_are_left(client):
    user = make_user()
    client.force_login(user)
    assert says(client.get(OVERVIEW), "Two-factor sign-in is off.")

    device, codes = enable_two_factor(user)
    StaticToken.objects.filter(token=codes[0]).delete()
    sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device)})
    page = client.get(OVERVIEW)
    assert says(page, "Two-factor sign-in is on.")
    with translation.override("pl"):
        left = ngettext("You have %(counter)s unused recovery code.", "You have %(counter)s unused recovery codes.", 9)
    assert left % {"counter": 9} in page.content.decode()


def test_it_makes_new_recovery_codes_and_voids_the_old_ones(client):
    user = make_user()
    device, old_codes = enable_two_factor(user)
    sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device)})
    response = client.post(RECOVERY)
    assert response.status_code == 200
    new_codes = _codes_on(response)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert accounts.check_second_factor(user, old_codes[0]).device is None
    assert AuditEvent.objects.filter(details={"two_factor": "recovery_codes_regenerated"}, actor_id=user.pk).exists()


def test_it_makes_new_recovery_codes_only_by_post(client):
    user = make_user()
    client.force_login(user)
    assert client.get(RECOVERY).status_code == 405


def test_it_makes_no_recovery_codes_while_two_factor_is_off(client):
    user = make_user()
    client.force_login(user)
    response = client.post(RECOVERY)
    assert response.status_code == 302
    assert not StaticDevice.objects.filter(user=user).exists()


def test_it_turns_two_factor_off_with_the_password(client):
    user = make_user()
    device, _codes = enable_two_factor(user)
    sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device)})
    response = client.post(DISABLE, {"password": PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert client.get("/home/").status_code == 200
    assert AuditEvent.objects.filter(details={"two_factor": "disabled"}, actor_id=user.pk).exists()


def test_it_keeps_two_factor_on_when_the_password_is_wrong(client):
    user = make_user()
    device, _codes = enable_two_factor(user)
    sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(device)})
    response = client.post(DISABLE, {"password": "nie-moje-haslo"})
    assert response.status_code == 200
    assert says(response, "The password is not correct.")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_it_turns_two_factor_off_only_by_post(client):
    user = make_user()
    client.force_login(user)
    assert client.get(DISABLE).status_code == 405


def test_it_sends_an_anonymous_visitor_of_the_two_factor_pages_to_sign_in(client):
    for path in (OVERVIEW, SETUP, VERIFY):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_it_moves_the_app_to_a_new_phone_keeping_the_old_one_until_confirmed(client):
    user = make_user()
    old_phone, _codes = enable_two_factor(user)
    sign_in(client, user.username)
    client.post(VERIFY, {"code": totp_code(old_phone)})
    page = client.get(SETUP)
    assert page.status_code == 200
    assert says(page, "You are moving the authenticator app to a new phone. The app on the old phone keeps working "
                "until you enter a code from the new one.")  # fmt: skip
    new_phone = TOTPDevice.objects.get(user=user, confirmed=False)
    assert accounts.totp_device(user) == old_phone
    response = client.post(SETUP, {"code": totp_code(new_phone)})
    assert len(_codes_on(response)) == 10
    assert list(TOTPDevice.objects.filter(user=user)) == [new_phone]


def test_it_costs_one_query_per_request_to_check_for_a_second_factor(client):
    user = make_user()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/password/change/done/").status_code == 200
    otp_queries = [q["sql"] for q in queries.captured_queries if "otp_" in q["sql"]]
    assert len(otp_queries) == 1, "\n".join(otp_queries)


# --- An administrator resets a lost second factor ------------------------------------------


def test_it_lets_an_admin_remove_the_second_factor_of_someone_who_lost_it(client, persona):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kooperacja.core.models import AuditAction, AuditEvent

    owner = make_user("zgubiony.telefon")
    enable_two_factor(owner)
    client.force_login(persona("admin"))

    response = client.post("/accounts/two-factor/reset/", {"username": owner.username})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert not StaticDevice.objects.filter(user=owner).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_CHANGE, object_id=str(owner.public_id), details__two_factor="reset"
    ).exists()


def test_it_explains_an_unknown_user_name_and_changes_nothing(client, persona):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    owner = make_user("ma.telefon")
    enable_two_factor(owner)
    client.force_login(persona("admin"))

    response = client.post("/accounts/two-factor/reset/", {"username": "nie.ma.takiego"})

    assert response.status_code == 400
    assert says(response, "No account has this user name.")
    assert TOTPDevice.objects.filter(user=owner).exists()


def test_it_lets_no_one_but_the_admin_remove_a_second_factor(client, persona):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    owner = make_user("chroniony")
    enable_two_factor(owner)
    client.force_login(persona("lider.mirzec"))

    assert client.post("/accounts/two-factor/reset/", {"username": owner.username}).status_code == 403
    assert TOTPDevice.objects.filter(user=owner).exists()
