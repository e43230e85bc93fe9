from django.core.management.base import BaseCommand

from devdata.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo data and print one `DEMO-LOGIN <role> <username> <password>` a user."

    def handle(self, *args: object, **options: object) -> None:
        for login in demo_load():
            self.stdout.write(f"DEMO-LOGIN {login.role} {login.username} {login.password}")
