"""The three audiences under load (run by ``bench/load/run.py``, which sets the variables).

Reporters (API token) file, amend and follow up; analysts (API token) read the triage queue,
incidents, reports and candidates; the public browses the public pages and API, and
downloads the open data. Request names group the URLs by route.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import HttpUser, between, events, task

BODIES: list[dict[str, Any]] = json.loads(open(os.environ["LOAD_BODIES"]).read())  # noqa: SIM115
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "20000"))
_sent = 0


@events.request.add_listener
def _bounded(**_kwargs: Any) -> None:
    """Stop the whole run after LOAD_MAX_REQUESTS requests (the time bound is --run-time)."""
    global _sent
    _sent += 1
    if _sent == MAX_REQUESTS:
        from locust.runners import Runner

        runner: Runner | None = getattr(events, "_runner", None)
        if runner is not None:
            runner.quit()


@events.init.add_listener
def _remember_runner(environment: Any, **_kwargs: Any) -> None:
    events._runner = environment.runner  # type: ignore[attr-defined]


class Reporter(HttpUser):
    fixed_count = int(os.environ.get("LOAD_REPORTERS", "8"))
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {os.environ['LOAD_REPORTER_TOKEN']}"
        self.mine: list[str] = []

    @task(6)
    def file(self) -> None:
        body = dict(random.choice(BODIES))
        with self.client.post(
            "/api/v1/reports", json=body, name="POST /api/v1/reports", catch_response=True
        ) as response:
            if response.status_code == 201:
                self.mine.append(response.json()["reference"])
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(2)
    def amend(self) -> None:
        if not self.mine:
            return
        body = {**random.choice(BODIES), "reason": "Corrected after the internal review."}
        self.client.post(
            f"/api/v1/reports/{random.choice(self.mine)}/revisions",
            json=body,
            name="POST /api/v1/reports/[ref]/revisions",
        )

    @task(1)
    def follow_up(self) -> None:
        if not self.mine:
            return
        body = {**random.choice(BODIES), "stage": "intermediate"}
        with self.client.post(
            f"/api/v1/reports/{self.mine.pop(0)}/follow-ups",
            json=body,
            name="POST /api/v1/reports/[ref]/follow-ups",
            catch_response=True,
        ) as response:
            # A report that was followed up already answers 409/422: not a server error.
            if response.status_code in (201, 409, 422):
                response.success()

    @task(2)
    def read_own(self) -> None:
        if self.mine:
            self.client.get(
                f"/api/v1/reports/{random.choice(self.mine)}", name="GET /api/v1/reports/[ref]"
            )


class Analyst(HttpUser):
    fixed_count = int(os.environ.get("LOAD_ANALYSTS", "4"))
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {os.environ['LOAD_ANALYST_TOKEN']}"

    @task(3)
    def triage_queue(self) -> None:
        queue = self.client.get("/api/v1/triage", name="GET /api/v1/triage")
        items = (queue.json() or {}).get("candidates", []) if queue.ok else []
        if items:
            reference = (random.choice(items).get("report") or {}).get("reference")
            if reference:
                self.client.get(
                    f"/api/v1/reports/{reference}/candidates",
                    name="GET /api/v1/reports/[ref]/candidates",
                )

    @task(3)
    def incidents(self) -> None:
        listed = self.client.get("/api/v1/incidents", name="GET /api/v1/incidents")
        items = (listed.json() or {}).get("incidents", []) if listed.ok else []
        if items:
            reference = random.choice(items)["reference"]
            self.client.get(f"/api/v1/incidents/{reference}", name="GET /api/v1/incidents/[ref]")


class Public(HttpUser):
    fixed_count = int(os.environ.get("LOAD_PUBLIC", "4"))
    wait_time = between(0.2, 1.0)

    @task(3)
    def browse(self) -> None:
        self.client.get("/public/incidents", name="GET /public/incidents")
        listed = self.client.get("/api/v1/public/incidents", name="GET /api/v1/public/incidents")
        items = (listed.json() or {}).get("incidents", []) if listed.ok else []
        if items:
            reference = random.choice(items)["reference"]
            self.client.get(f"/public/incidents/{reference}", name="GET /public/incidents/[ref]")

    @task(1)
    def statistics(self) -> None:
        self.client.get("/public/statistics", name="GET /public/statistics")

    @task(1)
    def download(self) -> None:
        self.client.get("/public/data/incidents.csv", name="GET /public/data/incidents.csv")
        self.client.get("/public/feed.atom", name="GET /public/feed.atom")
