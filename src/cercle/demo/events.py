"""The demo's events: a yearly seminar that took place (attendance recorded, which
fulfils the charter's yearly exchange of the circle members who came), the next yearly
seminar and a meet-up, both with registrations, and one calendar address.

Everything goes through the services. Only the clock is simulated: the past seminar is
announced and filled while it is still ahead, then the loader moves its dates into the
past (what time would do) before a steward records who came.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from cercle.events import services
from cercle.events.enums import EventKind
from cercle.events.models import Event

if TYPE_CHECKING:
    from cercle.demo.loader import Demo


SEMINAR_AGENDA = """\
## Matin
- Accueil et tour des lieux accompagnés cette année
- Retours croisés : ce qui a marché, ce qui a coincé

## Après-midi
- Atelier : relire la grille de qualité des accompagnements
- Les communs utilisés et enrichis pendant les missions
- Clôture : engagements pour l'année qui vient
"""

MEETUP_AGENDA = """\
- Présentation de deux lieux du réseau
- Échanges libres autour d'un repas partagé
"""


def load_events(demo: Demo) -> None:
    _past_seminar(demo)
    _next_seminar(demo)
    _meetup(demo)
    services.calendar_feed_reset(actor=demo.user("maelle"))


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _past_seminar(demo: Demo) -> None:
    steward = demo.user("solene")
    seminar = services.event_create(
        actor=steward,
        kind=EventKind.SEMINAR,
        title="Séminaire annuel sur la qualité des accompagnements",
        description=(
            "Une journée entre membres du cercle pour relire ensemble nos accompagnements "
            "de l'année. Participer à ce temps d'échange honore le cinquième engagement "
            "de la charte."
        ),
        agenda=SEMINAR_AGENDA,
        starts_at=_at(10, 9),
        ends_at=_at(10, 17),
        place="La Halle aux Initiatives, 4 place du Marché, Saint-Omer",
        capacity=30,
        is_public=False,
    )
    for key in ("maelle", "theo", "ines", "gaspard", "agathe"):
        services.registration_create(actor=demo.user(key), event=seminar)
    # The clock moves on: the seminar took place earlier this year.
    start = max(_at(-30, 9), timezone.make_aware(datetime.datetime(_at(0, 9).year, 1, 2, 9)))
    Event.objects.filter(pk=seminar.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=8)
    )
    seminar.refresh_from_db()
    services.attendance_record(
        actor=demo.user("yanis"),
        event=seminar,
        attended=[demo.people[k].uuid for k in ("maelle", "theo", "ines", "agathe")],
    )


def _next_seminar(demo: Demo) -> None:
    seminar = services.event_create(
        actor=demo.user("yanis"),
        kind=EventKind.SEMINAR,
        title="Séminaire qualité de l'automne",
        description=(
            "Le prochain temps d'échange du cercle sur la qualité de nos accompagnements, "
            "ouvert aussi en ligne pour celles et ceux qui viennent de loin."
        ),
        agenda=SEMINAR_AGENDA,
        starts_at=_at(75, 9),
        ends_at=_at(75, 17),
        place="Le Moulin des Communs, 18 chemin de Halage, Arras",
        online_url="https://visio.cercle.example/seminaire-automne",
        capacity=40,
        registration_closes_at=_at(68, 18),
        is_public=False,
    )
    for key in ("louise", "gaspard", "theo"):
        services.registration_create(actor=demo.user(key), event=seminar)


def _meetup(demo: Demo) -> None:
    meetup = services.event_create(
        actor=demo.user("solene"),
        kind=EventKind.MEETUP,
        title="Rencontre des tiers-lieux du bassin minier",
        description=(
            "Une soirée ouverte à toutes et tous pour découvrir les lieux du réseau et "
            "les personnes qui les accompagnent."
        ),
        agenda=MEETUP_AGENDA,
        starts_at=_at(21, 18),
        ends_at=_at(21, 21),
        place="La Cantine Partagée, 7 rue des Corons, Lens",
        capacity=25,
    )
    for key in ("agathe", "noe", "ines"):
        services.registration_create(actor=demo.user(key), event=meetup)
