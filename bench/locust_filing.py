"""Locust user of the filing surge (bench/annual_reports.py starts it; not meant to be run by hand).

Each simulated organization user takes one prepared organization login at a time (session cookie + CSRF
token from BENCH_SURGE_USERS, a JSON file), saves the sections of its draft report through the page's htmx
form a few times, then submits it, and moves on to the next prepared organization."""

import json
import os
import random
from itertools import count

from locust import HttpUser, between, task

LOGINS = json.loads(open(os.environ["BENCH_SURGE_USERS"], encoding="utf-8").read())  # noqa: SIM115
SAVES_BEFORE_SUBMIT = int(os.environ.get("BENCH_SURGE_SAVES", "4"))
_next = count()


class OrganizationUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.login = None
        self.saves = 0
        self.take()

    def take(self):
        index = next(_next)
        self.login = LOGINS[index] if index < len(LOGINS) else None
        self.saves = 0

    def headers(self, htmx: bool = True) -> dict:
        headers = {
            "Cookie": f"sessionid={self.login['session']}; csrftoken={self.login['csrf']}",
            "X-CSRFToken": self.login["csrf"],
        }
        if htmx:
            headers["HX-Request"] = "true"
            headers["HX-Target"] = "section"
        return headers

    @task
    def file(self):
        if self.login is None:  # every prepared organization has filed: keep saving nothing, just wait
            return
        year = self.login["year"]
        if self.saves < SAVES_BEFORE_SUBMIT:
            section = random.choice(list(self.login["sections"]))
            data = dict(self.login["sections"][section])
            bump = f"{section}-{self.login['bump']}"
            if bump in data:
                data[bump] = str(int(float(data[bump] or 0)) + 1)
            self.client.post(
                f"/my/annual-reports/{year}/sections/{section}/",
                data=data,
                headers=self.headers(),
                name="save section",
            )
            self.saves += 1
            return
        with self.client.post(
            f"/my/annual-reports/{year}/submit/",
            headers=self.headers(htmx=False),
            allow_redirects=False,
            name="submit",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and location.endswith("/my/"):  # my_home: submitted
                response.success()
            else:
                response.failure(f"submit: {response.status_code} {response.text[:200]}")
        self.take()
