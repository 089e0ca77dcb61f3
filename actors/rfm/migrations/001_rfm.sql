-- RFM: IPAM, names, placements.
--
-- The policy tables (rfm_policy, rfm_policy_history) were created here until the policy moved to the
-- read model (actors/read-model/migrations/002_policy.sql). RFM only ever migrates a database the read
-- model has opened, and so migrated, first: a fresh database gets them from there, and one where this
-- file created them keeps them (that migration is IF NOT EXISTS).

-- One row per network ever allocated from: allocation locks it (SELECT ... FOR UPDATE), which
-- serialises allocations of one network across connections and rfm replicas.
CREATE TABLE rfm_networks (
  name text PRIMARY KEY
);

-- Addresses as IPv4 integers. The primary key makes a double allocation impossible even if the lock
-- were bypassed; the second unique key makes allocation idempotent per resource instance.
CREATE TABLE rfm_ip_allocations (
  network        text        NOT NULL,
  address        bigint      NOT NULL,
  request_id     text        NOT NULL,
  resource_index integer     NOT NULL,
  ordinal        integer     NOT NULL,
  allocated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (network, address),
  UNIQUE (request_id, resource_index, ordinal, network)
);

CREATE TABLE rfm_names (
  kind           text        NOT NULL,
  name           text        NOT NULL,
  request_id     text        NOT NULL,
  resource_index integer     NOT NULL,
  ordinal        integer     NOT NULL,
  claimed_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, name),
  UNIQUE (request_id, resource_index, ordinal, kind)
);

-- Next sequence number per rendered name prefix (`dev-rhel9-`); never rewound, so a released name
-- is not handed to the next request.
CREATE TABLE rfm_name_sequences (
  prefix text    PRIMARY KEY,
  next   integer NOT NULL
);

CREATE TABLE rfm_placements (
  request_id     text        NOT NULL,
  resource_index integer     NOT NULL,
  ordinal        integer     NOT NULL,
  cluster        text        NOT NULL,
  datastore      text        NOT NULL,
  placed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, resource_index, ordinal)
);
CREATE INDEX rfm_placements_pair ON rfm_placements (cluster, datastore);
