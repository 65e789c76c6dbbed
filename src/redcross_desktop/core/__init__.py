# SPDX-License-Identifier: MIT
"""Foundations every layer may use: errors, i18n, paths, resources, progress, Vietnamese text. Qt-free."""
