# SPDX-License-Identifier: MIT
"""Province mode (issue 5): trust store, bundle import, consolidation, completeness board and
cross-commune duplicate hints over the records imported from the communes. Qt-free."""
