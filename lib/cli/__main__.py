"""`python -m lib.cli …` runs `lib.cli.main` and exits with its code."""

import sys

from lib.cli import main

sys.exit(main())
