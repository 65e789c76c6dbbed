# SPDX-License-Identifier: MIT
"""Printing on paper: certificates (one a page, with a signed QR code), donation receipts and
distribution lists for signature, rendered with reportlab in the shipped Liberation Serif from the
JSON templates in `resources/templates/certificates/`. Never touches the database. Qt-free."""
