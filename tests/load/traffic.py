"""Readers and posters that drive a live server through HTTP, as browsers would.

Each poster is one visitor: it loads the comment form once for its CSRF
token, then posts through the same form the site serves. A post counts as
acknowledged only on a 303 whose Location names the new comment.
"""

from __future__ import annotations

import random
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field

import httpx

from tests.helpers import csrf_token

_NEW_COMMENT = re.compile(r"#c(\d+)$")
NO_RESPONSE = 0  # the status recorded when the connection broke before a response
FORM_ATTEMPTS = 10


@dataclass
class Post:
    parent: int | None
    status: int
    latency: float
    pk: int | None = None  # set when acknowledged


@dataclass
class Outcome:
    posts: list[Post]
    reads: Counter
    seconds: float

    @property
    def acknowledged(self) -> dict[int, int | None]:
        """pk -> the parent it was posted under, for every 303."""
        return {p.pk: p.parent for p in self.posts if p.pk is not None}

    @property
    def statuses(self) -> Counter:
        return Counter(p.status for p in self.posts)

    def server_errors(self) -> Counter:
        return Counter(
            {status: n for status, n in (self.statuses + self.reads).items() if status >= 500}
        )

    def figures(self, label: str) -> str:
        latencies = [p.latency for p in self.posts if p.pk is not None]
        p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 2 else float("nan")
        return (
            f"{label}: {len(latencies)} posts acknowledged in {self.seconds:.1f} s = "
            f"{len(latencies) / self.seconds:.1f} posts/s, p95 post latency {p95 * 1000:.0f} ms, "
            f"{sum(self.reads.values())} page reads"
        )


@dataclass
class Traffic:
    """``posters`` visitors posting ``posts_each`` comments while ``readers`` read the page."""

    base_url: str
    slug: str
    posters: int = 20
    posts_each: int = 50
    readers: int = 10
    new_thread_share: float = 0.2
    hot_share: float = 0.25
    held_share: float = 0.0
    read_interval: float = 1.0
    max_seconds: float = 120
    seed: int = 5
    timeout: float = 30
    _parents: list[int] = field(default_factory=list)
    _acknowledged: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def acknowledged_so_far(self) -> int:
        with self._lock:
            return self._acknowledged

    def run(self, during: Callable[[threading.Event], None] | None = None) -> Outcome:
        """Post and read until every poster is done; ``during(stop)`` runs meanwhile
        and must return once ``stop`` is set."""
        stop = threading.Event()
        deadline = time.monotonic() + self.max_seconds
        started = time.monotonic()
        with ThreadPoolExecutor(self.posters + self.readers + 1) as pool:
            reads = [pool.submit(self._read, stop) for _ in range(self.readers)]
            side = pool.submit(during, stop) if during else None
            try:
                posts = [pool.submit(self._post, n, deadline) for n in range(self.posters)]
                results = [post for future in posts for post in future.result()]
            finally:
                seconds = time.monotonic() - started
                stop.set()
            read_counts = sum((future.result() for future in reads), Counter())
            if side is not None:
                side.result()
        return Outcome(results, read_counts, seconds)

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=self.timeout, follow_redirects=False)

    def _post(self, poster: int, deadline: float) -> list[Post]:
        rng = random.Random(self.seed * 1000 + poster)
        posts: list[Post] = []
        with self._client() as client:
            token = self._csrf_token(client)
            for n in range(self.posts_each):
                if time.monotonic() > deadline:
                    break
                parent = self._choose_parent(rng)
                url = (
                    f"/articles/{self.slug}/comment/" if parent is None
                    else f"/articles/{self.slug}/comments/{parent}/reply/"
                )
                body = f"Poster {poster}, post {n}: what a night."
                held = rng.random() < self.held_share
                if held:
                    # More links than NEWSROOM_MAX_LINKS: held for the moderator to approve.
                    body += " http://a.example http://b.example http://c.example"
                data = {"csrfmiddlewaretoken": token, "name": f"Poster {poster}",
                        "email": "", "body": body, "website": ""}
                posts.append(self._send(client, url, data, parent, replyable=not held))
        return posts

    def _send(
        self, client: httpx.Client, url: str, data: dict, parent: int | None, *, replyable: bool
    ) -> Post:
        started = time.monotonic()
        try:
            response = client.post(url, data=data)
        except httpx.TransportError:
            return Post(parent, NO_RESPONSE, time.monotonic() - started)
        post = Post(parent, response.status_code, time.monotonic() - started)
        match = _NEW_COMMENT.search(response.headers.get("location", ""))
        if response.status_code == 303 and match:
            post.pk = int(match[1])
            with self._lock:
                self._acknowledged += 1
                if replyable:
                    self._parents.append(post.pk)
        return post

    def _csrf_token(self, client: httpx.Client) -> str:
        # A worker may die under this request too (scenario 3); a browser would reload.
        for __ in range(FORM_ATTEMPTS):
            with suppress(httpx.TransportError):
                response = client.get(f"/articles/{self.slug}/comment/")
                response.raise_for_status()
                return csrf_token(response)
        raise AssertionError(f"the comment form did not load in {FORM_ATTEMPTS} attempts")

    def _choose_parent(self, rng: random.Random) -> int | None:
        with self._lock:
            if not self._parents or rng.random() < self.new_thread_share:
                return None
            if rng.random() < self.hot_share:
                return self._parents[0]
            return rng.choice(self._parents)

    def _read(self, stop: threading.Event) -> Counter:
        statuses: Counter = Counter()
        with self._client() as client:
            # Readers read before they reload; without a pause ten of them would
            # keep every worker busy rendering the same page.
            while not stop.wait(self.read_interval):
                try:
                    statuses[client.get(f"/articles/{self.slug}/").status_code] += 1
                except httpx.TransportError:
                    statuses[NO_RESPONSE] += 1
        return statuses
