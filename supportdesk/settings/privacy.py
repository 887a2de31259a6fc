"""Privacy settings (issue 26; README "Privacy"), imported at the end of base."""

import environ

env = environ.Env()

# PRIVACY (issue 26; README "Privacy")
# Field encryption at rest (supportdesk.kit.crypto): Fernet keys, the current one first (generate one with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`), and the HMAC key of
# the blind indexes. Unset (development), both are derived from SECRET_KEY; production settings require them.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_BLIND_INDEX_KEY = env("FIELD_BLIND_INDEX_KEY", default="")
# Attachments, their thumbnails and access exports are encrypted (supportdesk.kit.encrypted_storage) on top of the
# storage alias named here (the local folder or the S3 bucket the "default" alias selects).
ENCRYPTED_STORAGE = {
    "BACKEND": "supportdesk.kit.encrypted_storage.EncryptedStorage",
    "OPTIONS": {"inner": env("ENCRYPTED_STORAGE_INNER", default="default")},
}
# ENCRYPT_FILES=false leaves the files as they are on that storage: only for an S3 bucket that encrypts them itself
# (SSE-KMS), where downloads then become presigned redirects instead of streaming through the web process.
ENCRYPT_FILES = env.bool("ENCRYPT_FILES", default=True)
# Where the keys come from: a KMS adapter implements data_keys() and index_key() (see supportdesk.kit.crypto).
FIELD_KEY_PROVIDER = env("FIELD_KEY_PROVIDER", default="supportdesk.kit.crypto.SettingsKeyProvider")
# An erasure needs an identity verification of the customer that succeeded within this many days.
PRIVACY_VERIFICATION_MAX_AGE_DAYS = env.int("PRIVACY_VERIFICATION_MAX_AGE_DAYS", default=30)
# A subject access export is downloadable through a signed link for this long, then deleted.
PRIVACY_EXPORT_LINK_MINUTES = env.int("PRIVACY_EXPORT_LINK_MINUTES", default=60)
PRIVACY_EXPORT_KEEP_DAYS = env.int("PRIVACY_EXPORT_KEEP_DAYS", default=7)
# The privacy notice the portal links to, and its version (stored with every consent answer).
PRIVACY_NOTICE_URL = env("PRIVACY_NOTICE_URL", default="/portal/help/a/privacy-notice/")
PRIVACY_NOTICE_VERSION = env("PRIVACY_NOTICE_VERSION", default="2026-12")
# Records a retention run touches per transaction.
PRIVACY_RETENTION_BATCH = env.int("PRIVACY_RETENTION_BATCH", default=500)
# Off: the nightly retention job only reports (a dry run); the admin applies it. On: it applies the policies.
PRIVACY_RETENTION_AUTO_APPLY = env.bool("PRIVACY_RETENTION_AUTO_APPLY", default=False)
# Optional processing needs the customer's "yes" per purpose and channel (portal "Privacy and your data"), except the
# purposes listed here, sent until the customer says no: satisfaction surveys, under the legitimate interest of
# checking the service, announced in the privacy notice. Empty: everything optional is opt-in.
PRIVACY_OPT_OUT_PURPOSES = env.list("PRIVACY_OPT_OUT_PURPOSES", default=["surveys"])
