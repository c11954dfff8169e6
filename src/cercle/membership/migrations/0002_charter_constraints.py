# Charter, circle and regulation constraints only (written by hand so that it carries
# nothing of the adhesion-contract models, which evolve in their own migrations).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0001_initial"),
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="engagementcheck",
            index=models.Index(fields=["year", "status"], name="engagement_check_year_status"),
        ),
        migrations.AddConstraint(
            model_name="regulationcase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "decided"), _negated=True),
                    models.Q(
                        models.Q(("decision", ""), _negated=True),
                        models.Q(("decision_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="regulation_decision_has_reasons",
            ),
        ),
        migrations.AddConstraint(
            model_name="regulationcase",
            constraint=models.CheckConstraint(
                condition=models.Q(("person", models.F("raised_by")), _negated=True),
                name="regulation_not_about_oneself",
            ),
        ),
    ]
