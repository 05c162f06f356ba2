"""`manage.py import_reports FILE.csv [--dry-run]`: import editions' facts, one a row."""

from notorious.reports.import_command import ImportFileCommand
from notorious.reports.report_import import run_reports_import


class Command(ImportFileCommand):
    help = (
        "Import editions from a CSV file, one edition a row keyed on its year (columns: year, "
        "and optionally publication, title, published_on, online_count, physical_count, "
        "source_url, issue_focus, online_complete, physical_complete, completeness_note; see "
        "docs/editors.md). An edition not yet entered is created as a draft; an empty cell "
        "never overwrites a value; every edition is checked as the admin checks it; the "
        "whole file is one transaction, so any bad row stops the import and nothing is "
        "written. Importing the same file again changes nothing. --dry-run shows what would "
        "be created and changed."
    )
    run_import = staticmethod(run_reports_import)
