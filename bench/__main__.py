"""``python -m bench`` runs the benchmark (``bench.run``); ``python -m bench data`` fills a
database with a benchmark world (``bench.command``)."""

import sys

if sys.argv[1:2] == ["data"]:
    from bench.command import main as data_main

    sys.exit(data_main(sys.argv[2:]))

from bench.run import main

sys.exit(main())
