"""Training and workforce leave the knowledge app (issue 18); no table or row moves.

- State: the moved models are removed from knowledge's state (training 0001 and workforce 0001 created them
  there, on the same knowledge_* tables).
- Content types are renamed in place (knowledge -> training / workforce), so their ids, the permissions on them,
  the role groups' and users' links to those permissions and the admin's history (LogEntry) all stay.
- plan_staffing moves from the training assignment's content type to the shift's: it becomes
  workforce.plan_staffing, as coach_agents becomes training.coach_agents.
- The daily training rules schedule calls the task at its new path.
"""

from django.db import migrations

MOVED_MODELS = {
    "training": ("trainingcourse", "trainingassignment", "trainingevent", "agentaward"),
    "workforce": ("shift", "forecastevent"),
}
# Both permissions were declared on the training assignment; plan_staffing now belongs to the roster.
PLAN_STAFFING = "plan_staffing"
PLAN_STAFFING_BEFORE = ("training", "trainingassignment")
PLAN_STAFFING_AFTER = ("workforce", "shift")
RULES_TASK_BEFORE = "knowledge.tasks.run_training_rules"
RULES_TASK_AFTER = "training.tasks.run_training_rules"


def rename_content_type(content_types, *, model: str, old_label: str, new_label: str) -> None:
    original = content_types.filter(app_label=old_label, model=model).first()
    if original is None:
        return
    # A migrate stopped between training/workforce 0001 and this migration creates an empty twin under the new
    # label (post_migrate); the original holds the permissions, group links and admin history, so the twin goes.
    content_types.filter(app_label=new_label, model=model).delete()
    original.app_label = new_label
    original.save(update_fields=["app_label"])


def move_permission(apps, alias: str, *, codename: str, source: tuple[str, str], target: tuple[str, str]) -> None:
    target_type = (
        apps.get_model("contenttypes", "ContentType").objects.using(alias).filter(app_label=target[0], model=target[1])
    )
    apps.get_model("auth", "Permission").objects.using(alias).filter(
        codename=codename, content_type__app_label=source[0], content_type__model=source[1]
    ).update(content_type=target_type.first())


def split_forwards(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(alias)
    for app_label, models in MOVED_MODELS.items():
        for model in models:
            rename_content_type(content_types, model=model, old_label="knowledge", new_label=app_label)
    move_permission(apps, alias, codename=PLAN_STAFFING, source=PLAN_STAFFING_BEFORE, target=PLAN_STAFFING_AFTER)
    schedules = apps.get_model("django_q", "Schedule").objects.using(alias)
    schedules.filter(func=RULES_TASK_BEFORE).update(func=RULES_TASK_AFTER)


def split_backwards(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    schedules = apps.get_model("django_q", "Schedule").objects.using(alias)
    schedules.filter(func=RULES_TASK_AFTER).update(func=RULES_TASK_BEFORE)
    move_permission(apps, alias, codename=PLAN_STAFFING, source=PLAN_STAFFING_AFTER, target=PLAN_STAFFING_BEFORE)
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(alias)
    for app_label, models in MOVED_MODELS.items():
        for model in models:
            rename_content_type(content_types, model=model, old_label=app_label, new_label="knowledge")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
        ("knowledge", "0009_award_revoke"),
        ("training", "0001_initial"),
        ("workforce", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="TrainingEvent"),
                migrations.DeleteModel(name="TrainingAssignment"),
                migrations.DeleteModel(name="AgentAward"),
                migrations.DeleteModel(name="TrainingCourse"),
                migrations.DeleteModel(name="Shift"),
                migrations.DeleteModel(name="ForecastEvent"),
            ],
        ),
        migrations.RunPython(split_forwards, split_backwards),
    ]
