import pytest
from django.contrib.auth.models import Group, User

from notorious.core.editors import EDITORS_GROUP


@pytest.fixture
def editor(db):
    """A staff user in the Editors group, as an editor account is set up in the README."""
    user = User.objects.create_user("editor", "editor@example.org", "correct-horse-battery")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
