"""Payments' settings (environment variable → field); see servicekit.config."""
import dataclasses

from servicekit.config import BaseConfig, setting


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    port: int = setting("PORT", 8005, "HTTP port of the web app (the aggregator's API)")
    mongodb_database: str = setting("MONGODB_DATABASE", "payments", "this service's own database")
    biller_code: str = setting("BILLER_CODE", "7711", "the board's 4-digit biller code at the bill aggregator; "
                               "the first digits of every voucher number")
    fee_amount: int = setting("FEE_AMOUNT", 1000, "the registration fee, in whole rupees")
    fee_due_days: float = setting("FEE_DUE_DAYS", 14.0, "days from a voucher's issue to the last day it may be paid "
                                  "(a fraction of a day: payable exactly that long, for tests)")
    voucher_sweep_seconds: float = setting("VOUCHER_SWEEP_SECONDS", 60.0, "how often the scheduler looks for unpaid "
                                           "vouchers past their due date")
    aggregator_keys: str = setting("AGGREGATOR_KEYS", "", "the bill aggregators allowed to call the API and their "
                                   "bearer keys, as name:key pairs, comma-separated (names: letters, digits, . _ -)",
                                   secret=True)
    intake_url: str = setting("INTAKE_URL", "http://127.0.0.1:8001",
                              "intake's base URL, where the payer names' keys are asked for")
    intake_service_token: str = setting("PAYMENTS_SERVICE_TOKEN", "",
                                        "bearer token payments shows intake for the keys of payer names", secret=True)
