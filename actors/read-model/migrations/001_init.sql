-- The read model: projections of the OO_EVT stream (rebuildable: requests, runs, tasks, commits,
-- events) and state the gateway owns (api_tokens, idempotency, audit).
--
-- Every projected row keeps last_seq, the JetStream sequence of the newest event folded into it, so
-- a redelivered or late event can never move a row backwards. Timestamps are stored at millisecond
-- precision (what JavaScript can round-trip), which keeps keyset cursors exact.

CREATE TABLE requests (
  request_id   text        PRIMARY KEY,
  trace_id     text        NOT NULL,
  status       text        NOT NULL,
  submitted_by text        NOT NULL,
  submitted_at timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  body         jsonb,
  template     text,
  run_id       text,
  file_url     text,
  rerun_of     text,
  reasons      jsonb,
  error        jsonb,
  outputs      jsonb,
  last_seq     bigint      NOT NULL
);
-- Newest-first listings, unfiltered and by each filter, with request_id as the keyset tie-break.
CREATE INDEX requests_newest ON requests (submitted_at DESC, request_id DESC);
CREATE INDEX requests_by_status ON requests (status, submitted_at DESC, request_id DESC);
CREATE INDEX requests_by_submitter ON requests (submitted_by, submitted_at DESC, request_id DESC);

CREATE TABLE runs (
  run_id          text        PRIMARY KEY,
  request_id      text,
  template        text        NOT NULL,
  version         integer     NOT NULL,
  parent_run_id   text,
  parent_task_key text,
  rerun_of        text,
  status          text        NOT NULL,
  input           jsonb,
  output          jsonb,
  error           jsonb,
  started_at      timestamptz,
  finished_at     timestamptz,
  updated_at      timestamptz NOT NULL,
  first_seq       bigint      NOT NULL,
  last_seq        bigint      NOT NULL
);
CREATE INDEX runs_by_request ON runs (request_id, first_seq);
CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;

CREATE TABLE tasks (
  run_id      text        NOT NULL,
  task_key    text        NOT NULL,
  type        text        NOT NULL,
  status      text        NOT NULL,
  attempts    integer     NOT NULL,
  started_at  timestamptz,
  finished_at timestamptz,
  error       jsonb,
  updated_at  timestamptz NOT NULL,
  first_seq   bigint      NOT NULL,
  last_seq    bigint      NOT NULL,
  PRIMARY KEY (run_id, task_key)
);

CREATE TABLE commits (
  request_id text        NOT NULL,
  repo       text        NOT NULL,
  commit     text        NOT NULL,
  files      jsonb       NOT NULL,
  run_id     text        NOT NULL,
  task_key   text        NOT NULL,
  at         timestamptz NOT NULL,
  PRIMARY KEY (request_id, repo, commit)
);

-- Every folded event, keyed by its stream sequence: the history the gateway's SSE replays.
CREATE TABLE events (
  seq        bigint      PRIMARY KEY,
  subject    text        NOT NULL,
  request_id text,
  run_id     text,
  body       jsonb       NOT NULL,
  at         timestamptz NOT NULL
);
CREATE INDEX events_by_request ON events (request_id, seq) WHERE request_id IS NOT NULL;
CREATE INDEX events_by_run ON events (run_id, seq) WHERE run_id IS NOT NULL;

CREATE TABLE audit (
  id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at        timestamptz NOT NULL,
  principal text        NOT NULL,
  action    text        NOT NULL,
  target    text        NOT NULL,
  details   jsonb,
  trace_id  text,
  -- The natural key: the same act recorded twice (a replayed event) is one row.
  CONSTRAINT audit_natural_key UNIQUE (action, target, principal, at)
);
CREATE INDEX audit_newest ON audit (at DESC, id DESC);
CREATE INDEX audit_by_target ON audit (target, at DESC, id DESC);

CREATE TABLE api_tokens (
  id           text        PRIMARY KEY,
  name         text        NOT NULL,
  role         text        NOT NULL,
  -- sha256 of the whole secret, hex. The secret itself is shown once and never stored.
  hash         text        NOT NULL,
  created_at   timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at   timestamptz
);

CREATE TABLE idempotency (
  principal  text        NOT NULL,
  key        text        NOT NULL,
  body_hash  text        NOT NULL,
  response   jsonb       NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
