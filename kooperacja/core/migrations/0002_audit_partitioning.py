"""On PostgreSQL, the audit log becomes a table partitioned by month that refuses UPDATE and DELETE.

The primary key of a partitioned table must include the partition key, so it is (id, at);
Django still addresses rows by id, which stays unique through its sequence. A DEFAULT
partition catches any row outside the monthly partitions, so no event is ever refused.
Only maintenance (moving rows out of DEFAULT) may delete, with `kooperacja.audit_maintenance`
set for its transaction; retention drops whole monthly partitions, which fires no row trigger.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE core_auditevent RENAME TO core_auditevent_unpartitioned;
CREATE SEQUENCE core_auditevent_seq;
SELECT setval('core_auditevent_seq', COALESCE((SELECT max(id) FROM core_auditevent_unpartitioned), 0) + 1, false);
CREATE TABLE core_auditevent (
    id bigint NOT NULL DEFAULT nextval('core_auditevent_seq'),
    at timestamp with time zone NOT NULL,
    actor_id bigint NULL,
    actor_label varchar(200) NOT NULL,
    action varchar(32) NOT NULL,
    object_type varchar(64) NOT NULL,
    object_id varchar(64) NOT NULL,
    persons jsonb NOT NULL,
    institution_id bigint NULL,
    municipality_code varchar(7) NOT NULL,
    request_id varchar(64) NOT NULL,
    ip inet NULL,
    reason varchar(500) NOT NULL,
    details jsonb NOT NULL,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE core_auditevent_seq OWNED BY core_auditevent.id;
CREATE TABLE core_auditevent_default PARTITION OF core_auditevent DEFAULT;
INSERT INTO core_auditevent SELECT id, at, actor_id, actor_label, action, object_type, object_id,
    persons, institution_id, municipality_code, request_id, ip, reason, details
    FROM core_auditevent_unpartitioned;
DROP TABLE core_auditevent_unpartitioned;
CREATE INDEX core_auditevent_at_idx ON core_auditevent (at);
CREATE INDEX core_auditevent_actor_idx ON core_auditevent (actor_id, at);
CREATE INDEX core_auditevent_institution_idx ON core_auditevent (institution_id, at);
CREATE INDEX core_auditevent_persons_idx ON core_auditevent USING gin (persons jsonb_path_ops);

CREATE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('kooperacja.audit_maintenance', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    # Irreversible on purpose: un-partitioning the audit log is not a migration to run casually.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
