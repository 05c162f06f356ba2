"""The language of a piece of text, for the `lang` attribute (WCAG 3.1.2): what an editor
recorded, else a guess from the script it is written in.

Pages are in English (`<html lang="en">`); text in another language must say which, so a
screen reader reads 微信 with a Chinese voice. A recorded language (a BCP 47 tag such as
`zh`, `zh-Hant` or `pt`) wins; without one, `guess_language` names the language only where
the script leaves no doubt worth doubting (Han: Chinese), and says nothing for scripts
shared by many languages (Latin, Cyrillic, Arabic).
"""

import re
import unicodedata

from django.core.validators import RegexValidator
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# The language of every page's own text (base.html's <html lang>).
PAGE_LANGUAGE = "en"

# A BCP 47 language tag, in the shape this site needs: a language subtag, then optional
# script, region or variant subtags ("zh", "zh-Hant", "pt-BR", "yue-Hant-HK").
validate_language_tag = RegexValidator(
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    "Enter a BCP 47 language tag such as zh, zh-Hant or pt (or leave it blank).",
)

# Scripts that name one language, by the Unicode character name's first word; the order
# matters (kana or hangul beside Han characters is Japanese or Korean, not Chinese).
_SCRIPT_LANGUAGES = (
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("HANGUL", "ko"),
    ("CJK", "zh"),
    ("THAI", "th"),
    ("HEBREW", "he"),
    ("GREEK", "el"),
    ("GEORGIAN", "ka"),
    ("ARMENIAN", "hy"),
)
_LATIN_ONLY = re.compile(r"^[\x00-\x7f]*$")


def scripts_of(text):
    """The first word of the Unicode name of each letter in `text` (e.g. {"CJK", "LATIN"})."""
    found = set()
    for char in text or "":
        if char.isalpha():
            found.add(unicodedata.name(char, "UNKNOWN").split()[0])
    return found


def guess_language(text):
    """The language `text` is written in, guessed from its script: "zh" for Han characters,
    "ja" for kana, "ko" for hangul, and so on; "" when the script does not tell (Latin,
    Cyrillic, Arabic...) or `text` has no letters."""
    if _LATIN_ONLY.match(text or ""):
        return ""
    scripts = scripts_of(text)
    for script, language in _SCRIPT_LANGUAGES:
        if script in scripts:
            return language
    return ""


def language_of(text, recorded=""):
    """The language recorded for `text`, else the one its script gives (`guess_language`)."""
    return recorded or guess_language(text)


def is_foreign(language):
    """Whether text in `language` needs a `lang` of its own on a page in PAGE_LANGUAGE."""
    return bool(language) and language.split("-")[0].lower() != PAGE_LANGUAGE


def lang_attribute(language):
    """` lang="…"` for an element holding text in `language`, or "" for the page's own."""
    if not is_foreign(language):
        return ""
    return format_html(' lang="{}"', language)


def in_language(text, language):
    """`text`, escaped, wrapped in `<span lang>` when its language is not the page's."""
    if not is_foreign(language):
        return format_html("{}", text)
    return format_html('<span lang="{}">{}</span>', language, text)


def names_in_languages(names, recorded=""):
    """Several names (aliases), each in its language, joined by commas, as safe HTML."""
    return mark_safe(", ".join(in_language(name, language_of(name, recorded)) for name in names))
