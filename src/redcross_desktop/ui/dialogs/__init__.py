# SPDX-License-Identifier: MIT
"""Dialogs too large to live in their section's module. Qt is imported here."""
