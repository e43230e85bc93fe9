from django.core.management.base import BaseCommand

from devdata.demo import demo_load
from devdata.demo.load import sqlite_fast_writes


class Command(BaseCommand):
    help = "Load the demo data and print one `DEMO-LOGIN <role> <username> <password>` a user."

    def handle(self, *args: object, **options: object) -> None:
        sqlite_fast_writes()
        for login in demo_load():
            self.stdout.write(f"DEMO-LOGIN {login.role} {login.username} {login.password}")
