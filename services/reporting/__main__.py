from __future__ import annotations

from services.reporting.bootstrap import definition
from shared.host.serve import serve


def main() -> None:
    serve(definition())


if __name__ == "__main__":
    main()
