-- Where each relay has got to in commit order, and how many events it has handed over.
CREATE TABLE relay_checkpoints (
    relay text PRIMARY KEY,
    tx_id xid8 NOT NULL DEFAULT '0',
    global_position bigint NOT NULL DEFAULT 0,
    published bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Events a consumer has taken effect from; written in the same transaction as the effect.
CREATE TABLE inbox (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- Commands already answered, so a retried HTTP command returns the first answer.
CREATE TABLE idempotency_keys (
    idempotency_key text PRIMARY KEY,
    command text NOT NULL,
    request_hash text NOT NULL,
    status_code integer NOT NULL,
    response text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
