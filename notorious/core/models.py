"""Building blocks shared by every public entity: slugs, timestamps, the published flag."""

from django.db import models
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.functions import Lower

from notorious.core.languages import language_of, names_in_languages, validate_language_tag


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Everything for those who may preview this model's drafts, published entries for
        everyone else."""
        if may_preview_drafts(user, self.model):
            return self
        return self.published()


def may_preview_drafts(user, model):
    """Whether `user` sees drafts of `model` on the public pages: the one rule for previews.

    Staff who may view the model in the admin (Editors, administrators) may also see its
    drafts as readers will; being staff is not enough, so an account given no permissions
    sees what readers see.
    """
    opts = model._meta
    return bool(
        user is not None
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


def if_published(entry):
    """`entry` if readers may see it, else None (for a draft, or no entry at all).

    Pages, feeds and the API name a related entry (a market's operator, a company's owner,
    an article's outlet, a figure's source) only once it is published, and say nothing of
    a draft: `if_published(article.outlet)` in Python, `{{ article.outlet|if_published }}`
    in templates (`{% load publishing %}`).
    """
    return entry if entry is not None and entry.is_published else None


def instance_from_row(model, database, columns, values):
    """An instance of `model` read from `database`, from some of its columns (`columns`,
    attribute names) and their `values`, the others deferred: what `model.from_db` makes,
    without `Model.__init__`. That walks every field of the model, setting each given value
    through its descriptor and skipping the deferred ones, about 4 µs an instance; a
    changes page builds 120 of them from its rows, an edition's page 406. A model that
    makes its instances its own way (its own `__init__` or `from_db`), or whose instances
    something watches being made (`pre_init` or `post_init` receivers), is made by
    `from_db` all the same."""
    if (
        model.__init__ is not models.Model.__init__
        or model.from_db.__func__ is not models.Model.from_db.__func__
        or signals.pre_init.has_listeners(model)
        or signals.post_init.has_listeners(model)
    ):
        return model.from_db(database, columns, values)
    instance = model.__new__(model)
    instance.__dict__.update(zip(columns, values, strict=True))
    instance._state = ModelState()
    instance._state.adding, instance._state.db = False, database
    return instance


class AliasedQuerySet(PublishableQuerySet):
    def matching_name(self, name):
        """Entries whose name or one of whose aliases is `name`, ignoring case and spaces."""
        name = " ".join((name or "").split())
        if not name:
            return self.none()
        folded = name.casefold()
        candidates = self.filter(models.Q(name__iexact=name) | models.Q(aliases__icontains=name))
        return self.filter(
            pk__in=[c.pk for c in candidates if folded in {n.casefold() for n in c.all_names}]
        )


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Publishable(Timestamped):
    """A public entity: readers see it only once an editor has published it."""

    is_published = models.BooleanField(
        "published",
        default=False,
        db_index=True,
        help_text="Readers see only published entries; drafts are visible to staff only.",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True


def split_aliases(text):
    """Aliases as a list: one per line (or separated by ';'), trimmed, deduplicated up to case."""
    seen = set()
    aliases = []
    for raw in (text or "").replace(";", "\n").splitlines():
        alias = " ".join(raw.split())
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            aliases.append(alias)
    return aliases


class Aliased(models.Model):
    """A named thing with other names (native-script names included), one per line."""

    aliases = models.TextField(
        blank=True,
        help_text="Other names, one per line (native-script names included, e.g. 微信).",
    )
    aliases_language = models.CharField(
        "language of the aliases",
        max_length=35,
        blank=True,
        validators=[validate_language_tag],
        help_text="A BCP 47 tag (e.g. zh, zh-Hant, pt) when the aliases share one. Blank: "
        "each alias's language is guessed from its script (Chinese characters: zh).",
    )

    class Meta:
        abstract = True

    @property
    def alias_languages(self):
        """(alias, language) pairs: the recorded language, else each alias's script's."""
        return [(alias, language_of(alias, self.aliases_language)) for alias in self.alias_list]

    @property
    def aliases_html(self):
        """The aliases, comma-separated, each marked with its language (`lang`)."""
        return names_in_languages(self.alias_list, self.aliases_language)

    @property
    def alias_list(self):
        return split_aliases(self.aliases)

    @property
    def all_names(self):
        return [self.name, *self.alias_list]

    def clean_aliases(self):
        """Trim and deduplicate aliases, and drop any that merely repeat the name."""
        name = (self.name or "").strip().casefold()
        self.aliases = "\n".join(a for a in split_aliases(self.aliases) if a.casefold() != name)


def unique_name_constraint(model_name):
    """A database constraint: no two entries share a name, whatever its case."""
    return models.UniqueConstraint(
        Lower("name"),
        name=f"{model_name}_unique_name_ci",
        violation_error_message=f"A {model_name} with this name already exists (names are "
        "compared regardless of case).",
    )


class ContentGeneration(models.Model):
    """The one row holding the content generation (notorious/core/generation.py): a number
    PostgreSQL itself bumps, in the committing transaction, whenever content changes.

    Not managed by Django: migration core 0002 creates the table and the triggers, and a
    test database's flush leaves the row alone (a number must never go back)."""

    id = models.SmallIntegerField(primary_key=True)
    generation = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "core_content_generation"

    def __str__(self):
        return str(self.generation)
