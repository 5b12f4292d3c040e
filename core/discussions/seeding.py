"""Writing threads without a request: demo data and integrations that already know the people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from core.db import utcnow
from core.discussions.models import DiscussionParticipant, DiscussionPost, DiscussionThread


async def seed_thread(
    db: AsyncSession,
    *,
    customer_id: int,
    subject: str,
    posts: Sequence[tuple[int, str]],
    participant_ids: Sequence[int],
    internal: bool = False,
    record: tuple[str, int] | None = None,
) -> DiscussionThread:
    """A thread with its posts (``(author user id, text)`` in order), on a session scoped to the
    tenant. Nothing is checked and nobody is emailed: for ``portico_seed_demo``. Every
    participant has read it all but the last post, which shows as unread to all but its author.
    """
    start = utcnow() - dt.timedelta(hours=len(posts))
    thread = DiscussionThread(
        customer_id=customer_id,
        subject=subject,
        internal=internal,
        record_type=record[0] if record else None,
        record_id=record[1] if record else None,
        created_by=posts[0][0] if posts else None,
        created_at=start,
    )
    db.add(thread)
    await db.flush()
    written = []
    for number, (author_id, body) in enumerate(posts):
        post = DiscussionPost(
            thread_id=thread.id, author_id=author_id, body=body, created_at=start + dt.timedelta(hours=number)
        )
        db.add(post)
        await db.flush()
        written.append(post)
    if written:
        thread.last_post_id, thread.last_post_at = written[-1].id, written[-1].created_at
    before_last = written[-2].id if len(written) > 1 else 0
    for user_id in dict.fromkeys(participant_ids):
        wrote_last = bool(written) and written[-1].author_id == user_id
        db.add(
            DiscussionParticipant(
                thread_id=thread.id,
                user_id=user_id,
                last_read_post_id=thread.last_post_id if wrote_last else before_last,
            )
        )
    await db.flush()
    return thread
