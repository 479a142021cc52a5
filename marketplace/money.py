"""Rupiah: whole numbers only, shown as Rp15.000 (dot as thousands separator)."""


def format_rupiah(amount) -> str:
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"{sign}Rp{grouped}"
