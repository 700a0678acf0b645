import pytest

from domainkit.identity import cnic_gender, cnic_province, format_cnic, mask_cnic, normalise_cnic, normalise_mobile
from domainkit.platforms import profile_url_problem


@pytest.mark.parametrize("text", ["35202-1234567-1", "3520212345671", " 35202-1234567-1 ", "352021234567-1"])
def test_cnic_in_either_form_is_normalised(text):
    assert normalise_cnic(text) == "3520212345671"


@pytest.mark.parametrize("text", ["", "35202-123456-1", "35202-1234567-12", "85202-1234567-1", "0520212345671",
                                  "35202_1234567_1", "3520２1234567１", "1111111111111", "35202 1234567 1"])
def test_anything_else_is_not_a_cnic(text):
    assert normalise_cnic(text) is None


def test_cnic_digits_tell_province_and_gender():
    assert cnic_province("3520212345671") == "Punjab"
    assert cnic_province("2520212345671") == "Khyber Pakhtunkhwa"  # former FATA
    assert cnic_gender("3520212345671") == "male"
    assert cnic_gender("3520212345672") == "female"


def test_cnic_formatting_and_masking():
    assert format_cnic("3520212345671") == "35202-1234567-1"
    assert mask_cnic("3520212345671") == "*****-****567-1"


@pytest.mark.parametrize("text", ["03001234567", "+923001234567", "923001234567", "0092 300 1234567", "0300-1234567"])
def test_mobile_to_e164(text):
    assert normalise_mobile(text) == "+923001234567"


@pytest.mark.parametrize("text", ["0300123456", "04231234567", "+923001234567890", "+14155550100", "phone"])
def test_not_a_pakistani_mobile(text):
    assert normalise_mobile(text) is None


@pytest.mark.parametrize("platform,url,ok", [
    ("upwork", "https://www.upwork.com/freelancers/~01abc", True),
    ("upwork", "https://upwork.com.evil.example/x", False),
    ("upwork", "http://www.upwork.com/freelancers/~01abc", False),
    ("github", "https://github.com/someone", True),
    ("github", "https://notgithub.com/someone", False),
    ("fiverr", "https://user:pw@fiverr.com/x", False),
    ("other", "https://example.pk/portfolio", True),
    ("other", "javascript:alert(1)", False),
    ("linkedin", "https://pk.linkedin.com/in/someone", True),
])
def test_profile_urls_must_be_https_on_the_platform(platform, url, ok):
    assert (profile_url_problem(platform, url) is None) is ok
