-- The admin policy: one row, versioned, and every version kept with who set it and when.
--
-- These tables were RFM's (actors/rfm/migrations/001_rfm.sql) before the policy moved here, so the
-- gateway could serve GET/PUT /v1/policy without importing an actor. Same names, IF NOT EXISTS: a
-- database where RFM created them keeps them and their versions.

CREATE TABLE IF NOT EXISTS rfm_policy (
  id         smallint    PRIMARY KEY CHECK (id = 1),
  version    integer     NOT NULL,
  policy     jsonb       NOT NULL,
  updated_by text        NOT NULL,
  updated_at timestamptz NOT NULL
);

-- One row per version, never updated: the history GET /v1/policy/history lists.
CREATE TABLE IF NOT EXISTS rfm_policy_history (
  version    integer     PRIMARY KEY,
  policy     jsonb       NOT NULL,
  changed_by text        NOT NULL,
  changed_at timestamptz NOT NULL
);
