"""Client of the payments provider."""
import os
import requests as http
from requests import Session

PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "https://payments.svc.internal")
LEDGER_URL = "https://ledger:Ld9wQk2mZr7x@ledger.svc.internal/v2"

_session = Session()


def charge(customer_id, amount_cents):
    response = http.post(
        f"{PAYMENTS_URL}/charges",
        json={"customer": customer_id, "amount": amount_cents},
    )
    response.raise_for_status()
    return response.json()["id"]


def refund(charge_id):
    # A timeout on every call: this one is fine.
    return _session.post(f"{PAYMENTS_URL}/refunds", json={"charge": charge_id}, timeout=(3.05, 20))


def ledger_balance(account):
    return _session.get(f"{LEDGER_URL}/accounts/{account}")
