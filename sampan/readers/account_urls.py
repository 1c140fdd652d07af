"""The reader's own account, under /accounts/you/."""

from django.urls import path

from . import account, passkeys

app_name = "reader_account"

urlpatterns = [
    path("", account.account, name="home"),
    path("export/", account.export, name="export"),
    path("sign-out-everywhere/", account.sign_out_everywhere, name="sign_out_everywhere"),
    path("delete/", account.delete, name="delete"),
    path("passkeys/add/", passkeys.add_passkey, name="add_passkey"),
    path("passkeys/sign-in-again/", passkeys.sign_in_again, name="sign_in_again"),
    path("passkeys/<int:pk>/remove/", passkeys.remove_passkey, name="remove_passkey"),
]
