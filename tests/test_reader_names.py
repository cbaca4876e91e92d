"""readers.names and readers.services: which names are one name, who may use one."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from readers import services
from readers.models import Profile, ReleasedName
from readers.names import clean_display_name, is_reserved, name_key, user_display
from tests.helpers import make_reader

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ada Lovelace", "ada lovelace"),
        ("Ada Lovelace", "  ADA \t Lovelace "),
        ("Ada Lovelace", "\uff21\uff44\uff41 Lovelace"),  # full-width letters (NFKC)
        ("Ada Lovelace", "\u0410da Lovelace"),  # a Cyrillic capital A
        ("Ada Lovelace", "Ada Lovel\u0430ce"),  # a Cyrillic small a
        ("Ada Lovelace", "Ada\u00a0Love\u200blace"),  # no-break space, zero-width space
        ("Ada Lovelace", "Ada Lovela\u0441e"),  # a Cyrillic small es
        ("Strauß", "STRAUSS"),  # case folding
        ("José", "Jose\u0301"),  # composed and decomposed accents
        ("ﬁnn", "finn"),  # ligature
    ],
)
def test_names_that_read_the_same_share_one_key(one, other):
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(("one", "other"), [("Neil", "Nell"), ("José", "Jose"), ("Ann", "Anne")])
def test_different_names_keep_different_keys(one, other):
    assert name_key(one) != name_key(other)


def test_a_registered_display_name_is_reserved_in_any_look_alike_spelling():
    make_reader("Ada Lovelace")

    assert is_reserved("Ada Lovelace")
    assert is_reserved("ADA LOVEL\u0410CE")  # a Cyrillic capital A
    assert not is_reserved("Ada Byron")


def test_a_staff_members_username_and_full_name_are_reserved():
    User.objects.create_user("moddy", first_name="Maria", last_name="Ortiz", is_staff=True)

    assert is_reserved("Moddy")
    assert is_reserved("maria  ortiz")
    assert not is_reserved("Maria")


def test_an_ordinary_accounts_username_is_not_a_name_anyone_sees():
    User.objects.create_user("reader7")

    assert not is_reserved("reader7")


def test_nothing_is_reserved_for_an_empty_or_invisible_name():
    User.objects.create_user("nameless", is_staff=True)

    assert not is_reserved("")
    assert not is_reserved("\u200b")


def test_a_name_given_up_stays_reserved_for_30_days_then_is_free():
    user = make_reader("Old Name")
    services.display_name_change(user=user, name="New Name")

    assert is_reserved("old name")
    ReleasedName.objects.update(until=timezone.now() - timedelta(seconds=1))
    assert not is_reserved("old name")
    assert is_reserved("new name")


def test_a_name_given_up_can_be_taken_back_by_its_reader_but_by_no_one_else():
    user = make_reader("Old Name")
    services.display_name_change(user=user, name="New Name")

    with pytest.raises(ValidationError) as refused:
        services.profile_create(
            user=User.objects.create_user("someone"), display_name="OLD NAME"
        )
    assert refused.value.code == "taken"
    assert services.display_name_change(user=user, name="Old Name").display_name == "Old Name"


def test_display_name_change_stores_the_name_with_spacing_collapsed_and_its_key():
    user = make_reader("Ada")

    profile = services.display_name_change(user=user, name="  Ada   Byron ")

    assert (profile.display_name, profile.name_key) == ("Ada Byron", name_key("ada byron"))
    assert Profile.objects.get(user=user).display_name == "Ada Byron"


def test_changing_only_the_case_of_ones_name_releases_nothing():
    user = make_reader("ada")

    services.display_name_change(user=user, name="Ada")

    assert not ReleasedName.objects.exists()
    assert Profile.objects.get(user=user).display_name == "Ada"


def test_a_name_that_looks_like_anothers_is_refused():
    make_reader("Ada Lovelace")
    user = make_reader("Someone")

    with pytest.raises(ValidationError) as refused:
        services.display_name_change(user=user, name="\u0410da Lovelace")
    assert refused.value.code == "taken"
    assert Profile.objects.get(user=user).display_name == "Someone"


def test_a_staff_member_may_take_their_own_name_but_readers_may_not():
    staff = User.objects.create_user("Maria", is_staff=True)

    assert services.display_name_change(user=staff, name="maria").display_name == "maria"
    with pytest.raises(ValidationError):
        services.profile_create(user=User.objects.create_user("x"), display_name="Maria")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("x" * 51, "max_length"),
        ("\u200b\u200b", "unshowable"),
        ("Ada\u202eecalevol", "unshowable"),  # right-to-left override
        ("Ada\x07", "unshowable"),
        ("Deleted  Account", "site_label"),
        ("STAFF", "site_label"),
        ("Guest", "site_label"),
    ],
)
def test_display_names_that_cannot_be_shown_honestly_are_refused(name, code):
    with pytest.raises(ValidationError) as refused:
        clean_display_name(name)
    assert refused.value.code == code


def test_a_name_taken_between_the_check_and_the_save_is_a_validation_error():
    make_reader("Ada")
    user = User.objects.create_user("late")

    # The check runs before a concurrent sign-up commits: the database's unique key decides.
    with (
        mock.patch("readers.services.clean_display_name", return_value=("Ada", name_key("Ada"))),
        pytest.raises(ValidationError) as refused,
    ):
        services.profile_create(user=user, display_name="Ada")

    assert refused.value.code == "taken"
    assert not Profile.objects.filter(user=user).exists()


def test_user_display_is_the_display_name_then_the_staff_members_name():
    assert user_display(make_reader("Ada")) == "Ada"
    assert user_display(User.objects.create_user("mod", first_name="Maria")) == "Maria"
    assert user_display(User.objects.create_user("mod2")) == "mod2"


def test_a_deleted_account_displays_as_deleted_account():
    user = make_reader("Ada")

    services.account_delete(user=user)

    assert user_display(User.objects.get(pk=user.pk)) == "deleted account"
