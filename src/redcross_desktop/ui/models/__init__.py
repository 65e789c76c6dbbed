# SPDX-License-Identifier: MIT
"""Qt item models for the sections: lazy tables over ids. Qt is imported here."""
