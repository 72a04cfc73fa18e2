"""``python -m festival.bench``: see ``festival.bench.run``."""

import sys

from festival.bench.run import main

sys.exit(main())
