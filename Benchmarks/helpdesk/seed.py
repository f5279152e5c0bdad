# Seeds the benchmark helpdesk: a staff superuser with a DRF token, one queue, and N tickets
# (default 10,000), each with the "Ticket Opened" follow-up that the API's intake writes too.
# Run again, it brings the count back to N: the tickets an intake run added (the newest) go.
# Run by setup.sh and run.sh as: DIR/venv/bin/python seed.py DIR [N]  (PYTHONPATH=DIR).
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench.settings")
import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

out = Path(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
started = time.monotonic()

with transaction.atomic():
    User = get_user_model()
    # The ticket API is IsAdminUser: the token's user must be staff.
    user, _ = User.objects.get_or_create(
        username="bench.admin",
        defaults={"email": "bench.admin@example.invalid", "is_staff": True, "is_superuser": True},
    )
    user.set_password("bench-pass-2026")
    user.save()
    token, _ = Token.objects.get_or_create(user=user)
    queue, _ = Queue.objects.get_or_create(
        slug="bench", defaults={"title": "Benchmark", "allow_public_submission": False}
    )
    have = Ticket.objects.filter(queue=queue).count()
    if have > count:
        # Their follow-ups go with them (on_delete=CASCADE).
        extra = Ticket.objects.filter(queue=queue).order_by("-id").values_list("id", flat=True)[: have - count]
        Ticket.objects.filter(id__in=list(extra)).delete()
        have = count
    now = timezone.now()
    tickets = [
        Ticket(
            title=f"Seeded ticket {i}",
            queue=queue,
            submitter_email=f"resident{i % 997}@example.invalid",
            description=f"Seeded description {i}: the street light outside no. {i % 300} is out.",
            status=Ticket.OPEN_STATUS,
            priority=3,
            created=now,
        )
        for i in range(have, count)
    ]
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    # bulk_create on SQLite returns primary keys, so the follow-ups can point at them.
    FollowUp.objects.bulk_create(
        [
            FollowUp(ticket=t, title="Ticket Opened", date=now, public=True, comment=t.description, user=user)
            for t in tickets
        ],
        batch_size=2000,
    )

with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
(out / "token.txt").write_text(token.key + "\n")
(out / "queue.txt").write_text(f"{queue.id}\n")
print(
    f"seeded {Ticket.objects.count()} tickets in queue {queue.id} "
    f"({time.monotonic() - started:.1f} s, journal_mode={mode})"
)
