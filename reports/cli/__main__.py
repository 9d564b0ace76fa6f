"""``python -m reports.cli``: the ``rosca`` command."""

import sys

from reports.cli.main import main

sys.exit(main())
