"""Seed the association's six reading criteria for support letters (stewards edit them
afterwards). Reversible: removes only the criteria it created, when no review uses them."""

from typing import Any

from django.db import migrations

CRITERIA = (
    (
        "Un modèle ouvert et reproductible",
        "Le projet documente sa démarche et ses outils sous licence libre, pour que "
        "d'autres lieux puissent s'en inspirer et la refaire ailleurs.",
    ),
    (
        "Un projet porté à plusieurs",
        "Plusieurs acteurs (habitant·es, associations, entreprises, collectivités) "
        "construisent le projet ensemble et chacun y a un rôle identifié.",
    ),
    (
        "Un ancrage dans son territoire",
        "Le projet répond à des besoins du territoire où il s'installe et travaille "
        "avec les acteurs qui y sont déjà présents.",
    ),
    (
        "Une communauté qui gouverne le lieu",
        "Les personnes qui font vivre le lieu participent aux décisions qui le "
        "concernent, selon des règles connues de toutes et tous.",
    ),
    (
        "Des communs produits ou utilisés",
        "Le projet s'appuie sur des ressources partagées et contribue en retour à des "
        "communs : savoirs, outils, logiciels, espaces.",
    ),
    (
        "Un modèle économique solide",
        "Les ressources prévues (recettes, subventions, contributions en nature) "
        "permettent au projet de durer au-delà du financement demandé.",
    ),
)


def seed(apps: Any, schema_editor: Any) -> None:
    ReadingCriterion = apps.get_model("decisions", "ReadingCriterion")
    if ReadingCriterion.objects.exists():
        return
    ReadingCriterion.objects.bulk_create(
        ReadingCriterion(title=title, description=description, position=position)
        for position, (title, description) in enumerate(CRITERIA)
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    ReadingCriterion = apps.get_model("decisions", "ReadingCriterion")
    LetterAssessment = apps.get_model("decisions", "LetterAssessment")
    used = LetterAssessment.objects.values("criterion_id")
    ReadingCriterion.objects.filter(title__in=[t for t, _ in CRITERIA]).exclude(
        pk__in=used
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
