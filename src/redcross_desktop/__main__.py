# SPDX-License-Identifier: MIT
"""`python -m redcross_desktop` starts the GUI, like `redcross-desktop`."""

from __future__ import annotations

from .app import main

raise SystemExit(main())
