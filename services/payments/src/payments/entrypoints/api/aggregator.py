"""The bill aggregator's API: an inquiry (what is this voucher?) and a payment (it was paid through us).

Both need an aggregator's key (entrypoints/auth.py). A refusal is answered {"code", "message"}: 404
for unknown_voucher (no voucher has the number, or it is mistyped), 409 for every other code
(wrong_amount, voucher_paid, voucher_expired, voucher_cancelled). A payment whose transaction id the
aggregator sent before is answered as the first time, the same status and body, and changes nothing.
"""
from flask import current_app, g, jsonify
from flask_smorest import Blueprint

from payments.bootstrap import payments_for
from payments.domain.vouchers import UNKNOWN_VOUCHER, Refused
from payments.entrypoints.auth import requires_aggregator
from payments.entrypoints.schemas import (InquiryAnswerSchema, InquirySchema, PaymentAnswerSchema, PaymentSchema,
                                          RefusalSchema)
from payments.service_layer import aggregator
from servicekit.requests import json_body

blp = Blueprint("aggregator", __name__, url_prefix="/api/v1/aggregator",
                description="The bill aggregator asks about a voucher and reports its payment")
SECURITY = [{"aggregatorKey": []}]  # the scheme entrypoints/app.py declares


def payments():
    return payments_for(current_app.config["SERVICE_CONFIG"])


def refusal_status(code: str) -> int:
    return 404 if code == UNKNOWN_VOUCHER else 409


@blp.errorhandler(Refused)
def refused(refusal: Refused):
    response = jsonify({"code": refusal.code, "message": refusal.message})
    response.status_code = refusal_status(refusal.code)
    return response


@blp.route("/inquiry", methods=["POST"])
@requires_aggregator
@json_body()
@blp.arguments(InquirySchema())
@blp.response(200, InquiryAnswerSchema)
@blp.alt_response(401, description="No aggregator key, or not a configured one")
@blp.alt_response(404, schema=RefusalSchema, description="`unknown_voucher`: no voucher has this number, or it is "
                                                         "mistyped (its check digit disagrees)")
@blp.alt_response(415, description="The body is not JSON")
@blp.doc(security=SECURITY)
def inquiry(data):
    """The voucher: who pays, how much, by when, and whether it can be paid now (`unpaid`)."""
    return aggregator.inquiry(payments(), data["voucher_number"])


@blp.route("/payment", methods=["POST"])
@requires_aggregator
@json_body()
@blp.arguments(PaymentSchema())
@blp.response(200, PaymentAnswerSchema)
@blp.alt_response(401, description="No aggregator key, or not a configured one")
@blp.alt_response(404, schema=RefusalSchema, description="`unknown_voucher`: no voucher has this number, or it is "
                                                         "mistyped; recorded under the transaction id")
@blp.alt_response(409, schema=RefusalSchema, description="Refused, and recorded under the transaction id: "
                                                         "`voucher_paid` (by another transaction), `voucher_expired`, "
                                                         "`voucher_cancelled` or `wrong_amount`")
@blp.alt_response(415, description="The body is not JSON")
@blp.doc(security=SECURITY)
def payment(data):
    """Report that the payer paid the voucher: accepted once, and the fee is paid.

    A transaction id the aggregator sent before gets its first answer again (accepted or refused, the same
    status and body) and changes nothing, whatever else the repeat carries."""
    transaction = aggregator.payment(payments(), g.aggregator, data["voucher_number"], data["amount"],
                                     data["paid_at"], data["transaction_id"])
    return {"status": "accepted", "voucher_number": transaction.voucher_number, "amount": transaction.amount,
            "paid_at": transaction.paid_at, "transaction_id": transaction.transaction_id,
            "answered_at": transaction.answered_at}
