"""The self-service portal for wallet users (/portal/): pages that call tickets' selectors and services."""
