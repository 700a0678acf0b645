"""The reasons the registry gives a person — why an application waits for a reviewer, was refused or
lapsed — in every language the pages and messages speak.

Verification writes each reason with `reason(code, **values)`: the English sentence, which events carry,
the audit log records and the API shows, as before. Whoever shows it to a person calls
`localise(sentence, language)`: the sentence is matched against the template it was made from and said
again in that language, with its values (a platform, a date, a nested reason) filled in. As with gettext,
the English sentence is the key, so the events' contracts did not change. Words a reviewer or an admin
typed match no template and are shown as typed.
"""
import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Template:
    code: str
    en: str
    ur: str


TEMPLATES = (
    # the automated checks (verification.domain.checks)
    Template("cnic_invalid", "The CNIC number is not a valid 13-digit CNIC.",
             "شناختی کارڈ نمبر درست 13 ہندسوں کا شناختی کارڈ نمبر نہیں۔"),
    Template("cnic_province", "Your CNIC was issued in a different province from the one you gave; a reviewer will "
             "confirm your details.",
             "آپ کا شناختی کارڈ اس صوبے کے بجائے کسی اور صوبے سے جاری ہوا جو آپ نے لکھا؛ جانچ کنندہ آپ کی تفصیلات کی "
             "تصدیق کرے گا۔"),
    Template("cnic_gender", "The gender on the form does not match your CNIC; a reviewer will confirm your details.",
             "فارم پر لکھی جنس آپ کے شناختی کارڈ سے مطابقت نہیں رکھتی؛ جانچ کنندہ آپ کی تفصیلات کی تصدیق کرے گا۔"),
    Template("underage", "Applicants must be at least {age} years old.",
             "درخواست دہندہ کی عمر کم از کم {age} سال ہونی چاہیے۔"),
    Template("duplicate_identity", "This CNIC already has an active application or registration.",
             "اس شناختی کارڈ پر پہلے سے ایک فعال درخواست یا رجسٹریشن موجود ہے۔"),
    Template("shared_contact", "Your email or mobile number is also used by another applicant; a reviewer will "
             "confirm it is yours.",
             "آپ کا ای میل یا موبائل نمبر کسی اور درخواست دہندہ نے بھی دیا ہے؛ "
             "جانچ کنندہ تصدیق کرے گا کہ یہ آپ کا ہے۔"),
    Template("profile_invalid", "Your {platform} profile address is not valid: {problem}",
             "آپ کے {platform} پروفائل کا پتا درست نہیں: {problem}"),
    Template("profile_home_page", "Your {platform} address is the site's home page, not your profile; a reviewer "
             "will check it.",
             "آپ کا {platform} پتا ویب سائٹ کا مرکزی صفحہ ہے، آپ کا پروفائل نہیں؛ جانچ کنندہ اسے دیکھے گا۔"),
    Template("disposable_email", "Use a permanent email address, not a disposable one, and apply again.",
             "عارضی نہیں بلکہ مستقل ای میل پتا استعمال کریں اور دوبارہ درخواست دیں۔"),
    Template("blocklist", "Your application needs an additional review.",
             "آپ کی درخواست کو مزید جانچ کی ضرورت ہے۔"),
    # why a profile address cannot be a profile (domainkit.platforms.profile_url_problem)
    Template("url_invalid", "Not a valid URL.", "یہ درست ویب پتا نہیں۔"),
    Template("url_not_https", "Must be an https:// address.", "پتا https:// سے شروع ہونا چاہیے۔"),
    Template("url_wrong_site", "Must be an address on {domains}.", "پتا {domains} پر ہونا چاہیے۔"),
    # fees and renewals (verification.service_layer.fees, .renewals; verification.domain.renewal)
    Template("fee_unpaid", "The registration fee was not paid by its due date ({due_date}).",
             "رجسٹریشن فیس آخری تاریخ ({due_date}) تک ادا نہیں کی گئی۔"),
    Template("information_not_provided", "The information a reviewer asked for was not sent by {respond_by}.",
             "جائزہ کار کی مانگی گئی معلومات {respond_by} تک نہیں بھیجی گئیں۔"),
    Template("renewal_fee_unpaid", "The renewal fee was not paid by its due date ({due_date}).",
             "تجدید فیس آخری تاریخ ({due_date}) تک ادا نہیں کی گئی۔"),
    Template("renewal_window", "Renewal is possible from {opens} until {closes} only.",
             "تجدید صرف {opens} سے {closes} تک ممکن ہے۔"),
    Template("renewal_needs_prc_and_confirmation",
             "A reviewer needs the proceeds realisation certificate and the confirmation of your profile.",
             "جانچ کنندہ کو پروسیڈز ریئلائزیشن سرٹیفکیٹ اور آپ کے پروفائل کی تصدیق درکار ہے۔"),
    Template("renewal_needs_prc", "A reviewer needs the proceeds realisation certificate.",
             "جانچ کنندہ کو پروسیڈز ریئلائزیشن سرٹیفکیٹ درکار ہے۔"),
    Template("renewal_needs_confirmation", "A reviewer needs the confirmation of your profile.",
             "جانچ کنندہ کو آپ کے پروفائل کی تصدیق درکار ہے۔"),
)
BY_CODE = {template.code: template for template in TEMPLATES}
LANGUAGES = ("en", "ur")
# Values that are themselves reasons, said again in the reader's language too.
NESTED = ("problem",)


def reason(code: str, **values) -> str:
    """The English sentence of reason `code` with its values, e.g. reason("underage", age=18)."""
    return BY_CODE[code].en.format(**values)


def localise(sentence: str, language: str) -> str:
    """`sentence` (made by `reason`) in `language`; unchanged when it is English, a language we do not
    speak, or words no template made (a reviewer's own)."""
    if language == "en" or language not in LANGUAGES:
        return sentence
    for template, pattern in _patterns():
        match = pattern.fullmatch(sentence)
        if match:
            values = {name: (localise(value, language) if name in NESTED else value)
                      for name, value in match.groupdict().items()}
            return getattr(template, language).format(**values)
    return sentence


@cache
def _patterns() -> list[tuple[Template, re.Pattern]]:
    """Each template as a regular expression that captures its values (most specific first: a template
    with fewer placeholders is tried before one whose placeholder could swallow the same words)."""
    compiled = []
    for template in sorted(TEMPLATES, key=lambda t: t.en.count("{")):
        parts = re.split(r"\{(\w+)\}", template.en)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        compiled.append((template, re.compile(regex, re.S)))
    return compiled
