"""A programme with records on both sides of every boundary a period or a batch has.

Work-record quantities are powers of two, so a sum names exactly the records it added up.

- 第一批 serves 2024-01-01 … 2025-06-30; 第二批 from 2025-07-01 (no end: still serving).
- alice (浙江甲大学, 纺织中心) is in 第一批, bob (浙江乙研究院) in 第二批, carol (乙) in both.
- alice trains people the day before, the first and the last day of 2024 Q2 and the day
  after it, once before 第一批 set out and once in 2026, after its service ended (that
  record's stored 批次 says 第一批: the rule, not the stored field, decides).
- bob and carol work the last day of 第一批's service and the first of 第二批's.
- two records without commissioners name 第一批, one inside its service and one after.
- alice signs contracts on the same days as her training.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from tepai.activities.models import Activity, ActivityKind
from tepai.commissioners.models import Commissioner
from tepai.core.choices import IndustryCluster
from tepai.enterprises.models import Enterprise
from tepai.institutions.models import Institution
from tepai.programs.models import Batch, InnovationCentre
from tepai.projects.models import Project, ProjectKind
from tepai.testing.factories import (
    make_activity,
    make_batch,
    make_commissioner,
    make_enterprise,
    make_institution,
    make_project,
)

D = datetime.date
Q2_2024 = (D(2024, 4, 1), D(2024, 6, 30))


@dataclass
class Boundaries:
    first: Batch
    second: Batch
    centre: InnovationCentre
    institution_a: Institution
    institution_b: Institution
    alice: Commissioner
    bob: Commissioner
    carol: Commissioner
    # quantity → the training record with that quantity
    training: dict[int, Activity] = field(default_factory=dict)
    # signing date → alice's contract
    contracts: dict[datetime.date, Project] = field(default_factory=dict)
    cotton: Enterprise | None = None
    coal: list[Enterprise] = field(default_factory=list)
    services: list[Activity] = field(default_factory=list)

    def quantities(self, ids: list[int]) -> int:
        return sum(q for q, a in self.training.items() if a.pk in ids)


def build_boundaries() -> Boundaries:
    first = make_batch("第一批", D(2024, 1, 1), end_date=D(2025, 6, 30))
    second = make_batch("第二批", D(2025, 7, 1))
    institution_a = make_institution("浙江甲大学")
    institution_b = make_institution("浙江乙研究院")
    centre = InnovationCentre.objects.create(name="纺织中心", batch=first)
    alice = make_commissioner(batch=first, institution=institution_a, name="爱丽丝")
    alice.centres.add(centre)
    bob = make_commissioner(batch=second, institution=institution_b, name="鲍勃")
    carol = make_commissioner(batch=first, institution=institution_b, name="卡罗尔")
    carol.batches.add(second)
    world = Boundaries(first, second, centre, institution_a, institution_b, alice, bob, carol)

    def train(day: datetime.date, quantity: int, who: list[Commissioner], **extra: object) -> None:
        world.training[quantity] = make_activity(
            ActivityKind.TRAINING, quantity, date=day, commissioners=who, **extra
        )

    train(D(2024, 3, 31), 1, [alice])
    train(D(2024, 4, 1), 2, [alice])
    train(D(2024, 6, 30), 4, [alice])
    train(D(2024, 7, 1), 8, [alice])
    train(D(2026, 3, 1), 16, [alice], batch=first)
    train(D(2023, 12, 31), 32, [alice], batch=first)
    train(D(2025, 6, 30), 64, [bob], batch=second)
    train(D(2025, 7, 1), 128, [bob])
    train(D(2024, 5, 1), 256, [], batch=first)
    train(D(2025, 7, 1), 512, [], batch=first)
    train(D(2025, 6, 30), 1024, [carol])
    train(D(2025, 7, 1), 2048, [carol])
    for day in (D(2024, 3, 31), D(2024, 4, 1), D(2024, 6, 30), D(2024, 7, 1), D(2026, 1, 15)):
        world.contracts[day] = make_project(
            kind=ProjectKind.SERVICE_CONTRACT, signed_on=day, commissioners=[alice], batch=first
        )
    world.cotton = make_enterprise(cluster=IndustryCluster.COTTON_TEXTILE)
    world.coal = [make_enterprise(cluster=IndustryCluster.COAL) for _ in range(2)]
    world.services = [
        make_activity(
            ActivityKind.ENTERPRISE_SERVICE,
            date=D(2024, 5, 2),
            commissioners=[alice],
            enterprises=[world.cotton, world.coal[0]],
        ),
        make_activity(
            ActivityKind.ENTERPRISE_SERVICE,
            date=D(2024, 5, 3),
            commissioners=[alice],
            enterprises=[world.coal[1]],
        ),
    ]
    return world
