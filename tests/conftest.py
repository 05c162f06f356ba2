import pytest
from django.contrib.auth.models import User

from .admin_forms import editors_group


@pytest.fixture
def editor(db):
    """A staff user in the Editors group, as an editor account is set up in the README."""
    user = User.objects.create_user("editor", "editor@example.org", "correct-horse-battery")
    user.is_staff = True
    user.save()
    # Not Group.objects.get: a transactional test earlier in the process may have flushed it.
    user.groups.add(editors_group())
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
