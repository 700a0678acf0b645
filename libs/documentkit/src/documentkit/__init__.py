"""Printable documents: the registration certificate (documentkit.certificate) and the fee voucher
(documentkit.voucher), PDFs rendered from HTML templates by WeasyPrint (documentkit.pdf). Notification attaches
them to its emails; intake lets a registrant download their certificate from the status page."""
