"""Payments: the registration fee, collected through a bill aggregator (bank apps, branches).

Owns fee vouchers and the aggregator's payment transactions; issues one voucher when an
application is approved in principle, answers the aggregator's inquiries and payments, expires
vouchers left unpaid past their due date, and cancels the voucher of a withdrawn application.
Publishes VoucherIssued, FeePaid, VoucherExpired and VoucherCancelled through its outbox.
"""
