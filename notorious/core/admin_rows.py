"""Accessible names for the fields of the admin's tabular inlines."""


def name_row_fields(form, row):
    """Gives each of a table row's fields an accessible name, its column and its row ("Section,
    listing in an edition 2"): in a tabular inline the column headers are not labels, so a
    screen reader read each box and menu with no name at all (WCAG 1.3.1, 4.1.2)."""
    for name, field in form.fields.items():
        label = "Delete" if name == "DELETE" else field.label or name.replace("_", " ")
        field.widget.attrs["aria-label"] = f"{str(label).capitalize()}, {row}"


class LabelledRowsInlineMixin:
    """For tabular inlines: every field of every row named by `name_row_fields`."""

    def get_formset(self, request, obj=None, **kwargs):
        noun = self.verbose_name

        class LabelledRows(super().get_formset(request, obj, **kwargs)):
            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                name_row_fields(form, f"{noun} {i + 1}")
                return form

            @property
            def empty_form(self):
                form = super().empty_form
                name_row_fields(form, f"new {noun}")
                return form

        return LabelledRows
