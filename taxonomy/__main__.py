"""``python -m taxonomy``: see ``taxonomy.cli``."""

import sys

from taxonomy.cli import main

sys.exit(main())
