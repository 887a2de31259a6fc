from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from supportdesk.audit import admin as audit_admin  # noqa: F401 - registers the audit log viewer
from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from supportdesk.models import ApiToken, AppKey, User
from supportdesk.services import api_token_create, api_token_revoke, app_key_create
from supportdesk.staff_mfa import mfa_missing


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ["time_zone", "language"]}),
    ]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "role_names", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all())


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "user", "scope", "expires_at"]
        help_texts = {"expires_at": _("Empty: the token expires after the default lifetime (STAFF_API_TOKEN_DAYS).")}

    def clean_user(self):
        user = self.cleaned_data["user"]
        if not user.is_staff:
            raise forms.ValidationError(_("API tokens are for staff users only."))
        if mfa_missing(user):
            raise forms.ValidationError(
                _("This user's role requires two-factor authentication: they must set it up before getting a token.")
            )
        return user


@admin.register(ApiToken)
class ApiTokenAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """Tokens are created here and shown once; only a hash is kept."""

    form = ApiTokenForm

    list_display = ["name", "prefix", "user", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    fields = ["name", "user", "scope", "expires_at", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user", "scope", "name"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["expires_at"])
            return
        token, plain = api_token_create(user=obj.user, name=obj.name, scope=obj.scope, expires_at=obj.expires_at)
        obj.pk = token.pk
        self.message_user(
            request,
            _("Token created. Copy it now, it will not be shown again: %(token)s") % {"token": plain},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, _("Tokens revoked."), messages.SUCCESS)


@admin.register(AppKey)
class AppKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "prefix"]
    fields = ["name", "is_active", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "is_active"])
            return
        app_key, plain, signing_secret = app_key_create(name=obj.name)
        obj.pk = app_key.pk
        self.message_user(
            request,
            _("App key created. Copy both now, they will not be shown again. Key: %(key)s  Signing secret: %(secret)s")
            % {"key": plain, "secret": signing_secret},
            messages.WARNING,
        )
