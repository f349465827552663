import { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnly } from '../src/database/append-only';
import { columnTypes, Dialect } from '../src/database/dialect';

export { appendOnly };

/**
 * The whole data model. Times are ISO-8601 UTC text ('2026-11-29T16:30:00.000Z'), dates 'YYYY-MM-DD':
 * the same bytes on SQLite and PostgreSQL, ordered as text, and exactly what the audit hash covers.
 * Clinical rows carry version (optimistic locking) and status; they are corrected, never deleted.
 */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const d: Dialect = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const t = columnTypes(d);
    const clinical = `
      sensitivity text NOT NULL DEFAULT 'normal' CHECK (sensitivity IN ('normal','restricted')),
      sensitivity_category text CHECK (sensitivity_category IS NULL OR sensitivity_category IN ('substance-use','behavioral-health','hiv','reproductive','genetic','psychotherapy')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','entered-in-error','amended')),
      version integer NOT NULL DEFAULT 1,
      replaces_id integer,
      created_at text NOT NULL,
      created_by integer,
      updated_at text NOT NULL,
      updated_by integer`;
    const statements = [
      `CREATE TABLE roles (
        name text PRIMARY KEY,
        description text NOT NULL,
        has_record_access ${t.bool} NOT NULL DEFAULT FALSE
      )`,
      `CREATE TABLE permissions (
        name text PRIMARY KEY,
        description text NOT NULL
      )`,
      `CREATE TABLE role_permissions (
        role text NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
        permission text NOT NULL REFERENCES permissions(name) ON DELETE CASCADE,
        PRIMARY KEY (role, permission)
      )`,
      `CREATE TABLE users (
        id ${t.pk},
        username text NOT NULL UNIQUE,
        display_name text NOT NULL,
        role text NOT NULL REFERENCES roles(name),
        password_hash text NOT NULL,
        disabled ${t.bool} NOT NULL DEFAULT FALSE,
        department text,
        version integer NOT NULL DEFAULT 1,
        created_at text NOT NULL,
        updated_at text NOT NULL
      )`,
      `CREATE TABLE patients (
        id ${t.pk},
        mrn text NOT NULL UNIQUE,
        given_name text NOT NULL,
        family_name text NOT NULL,
        birth_date text NOT NULL,
        sex text NOT NULL CHECK (sex IN ('female','male','other','unknown')),
        address_line text,
        city text,
        state text,
        postal_code text,
        phone text,
        vip ${t.bool} NOT NULL DEFAULT FALSE,
        user_id integer UNIQUE REFERENCES users(id),
        deceased_at text,
        version integer NOT NULL DEFAULT 1,
        created_at text NOT NULL,
        updated_at text NOT NULL
      )`,
      `CREATE INDEX patients_family_name ON patients (family_name, given_name)`,
      `CREATE INDEX patients_birth_date ON patients (birth_date)`,
      `CREATE TABLE care_team_members (
        patient_id integer NOT NULL REFERENCES patients(id),
        user_id integer NOT NULL REFERENCES users(id),
        team_role text NOT NULL DEFAULT 'member',
        added_at text NOT NULL,
        added_by integer,
        PRIMARY KEY (patient_id, user_id)
      )`,
      `CREATE INDEX care_team_by_user ON care_team_members (user_id, patient_id)`,
      `CREATE TABLE encounters (
        id ${t.pk},
        patient_id integer NOT NULL REFERENCES patients(id),
        encounter_class text NOT NULL CHECK (encounter_class IN ('inpatient','outpatient','emergency')),
        admitted_at text NOT NULL,
        discharged_at text,
        department text NOT NULL,
        attending_user_id integer REFERENCES users(id),
        disposition text CHECK (disposition IS NULL OR disposition IN ('home','home-health','transfer-acute','skilled-nursing','ama','expired','other')),
        planned_readmission ${t.bool} NOT NULL DEFAULT FALSE,
        reason text,
        ${clinical}
      )`,
      `CREATE INDEX encounters_patient ON encounters (patient_id, admitted_at)`,
      `CREATE INDEX encounters_discharge ON encounters (encounter_class, discharged_at)`,
      `CREATE TABLE diagnoses (
        id ${t.pk},
        encounter_id integer NOT NULL REFERENCES encounters(id),
        patient_id integer NOT NULL REFERENCES patients(id),
        code text NOT NULL,
        description text NOT NULL,
        chapter text NOT NULL,
        is_primary ${t.bool} NOT NULL DEFAULT FALSE,
        recorded_at text NOT NULL,
        ${clinical}
      )`,
      `CREATE INDEX diagnoses_encounter ON diagnoses (encounter_id)`,
      `CREATE INDEX diagnoses_patient ON diagnoses (patient_id)`,
      `CREATE TABLE procedures (
        id ${t.pk},
        encounter_id integer NOT NULL REFERENCES encounters(id),
        patient_id integer NOT NULL REFERENCES patients(id),
        code_system text NOT NULL CHECK (code_system IN ('CPT','ICD-10-PCS','HCPCS','SNOMED-CT')),
        code text NOT NULL,
        description text NOT NULL,
        performed_at text NOT NULL,
        ${clinical}
      )`,
      `CREATE INDEX procedures_encounter ON procedures (encounter_id)`,
      `CREATE INDEX procedures_patient ON procedures (patient_id)`,
      `CREATE TABLE observations (
        id ${t.pk},
        encounter_id integer NOT NULL REFERENCES encounters(id),
        patient_id integer NOT NULL REFERENCES patients(id),
        loinc_code text NOT NULL,
        display text NOT NULL,
        value_num double precision,
        value_text text,
        unit text,
        observed_at text NOT NULL,
        ${clinical}
      )`,
      `CREATE INDEX observations_encounter ON observations (encounter_id)`,
      `CREATE INDEX observations_patient ON observations (patient_id)`,
      `CREATE TABLE clinical_notes (
        id ${t.pk},
        encounter_id integer NOT NULL REFERENCES encounters(id),
        patient_id integer NOT NULL REFERENCES patients(id),
        note_type text NOT NULL CHECK (note_type IN ('progress','history-physical','discharge-summary','nursing','consult','psychotherapy')),
        author_user_id integer REFERENCES users(id),
        text text NOT NULL,
        authored_at text NOT NULL,
        ${clinical}
      )`,
      `CREATE INDEX notes_encounter ON clinical_notes (encounter_id)`,
      `CREATE INDEX notes_patient ON clinical_notes (patient_id)`,
      `CREATE TABLE break_glass_grants (
        id ${t.pk},
        user_id integer NOT NULL REFERENCES users(id),
        patient_id integer NOT NULL REFERENCES patients(id),
        reason text NOT NULL,
        granted_at text NOT NULL,
        expires_at text NOT NULL,
        reviewed_at text,
        reviewed_by integer REFERENCES users(id),
        review_outcome text CHECK (review_outcome IS NULL OR review_outcome IN ('justified','violation')),
        review_note text
      )`,
      `CREATE INDEX break_glass_active ON break_glass_grants (user_id, patient_id, expires_at)`,
      `CREATE INDEX break_glass_review ON break_glass_grants (reviewed_at)`,
      `CREATE TABLE amendments (
        id ${t.pk},
        patient_id integer NOT NULL REFERENCES patients(id),
        requested_by integer NOT NULL REFERENCES users(id),
        item_type text NOT NULL,
        item_id integer NOT NULL,
        requested_change text NOT NULL,
        justification text NOT NULL,
        status text NOT NULL CHECK (status IN ('received','extended','accepted','denied')),
        received_at text NOT NULL,
        due_at text NOT NULL,
        extension_reason text,
        decided_at text,
        decided_by integer REFERENCES users(id),
        denial_ground text,
        decision_reason text,
        disagreement_statement text,
        applied_item_id integer,
        version integer NOT NULL DEFAULT 1
      )`,
      `CREATE INDEX amendments_status ON amendments (status, due_at)`,
      `CREATE INDEX amendments_patient ON amendments (patient_id)`,
      `CREATE TABLE roi_requests (
        id ${t.pk},
        patient_id integer NOT NULL REFERENCES patients(id),
        requester_type text NOT NULL,
        requester_name text NOT NULL,
        requester_address text,
        purpose text NOT NULL,
        record_types text NOT NULL,
        date_from text,
        date_to text,
        delivery_format text NOT NULL,
        authorization_json text,
        status text NOT NULL,
        received_at text NOT NULL,
        due_at text NOT NULL,
        extended ${t.bool} NOT NULL DEFAULT FALSE,
        extension_reason text,
        denial_code text,
        denial_reviewable ${t.bool},
        fee_cents integer,
        package_sha256 text,
        fulfilled_at text,
        closed_at text,
        created_by integer NOT NULL REFERENCES users(id),
        version integer NOT NULL DEFAULT 1
      )`,
      `CREATE INDEX roi_requests_queue ON roi_requests (status, due_at)`,
      `CREATE INDEX roi_requests_patient ON roi_requests (patient_id)`,
      `CREATE TABLE roi_transitions (
        id ${t.pk},
        request_id integer NOT NULL REFERENCES roi_requests(id),
        action text NOT NULL,
        from_status text NOT NULL,
        to_status text NOT NULL,
        reason text,
        actor_user_id integer NOT NULL REFERENCES users(id),
        at text NOT NULL
      )`,
      `CREATE INDEX roi_transitions_request ON roi_transitions (request_id, id)`,
      `CREATE TABLE disclosures (
        id ${t.pk},
        patient_id integer NOT NULL REFERENCES patients(id),
        roi_request_id integer REFERENCES roi_requests(id),
        disclosed_at text NOT NULL,
        recipient_name text NOT NULL,
        recipient_address text,
        description text NOT NULL,
        purpose text NOT NULL,
        exempt ${t.bool} NOT NULL,
        exemption text,
        recorded_by integer REFERENCES users(id)
      )`,
      `CREATE INDEX disclosures_patient ON disclosures (patient_id, disclosed_at)`,
      `CREATE TABLE accounting_requests (
        id ${t.pk},
        patient_id integer NOT NULL REFERENCES patients(id),
        requested_by integer NOT NULL REFERENCES users(id),
        received_at text NOT NULL,
        due_at text NOT NULL,
        fee_cents integer NOT NULL,
        status text NOT NULL
      )`,
      `CREATE TABLE report_runs (
        id ${t.pk},
        report_type text NOT NULL,
        params text NOT NULL,
        output_format text NOT NULL,
        run_by integer NOT NULL REFERENCES users(id),
        run_at text NOT NULL,
        row_count integer NOT NULL,
        sha256 text NOT NULL,
        output text NOT NULL
      )`,
      `CREATE TABLE audit_events (
        seq ${t.bigint} PRIMARY KEY,
        occurred_at text NOT NULL,
        actor_user_id integer,
        actor_username text,
        actor_role text,
        action text NOT NULL,
        resource_type text,
        resource_id text,
        patient_id integer,
        outcome text NOT NULL CHECK (outcome IN ('success','denied','error')),
        reason text,
        purpose_of_use text,
        break_glass ${t.bool} NOT NULL DEFAULT FALSE,
        request_id text,
        client_ip text,
        user_agent text,
        details text,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`,
      `CREATE INDEX audit_by_patient ON audit_events (patient_id, seq)`,
      `CREATE INDEX audit_by_actor ON audit_events (actor_user_id, seq)`,
      `CREATE INDEX audit_by_time ON audit_events (occurred_at)`,
      `CREATE INDEX audit_by_action ON audit_events (action, occurred_at)`,
      `CREATE INDEX audit_by_request ON audit_events (request_id)`,
      // Login throttling reads only login rows: partial indexes keep every other append from paying for them.
      `CREATE INDEX audit_login_failures ON audit_events (actor_username, occurred_at) WHERE action = 'login-failed'`,
      `CREATE INDEX audit_login_successes ON audit_events (actor_username, occurred_at) WHERE action = 'login'`,
      `CREATE INDEX audit_login_failures_ip ON audit_events (client_ip, occurred_at) WHERE action = 'login-failed'`,
      `CREATE TABLE audit_head (
        id integer PRIMARY KEY CHECK (id = 1),
        seq ${t.bigint} NOT NULL,
        hash text NOT NULL,
        updated_at text NOT NULL,
        hmac text NOT NULL
      )`,
      `CREATE TABLE audit_checkpoints (
        id ${t.pk},
        seq ${t.bigint} NOT NULL,
        hash text NOT NULL,
        created_at text NOT NULL,
        hmac text NOT NULL
      )`,
      ...appendOnly(d, 'audit_events'),
      ...appendOnly(d, 'audit_checkpoints'),
      ...appendOnly(d, 'disclosures'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    const d: Dialect = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    if (d === 'postgres') await q.query('DROP FUNCTION IF EXISTS refuse_change() CASCADE');
    for (const table of [
      'audit_checkpoints', 'audit_head', 'audit_events', 'report_runs', 'accounting_requests', 'disclosures',
      'roi_transitions', 'roi_requests', 'amendments', 'break_glass_grants', 'clinical_notes', 'observations',
      'procedures', 'diagnoses', 'encounters', 'care_team_members', 'patients', 'users', 'role_permissions',
      'permissions', 'roles',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
