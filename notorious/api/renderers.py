"""The browsable API's HTML pages, under the site's Content Security Policy."""

from csp.constants import NONCE, UNSAFE_INLINE
from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable pages set a few `style="..."` attributes (button floats, widths) and,
    with Pygments installed, one <style> element for code highlighting. On these pages only,
    style attributes are allowed (they cannot run script or select other elements) and the
    <style> element carries the CSP nonce (templates/rest_framework/api.html); scripts stay as
    strict as everywhere else."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            # What django-csp's @csp_update decorator sets; its middleware reads it.
            response._csp_update = {"style-src": [NONCE], "style-src-attr": [UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)
