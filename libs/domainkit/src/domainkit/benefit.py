"""What a registration is worth, as the board publishes it: registered IT and IT-enabled services freelancers have
income tax withheld from their IT export remittances at a reduced rate (0.25 % instead of 1 % today). The rates
are settings (servicekit.config.BenefitConfig), so a budget that changes them changes every page, certificate and
email that states them; the words are here once, in English and Urdu, as the reasons are (domainkit.reasons).
"""
import dataclasses


def percent(rate: float) -> str:
    """A rate as people write it: 0.25, 1, 7.5 (no trailing zeros)."""
    return f"{rate:g}"


@dataclasses.dataclass(frozen=True)
class TaxBenefit:
    registered_rate: float = 0.25  # percent withheld from a registered freelancer's IT export remittances
    standard_rate: float = 1.0  # percent withheld otherwise

    def sentence(self, language: str = "en") -> str:
        """The benefit in one sentence, in `language` (English for a language we do not speak)."""
        registered, standard = percent(self.registered_rate), percent(self.standard_rate)
        if language == "ur":
            return (f"رجسٹرڈ فری لانسر کی آئی ٹی برآمدات کی ترسیلات پر ودہولڈنگ انکم ٹیکس {standard}% کے بجائے "
                    f"{registered}% کٹتا ہے۔")
        return (f"A registered freelancer's IT export remittances have income tax withheld at {registered}% "
                f"instead of {standard}%.")
