# SPDX-License-Identifier: MIT
"""Expected, user-facing failures: each has a stable code and a Vietnamese message saying what to do.

Anything that is not a `RedCrossError` is a bug. Qt-free.
"""

from __future__ import annotations


class RedCrossError(Exception):
    """A failure the user can act on. `code` is stable (scripts and tests match on it)."""

    code = "ERROR"

    def __init__(self, message: str, *, details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ValidationError(RedCrossError):
    """One or more fields are wrong; `fields` maps field name -> message for forms."""

    code = "VALIDATION_FAILED"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, details: str | None = None):
        super().__init__(message, details=details)
        self.fields = dict(fields or {})


class NotFoundError(RedCrossError):
    code = "NOT_FOUND"


class DuplicateError(RedCrossError):
    code = "DUPLICATE"


class StockInsufficientError(RedCrossError):
    code = "STOCK_INSUFFICIENT"


class NotEligibleError(RedCrossError):
    code = "BLOOD_NOT_ELIGIBLE"


class DocumentVoidedError(RedCrossError):
    code = "DOCUMENT_VOIDED"


class PeriodLockedError(RedCrossError):
    code = "PERIOD_LOCKED"


class BranchExistsError(RedCrossError):
    code = "BRANCH_EXISTS"


class NoBranchError(RedCrossError):
    code = "NO_BRANCH"


class UnknownAreaCodeError(RedCrossError):
    code = "UNKNOWN_AREA_CODE"


class DatabaseTooNewError(RedCrossError):
    code = "DATABASE_TOO_NEW"


class DatabaseNeedsUpgradeError(RedCrossError):
    code = "DATABASE_NEEDS_UPGRADE"


class DatabaseUnavailableError(RedCrossError):
    code = "DATABASE_UNAVAILABLE"


class ImportRowsInvalidError(RedCrossError):
    """A bulk import was refused whole; `rows` lists every problem (sheet, row, column, message)."""

    code = "IMPORT_ROWS_INVALID"

    def __init__(self, message: str, *, rows: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.rows = rows


class FileFormatError(RedCrossError):
    code = "FILE_FORMAT_INVALID"


class OperationCancelled(Exception):  # noqa: N818 - not an error: the user asked for it
    """Raised by `check_cancelled`; the service's transaction rolls back and nothing is shown."""


class ReceiptPrintedError(RedCrossError):
    """The amount or goods of a receipt already handed over cannot change: void it and reissue."""

    code = "RECEIPT_PRINTED"


class CatalogueInvalidError(RedCrossError):
    """The indicator catalogue file is malformed (unknown aggregate, duplicate code…)."""

    code = "CATALOGUE_INVALID"


class ExportFailedError(RedCrossError):
    """A report or list could not be written; nothing was left at the destination."""

    code = "EXPORT_FAILED"


class PrintFailedError(RedCrossError):
    """A document could not be opened for printing or sent to the printer."""

    code = "PRINT_FAILED"
