"""The local sinks' per-recipient folder names."""
import pytest

from servicekit.sinks import mailbox_folder


@pytest.mark.parametrize("recipient, folder", [
    ("Ayesha.Khan@Example.PK", "ayesha.khan@example.pk"),
    ("<ali+tag@example.com>", "ali+tag@example.com"),
    ("+923001234567", "+923001234567"),
    ("../../etc/passwd", "_.._.._etc_passwd"),
    ("..", "_.."),
    ("", "_"),
    ("a b/c\\d", "a_b_c_d"),
])
def test_a_recipient_gets_a_folder_name_that_is_safe_and_readable(recipient, folder):
    assert mailbox_folder(recipient) == folder


def test_the_same_recipient_written_differently_shares_one_folder():
    assert mailbox_folder(" Ali@Example.com ") == mailbox_folder("ali@example.com")
