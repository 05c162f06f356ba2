"""The PostgreSQL planner's costs for every connection the site opens.

`random_page_cost`, the planner's price of reading a page at random relative to reading the
next one in order, is 4 by default: a price for spinning disks. The site's data is read from
memory (PostgreSQL's shared buffers and the operating system's page cache) or solid-state
storage, for which PostgreSQL's documentation suggests about 1.1. At the default, at 10,000
markets, the planner hashed every company to join fifty markets' operators, and scanned whole
indexes where a few lookups were cheaper: figures in
docs/benchmarks.md, "Speed at scale: the planner's page cost".

It is set when a connection is made (one statement per new connection, which a persistent
connection makes rare), not as a libpq startup option: PgBouncer, which docs/deployment.md
allows in front of PostgreSQL, refuses unknown startup options.
"""

from django.conf import settings


def set_planner_costs(sender, connection, **kwargs):
    """`connection_created` receiver: the site's planner costs on a new PostgreSQL
    connection, for its whole session."""
    connection.connection.execute(
        "SELECT set_config('random_page_cost', %s, false)",
        [str(settings.DB_RANDOM_PAGE_COST)],
    )
