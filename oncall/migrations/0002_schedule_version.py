"""The schedule version row and the triggers that change it (ADR 0024)."""

import random

from django.db import migrations, models

# What "who is on call now" reads (oncall.schedule.selectors.schedule_load).
TABLES = ("oncall_rotation", "oncall_rotationmember", "oncall_override", "oncall_timeoff", "org_person")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION oncall_schedule_version_bump() RETURNS trigger AS $$
BEGIN
    INSERT INTO oncall_scheduleversion (id, value)
    VALUES (1, floor(random() * 9007199254740991)::bigint)
    ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def triggers_create(apps, schema_editor):
    # The row from the start: without it every header computes until the first write.
    apps.get_model("oncall", "ScheduleVersion").objects.create(id=1, value=random.getrandbits(62))
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER oncall_schedule_version_{table} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION oncall_schedule_version_bump()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER oncall_schedule_version_{table}_{event.lower()} "
                    f"AFTER {event} ON {table} BEGIN "
                    "INSERT OR REPLACE INTO oncall_scheduleversion (id, value) "
                    "VALUES (1, abs(random())); END"
                )
    # Other databases get no triggers: the header then reads the schedule every time.


def triggers_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS oncall_schedule_version_{table} ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS oncall_schedule_version_bump()")
    elif vendor == "sqlite":
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS oncall_schedule_version_{table}_{event}")


class Migration(migrations.Migration):
    dependencies = [("oncall", "0001_initial"), ("org", "0004_person_time_zone_default")]

    operations = [
        migrations.CreateModel(
            name="ScheduleVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
