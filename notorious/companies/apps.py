from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "notorious.companies"
