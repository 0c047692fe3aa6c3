from __future__ import annotations

from django.urls import path

from kooperacja.institutions import views

app_name = "institutions"

urlpatterns = [
    path("", views.institution_list, name="list"),
    path("new/", views.institution_create, name="create"),
    # Before the e-mailed link's pattern, which would take "current" for a token.
    path("invitations/current/", views.current_invitation, name="current_invitation"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("<uuid:public_id>/", views.institution_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.institution_edit, name="edit"),
    path("<uuid:public_id>/staff/", views.staff, name="staff"),
    path("<uuid:public_id>/staff/invite/", views.invite, name="invite"),
    # Each change has a page that asks (GET) and an address that does it (POST).
    path("<uuid:public_id>/staff/<uuid:membership_id>/role/choose/", views.choose_role, name="choose_role"),
    path("<uuid:public_id>/staff/<uuid:membership_id>/role/", views.change_role, name="change_role"),
    path("<uuid:public_id>/staff/<uuid:membership_id>/end/", views.confirm_revoke, name="confirm_revoke"),
    path("<uuid:public_id>/staff/<uuid:membership_id>/revoke/", views.revoke, name="revoke"),
    path(
        "<uuid:public_id>/invitations/<uuid:invitation_id>/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
]
