"""The invented demo network. Every name, place and text here is made up."""

from __future__ import annotations

DEMO_PASSWORD = "cercle-demo-2026"  # noqa: S105 (printed by `make run` on purpose)
DEMO_DOMAIN = "demo.cercle.example"

# (key, first name, last name, territory code, engagement level)
STEWARDS = [
    ("solene", "Solène", "Marchadier", "59350", "soucieux"),
    ("yanis", "Yanis", "Oudjedi", "62041", "soucieux"),
]

# (key, first, last, territory, headline, skills, rate min, rate max, availability,
#  territories served, references [(client, year, summary, public)])
CONSULTANTS = [
    (
        "maelle",
        "Maëlle",
        "Quentric",
        "59350",
        "Gouvernance partagée et modèles économiques",
        ["gouvernance", "modele-economique"],
        "450",
        "650",
        "available",
        ["59", "62"],
        [
            ("Commune de Valbrume", 2024, "Préfiguration d'un café-atelier associatif.", True),
            ("Fab lab des Hauts-Prés", 2023, "Accompagnement du passage en SCIC.", True),
        ],
    ),
    (
        "theo",
        "Théo",
        "Lambrechts",
        "59183",
        "Animation de communauté et programmation",
        ["animation", "communs"],
        "400",
        "550",
        "limited",
        ["59"],
        [("Tiers-lieu La Filature Verte", 2025, "Mise en place d'un comité d'usagers.", True)],
    ),
    (
        "ines",
        "Inès",
        "Carvalho-Brunet",
        "62193",
        "Aménagement d'espaces et chantiers participatifs",
        ["amenagement", "animation"],
        "500",
        "700",
        "available",
        ["62", "80"],
        [
            (
                "Communauté de communes du Val d'Authie",
                2024,
                "Programmation d'une halle rurale.",
                True,
            ),
            ("Association Les Fourmis Bleues", 2022, "Chantier participatif de mobilier.", False),
        ],
    ),
    (
        "gaspard",
        "Gaspard",
        "Nivelle",
        "80021",
        "Numérique libre et médiation",
        ["numerique-libre", "communs"],
        "380",
        "520",
        "available",
        ["80", "60"],
        [
            (
                "Médiathèque de Corbie-sur-Somme",
                2025,
                "Déploiement d'un logiciel de caisse libre.",
                True,
            )
        ],
    ),
    (
        "louise",
        "Louise",
        "Hamadi",
        "02408",
        "Évaluation d'impact territorial",
        ["evaluation", "gouvernance"],
        "550",
        "750",
        "limited",
        ["02", "59"],
        [
            (
                "Région (direction de l'économie solidaire)",
                2024,
                "Grille d'évaluation de tiers-lieux ruraux.",
                True,
            )
        ],
    ),
    (
        "noe",
        "Noé",
        "Ferrandini",
        "60057",
        "Financements et réponse aux appels à projets",
        ["financement", "modele-economique"],
        "420",
        "600",
        "unavailable",
        ["60"],
        [],
    ),
]

# (key, first, last, territory)
MEMBERS = [
    ("agathe", "Agathe", "Delvaux", "59599"),
    ("rachid", "Rachid", "Benhamou", "62510"),
    ("celeste", "Céleste", "Ponthieu", "80799"),
    ("bastien", "Bastien", "Morvan", "59009"),
]

SKILLS = [
    ("gouvernance", "Gouvernance partagée", True),
    ("modele-economique", "Modèle économique", True),
    ("animation", "Animation de communauté", True),
    ("communs", "Communs et ressources ouvertes", True),
    ("amenagement", "Aménagement d'espaces", False),
    ("numerique-libre", "Numérique libre", False),
    ("evaluation", "Évaluation d'impact", False),
    ("financement", "Financements publics", False),
]

# (key, name, actor type, territory, siret or "", admin key, description)
ORGANIZATIONS = [
    (
        "filature",
        "La Filature Verte",
        "tiers_lieu",
        "59350",
        "",
        "agathe",
        "Ancienne filature devenue atelier partagé, café et jardin.",
    ),
    (
        "valbrume",
        "Commune de Valbrume",
        "collectivite",
        "62041",
        "",
        "rachid",
        "Commune rurale qui prépare l'ouverture d'un tiers-lieu dans l'ancienne école.",
    ),
    (
        "fourmis",
        "Les Fourmis Bleues",
        "association",
        "80021",
        "",
        "celeste",
        "Association d'éducation populaire autour du réemploi.",
    ),
    (
        "atelier-nord",
        "Atelier Nord Conseil",
        "entreprise",
        "59009",
        "",
        "bastien",
        "Petite entreprise de conseil en aménagement.",
    ),
    (
        "collectif-dunes",
        "Collectif des Dunes",
        "citoyen",
        "62193",
        "",
        "ines",
        "Habitants qui veulent rouvrir le café du village.",
    ),
    (
        "quentric-conseil",
        "Quentric Conseil",
        "prestataire",
        "59350",
        "",
        "maelle",
        "Structure individuelle d'accompagnement de tiers-lieux.",
    ),
]
