# SPDX-License-Identifier: MIT
"""Plain Excel worksheets typed by users: the bulk-entry template and its reader. Never touches the
database; services turn what it reads into records. Qt-free."""
