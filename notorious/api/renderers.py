"""The API's renderers: JSON written by orjson, and the browsable API's HTML pages under the
site's Content Security Policy."""

import orjson
from csp.constants import NONCE, UNSAFE_INLINE
from rest_framework import renderers

# How DRF's JSONRenderer writes the two line separators JavaScript once refused in strings.
LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON, written by orjson: the same bytes (compact, UTF-8, the line separators
    escaped) several times faster than the standard library's encoder, which took 4 ms of a
    50-market page's 25 at 10,000 markets (144 KB). Dates and times and anything else orjson
    does not write itself go through DRF's encoder; an answer orjson refuses (a number
    beyond 64 bits, a key that is not a string) and an indented one (asked for in the
    Accept header) are DRF's own."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            rendered = orjson.dumps(
                data,
                default=self.encoder_class().default,
                option=orjson.OPT_PASSTHROUGH_DATETIME,
            )
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        for character, escaped in LINE_SEPARATORS:
            rendered = rendered.replace(character, escaped)
        return rendered


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
