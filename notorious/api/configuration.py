"""The API's settings for Django REST framework and drf-spectacular: constants, nothing read
from the environment; `notorious/settings.py` imports them."""

# Published entries only, so no authentication.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "notorious.api.renderers.JSONRenderer",
        "notorious.api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["notorious.api.filtering.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "notorious.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "notorious.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "notorious.api.errors.exception_handler",  # errors as JSON problems
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Notorious API",
    "DESCRIPTION": "Read-only data on USTR's Review of Notorious Markets for Counterfeiting and "
    "Piracy: editions, markets, companies, listings, press coverage and sourced figures. "
    "Published entries only; entities are identified by slug (editions by year).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # A market's kind and a listing's section share one set of choices; so do a timeline
    # year's state and a market's latest_state.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "notorious.markets.models.Kind",
        "StateEnum": "notorious.api.history_serializers.STATE_CHOICES",
    },
    # The documentation page's assets come from drf-spectacular-sidecar, served by the site.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would send the schema's address to swagger.io. No deep links:
    # they put a link inside each operation's button (nested controls, WCAG 4.1.2).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
}
