# SPDX-License-Identifier: MIT
"""redcross-desktop: records and reporting for a commune branch of the Vietnam Red Cross."""

__version__ = "0.1.0"
