# SPDX-License-Identifier: MIT
"""Widgets shared by several sections: fields, pickers, helpers. Qt is imported here."""
