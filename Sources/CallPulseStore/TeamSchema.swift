/// The team store's schema: numbered migrations, applied in order, never edited once
/// released: append new ones (SPEC "Team store"). `callpulse_migrations` records which ran.
enum TeamSchema {
    struct Migration {
        var name: String
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(name: "session table", statements: [
            // The SQLite store's columns (`SessionRecord`), with times as timestamptz and the
            // SPEC summary as jsonb.
            """
            CREATE TABLE session (
                id text PRIMARY KEY,
                agent text,
                started_at text,
                stored_at timestamptz NOT NULL,
                sort_at timestamptz NOT NULL,
                duration_s double precision NOT NULL,
                source_kind text NOT NULL,
                source_path text NOT NULL,
                layout text NOT NULL,
                rings bigint,
                ring_to_answer_s double precision,
                answered boolean,
                agent_share double precision,
                dead_air_count bigint NOT NULL,
                agent_interruptions bigint,
                greeting_latency_s double precision,
                response_latency_median_s double precision,
                alert_count bigint NOT NULL,
                alerts text NOT NULL,
                summary jsonb NOT NULL
            )
            """,
            "CREATE INDEX session_on_agent_sort_at ON session (agent, sort_at)",
            "CREATE INDEX session_on_sort_at ON session (sort_at)",
        ]),
        Migration(name: "roles and row-level security", statements: [
            // Roles belong to the cluster, not the database: made once, whichever database
            // is initialised first (or at the same moment: the duplicate is ignored).
            """
            DO $$ BEGIN
                CREATE ROLE callpulse_agent NOLOGIN;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$
            """,
            """
            DO $$ BEGIN
                CREATE ROLE callpulse_supervisor NOLOGIN;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$
            """,
            "GRANT SELECT ON callpulse_migrations TO callpulse_agent, callpulse_supervisor",
            // An agent adds sessions and (until migration 4) replaced its own; a supervisor
            // reads and deletes.
            "GRANT SELECT, INSERT, UPDATE ON session TO callpulse_agent",
            "GRANT SELECT, DELETE ON session TO callpulse_supervisor",
            "ALTER TABLE session ENABLE ROW LEVEL SECURITY",
            // FORCE: the policies bind the table's owner too (superusers still bypass them).
            "ALTER TABLE session FORCE ROW LEVEL SECURITY",
            "CREATE POLICY agent_reads_own ON session FOR SELECT TO callpulse_agent USING (agent = current_user)",
            "CREATE POLICY agent_adds_own ON session FOR INSERT TO callpulse_agent WITH CHECK (agent = current_user)",
            "CREATE POLICY agent_replaces_own ON session FOR UPDATE TO callpulse_agent USING (agent = current_user) WITH CHECK (agent = current_user)",
            "CREATE POLICY supervisor_reads_all ON session FOR SELECT TO callpulse_supervisor USING (true)",
            "CREATE POLICY supervisor_deletes_all ON session FOR DELETE TO callpulse_supervisor USING (true)",
        ]),
        // Calls cut out of a shift (SPEC "Calls in a shift") carry the shift's id; null otherwise.
        Migration(name: "shift id", statements: [
            "ALTER TABLE session ADD COLUMN shift_id text",
            "CREATE INDEX session_on_shift_id ON session (shift_id) WHERE shift_id IS NOT NULL",
        ]),
        // A stored call is insert-only for agents: migration 2 let an agent UPDATE its own
        // rows (for INSERT … ON CONFLICT DO UPDATE), so an agent could rewrite its own figures
        // with hand-written SQL. A re-send is now INSERT … ON CONFLICT DO NOTHING (sending
        // twice still stores once, the first copy kept); supervisors read and delete.
        Migration(name: "agents add, never change", statements: [
            "DROP POLICY IF EXISTS agent_replaces_own ON session",
            "REVOKE UPDATE ON session FROM callpulse_agent",
        ]),
        // `callpulse serve` (SPEC "Supervisor dashboard"), self-contained: its users, the
        // wrong passwords given (shared by every `serve`, so throttling holds behind a
        // balancer), the cookie key, the live tiles the monitors publish, and an index for
        // keyset paging of the newest-first call list.
        Migration(name: "dashboard users and live state", statements: [
            """
            CREATE TABLE dashboard_user (
                name text PRIMARY KEY,
                role text NOT NULL CHECK (role IN ('supervisor', 'viewer')),
                password_hash text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE TABLE dashboard_login_failure (name text PRIMARY KEY, failures integer NOT NULL, last_at timestamptz NOT NULL)",
            "CREATE TABLE dashboard_key (id integer PRIMARY KEY CHECK (id = 1), key bytea NOT NULL)",
            """
            CREATE TABLE live_state (
                agent text PRIMARY KEY,
                monitor text NOT NULL,
                tile jsonb NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX session_on_sort_at_id ON session (sort_at DESC, id DESC)",
            // The supervisor role runs `serve`: it reads users and tiles, counts wrong passwords.
            "GRANT SELECT ON dashboard_user TO callpulse_supervisor",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON dashboard_login_failure TO callpulse_supervisor",
            "GRANT SELECT, INSERT ON dashboard_key TO callpulse_supervisor",
            // An agent's monitor publishes, replaces and removes its own tile only.
            "GRANT SELECT, INSERT, UPDATE, DELETE ON live_state TO callpulse_agent",
            "GRANT SELECT ON live_state TO callpulse_supervisor",
            "ALTER TABLE live_state ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE live_state FORCE ROW LEVEL SECURITY",
            "CREATE POLICY agent_own_tile ON live_state FOR ALL TO callpulse_agent USING (agent = current_user) WITH CHECK (agent = current_user)",
            "CREATE POLICY supervisor_reads_tiles ON live_state FOR SELECT TO callpulse_supervisor USING (true)",
        ]),
    ]

    /// A role name callpulse makes: 1-63 characters (PostgreSQL's limit), letters, digits,
    /// `_`, `.`, `-`; not starting with `pg_` (reserved).
    static func isValidRoleName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 63 && !name.hasPrefix("pg_")
            && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0) }
    }
}
