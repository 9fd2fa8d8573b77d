"""Run the command line: python -m safety …"""

import sys

from safety.cli import main

sys.exit(main())
