"""A bank sandbox for local use and tests: pays fee vouchers the way a bank app on a bill aggregator
does, through payments' authenticated aggregator API (never by writing to its database).

    python deploy/local/bank_sandbox.py inquiry 7711000000000013
    python deploy/local/bank_sandbox.py pay 7711000000000013 [--amount 1000] [--transaction-id T]
    python deploy/local/bank_sandbox.py serve --port 8010      # a page: look a voucher up, pay it

It calls PAYMENTS_URL (default http://127.0.0.1:$PAYMENTS_PORT) with the key in
SANDBOX_AGGREGATOR_KEY (.local/secrets.env; payments knows it as the aggregator `sandbox`). `pay`
without --amount pays what the inquiry asks, as a payer would; with it, whatever it says (to see
the refusal of a wrong amount). Each payment gets a fresh transaction id unless one is given; the
page draws one when it shows the pay button, so pressing it twice is one payment.
"""
import argparse
import datetime as dt
import json
import os
import sys
import uuid

import httpx
from flask import Flask, render_template_string, request

TIMEOUT = 10.0


class SandboxBank:
    """The aggregator's two calls, as the sandbox bank makes them."""

    def __init__(self, base_url: str, key: str):
        if not key:
            raise SystemExit("SANDBOX_AGGREGATOR_KEY is not set (source deploy/local/env.sh)")
        self.base_url, self.headers = base_url.rstrip("/"), {"Authorization": f"Bearer {key}"}

    def inquiry(self, voucher_number: str) -> httpx.Response:
        return httpx.post(f"{self.base_url}/api/v1/aggregator/inquiry", json={"voucher_number": voucher_number},
                          headers=self.headers, timeout=TIMEOUT)

    def pay(self, voucher_number: str, amount: int, transaction_id: str | None = None,
            paid_at: dt.datetime | None = None) -> httpx.Response:
        body = {"voucher_number": voucher_number, "amount": amount,
                "paid_at": (paid_at or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
                "transaction_id": transaction_id or new_transaction_id()}
        return httpx.post(f"{self.base_url}/api/v1/aggregator/payment", json=body, headers=self.headers,
                          timeout=TIMEOUT)


def new_transaction_id() -> str:
    return f"SANDBOX-{uuid.uuid4().hex[:20].upper()}"


def bank_from_env() -> SandboxBank:
    port = os.environ.get("PAYMENTS_PORT", "8005")
    return SandboxBank(os.environ.get("PAYMENTS_URL", f"http://127.0.0.1:{port}"),
                       os.environ.get("SANDBOX_AGGREGATOR_KEY", ""))


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bank sandbox — pay a fee voucher</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{font:inherit;margin-top:.75rem;padding:.5rem 1rem;background:#00703c;color:#fff;border:0;cursor:pointer}
.note{background:#f3f2f1;padding:.75rem 1rem;border-left:4px solid #1d70b8}.error{border-left-color:#d4351c}
dt{font-weight:600}dd{margin:0 0 .5rem}
</style></head><body>
<h1>Bank sandbox</h1>
<p>Pays fee vouchers through the payments service's aggregator API, as a bank app would. For local use only.</p>
{% if message %}
<div class="note{{ ' error' if error }}" role="{{ 'alert' if error else 'status' }}">{{ message }}</div>
{% endif %}
{% if voucher %}
<dl><dt>Voucher</dt><dd>{{ voucher.voucher_number }}</dd><dt>Payer</dt><dd>{{ voucher.payer_name }}</dd>
<dt>Amount</dt><dd>Rs {{ voucher.amount }}</dd><dt>Due date</dt><dd>{{ voucher.due_date }}</dd>
<dt>Status</dt><dd>{{ voucher.status }}</dd></dl>
{% if voucher.status == 'unpaid' %}
<form method="post" action="/pay">
<input type="hidden" name="voucher_number" value="{{ voucher.voucher_number }}">
<input type="hidden" name="transaction_id" value="{{ transaction_id }}">
<label for="amount">Amount to pay (Rs)</label>
<input id="amount" name="amount" inputmode="numeric" value="{{ voucher.amount }}">
<button type="submit">Pay</button></form>
{% endif %}{% endif %}
<form method="get" action="/voucher">
<label for="number">Voucher number</label>
<input id="number" name="number" value="{{ number or '' }}" autocomplete="off">
<button type="submit">Look up</button></form>
</body></html>"""


def create_sandbox_app(bank: SandboxBank) -> Flask:
    """The sandbox's page: look a voucher up (inquiry), then pay it (payment); no JavaScript."""
    app = Flask("bank_sandbox")

    def page(status: int = 200, **context):
        return render_template_string(PAGE, **context), status

    def answer_text(response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return f"payments answered {response.status_code}"
        if "code" in body:
            return f"Refused: {body['code']} — {body.get('message', '')}"
        return f"payments answered {response.status_code}: {json.dumps(body.get('errors', body))}"

    @app.get("/")
    def index():
        return page()

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/voucher")
    def voucher():
        number = request.args.get("number", "").strip()
        if not number:
            return page(400, message="Enter a voucher number.", error=True)
        response = bank.inquiry(number)
        if response.status_code != 200:
            return page(response.status_code, number=number, message=answer_text(response), error=True)
        return page(voucher=response.json(), number=number, transaction_id=new_transaction_id())

    @app.post("/pay")
    def pay():
        number = request.form.get("voucher_number", "").strip()
        try:
            amount = int(request.form.get("amount", ""))
        except ValueError:
            return page(400, number=number, message="Enter the amount in whole rupees.", error=True)
        response = bank.pay(number, amount, request.form.get("transaction_id") or None)
        if response.status_code != 200:
            return page(response.status_code, number=number, message=answer_text(response), error=True)
        body = response.json()
        return page(number=number, message=f"Paid Rs {body['amount']} for voucher {body['voucher_number']}; "
                                           f"transaction {body['transaction_id']}.")

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    inquiry = commands.add_parser("inquiry", help="ask payments about a voucher, as the aggregator does")
    inquiry.add_argument("number")
    pay = commands.add_parser("pay", help="pay a voucher (what the inquiry asks, unless --amount says otherwise)")
    pay.add_argument("number")
    pay.add_argument("--amount", type=int, help="whole rupees (default: the voucher's amount)")
    pay.add_argument("--transaction-id", help="the bank's id of the payment (default: a new one)")
    serve = commands.add_parser("serve", help="serve the sandbox's page")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("BANK_SANDBOX_PORT", 8010)))
    args = parser.parse_args(argv)
    bank = bank_from_env()
    if args.command == "serve":
        from werkzeug.serving import run_simple
        print(f"bank sandbox on http://{args.host}:{args.port}/, paying through {bank.base_url}", flush=True)
        run_simple(args.host, args.port, create_sandbox_app(bank), threaded=True)
        return 0
    amount = args.amount if args.command == "pay" else None
    if args.command == "inquiry" or amount is None:
        response = bank.inquiry(args.number)
        print(json.dumps(response.json(), ensure_ascii=False))
        if args.command == "inquiry" or response.status_code != 200:
            return 0 if response.status_code == 200 else 1
        amount = response.json()["amount"]
    response = bank.pay(args.number, amount, args.transaction_id)
    print(json.dumps(response.json(), ensure_ascii=False))
    return 0 if response.status_code == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
