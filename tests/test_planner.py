"""Every connection the site opens prices a random page read as its settings say
(notorious/core/planner.py), so the plans measured in docs/benchmarks.md are the site's."""

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db


def random_page_cost_of_a_new_connection():
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            return float(cursor.fetchone()[0])
    finally:
        connection.close()


def test_a_new_connection_prices_random_reads_for_memory_and_solid_state_storage():
    assert random_page_cost_of_a_new_connection() == 1.1


def test_the_price_follows_the_setting(settings):
    settings.DB_RANDOM_PAGE_COST = 4
    assert random_page_cost_of_a_new_connection() == 4
