"""The Django admin of tepai.accounts: no device pages for the second factor.

django-otp registers its TOTP and recovery-code devices in the admin, where the secret keys
and unused recovery codes would be readable. Devices are managed on the account pages
instead (each user their own; administrators may only remove a user's devices).
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
