"""`python -m scenarios.cli`: the `scenarios` command."""

import sys

from scenarios.cli import main

sys.exit(main())
