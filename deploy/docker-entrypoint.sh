#!/bin/sh
# Runs one service: `docker run IMAGE <service>`. exec, so the service is PID 1 and gets
# the SIGTERM that `docker stop` and Kubernetes send (it then stops in order).
set -eu
case "${1:-}" in
    allocation|audit|moderation|tracker|reporting)
        exec python -m "services.$1" ;;
    # Makes each missing checkpoint key, never replacing one (compose.yaml's first start).
    checkpoint-keys)
        shift
        exec python -m shared.signing "$@" ;;
    *)
        echo "usage: <image> allocation|audit|moderation|tracker|reporting" >&2
        echo "       <image> checkpoint-keys PATH..." >&2
        exit 64 ;;
esac
