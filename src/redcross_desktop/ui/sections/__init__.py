# SPDX-License-Identifier: MIT
"""One page per sidebar section of the main window. Qt is imported here."""
