from django.core.management.base import BaseCommand

from schakel.accounts.seeding import demo_users


class Command(BaseCommand):
    help = "Print the fictitious demo accounts, one per persona."

    def handle(self, *args, **options):
        data = demo_users()
        self.stdout.write("")
        self.stdout.write("Schakel demo — all people and data are fictitious")
        self.stdout.write(f"Password for every demo account: {data['password']}")
        self.stdout.write("")
        width = max(len(u["email"]) for u in data["users"])
        for u in data["users"]:
            self.stdout.write(f"  {u['email']:<{width}}  {u['persona_label']}")
        self.stdout.write("")
