from __future__ import annotations

import sys

from services.audit.adapters.tool_files import ToolFileError
from services.audit.bootstrap import definition
from shared.host.serve import serve


def main() -> None:
    try:
        service = definition()
    except ToolFileError as error:
        sys.exit(f"audit: cannot start: a tool file is not valid: {error}")
    serve(service)


if __name__ == "__main__":
    main()
