from django.db import migrations, models


def create_state(apps, schema_editor):
    apps.get_model("questions", "BankState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ("questions", "0005_list_and_shape_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="BankState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveBigIntegerField(default=1)),
            ],
            options={"verbose_name": "bank state"},
        ),
        migrations.RunPython(create_state, migrations.RunPython.noop),
    ]
