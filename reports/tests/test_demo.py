from django.core.management import call_command
from django.utils import timezone

from catalog.models import Expo, ExpoShop
from conftest import make_user
from reports.tests.conftest import moderator_group
from vendors.models import CommunityManager


def test_the_dinas_demo_data_can_be_seeded_twice(dataset):
    moderator_group()
    make_user("pembeli@warung.test")

    call_command("seed_demo_dinas", "--force")
    call_command("seed_demo_dinas", "--force")

    assert Expo.objects.get().is_running(timezone.localdate())
    assert ExpoShop.objects.count() == 3
    assert CommunityManager.objects.count() == 1
