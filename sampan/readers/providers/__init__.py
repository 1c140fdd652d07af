"""Where allauth looks for our providers' URLs: nowhere. allauth adds every provider package's `urls.py` to its
own (un-namespaced) address space; the IndieAuth and Fediverse addresses live under /accounts/indieauth/ and
/accounts/fediverse/ in their own namespaces instead, so the provider classes point allauth here."""
