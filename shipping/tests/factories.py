from shipping.models import Tariff


def tariff(origin, *, to, courier="jne", service="REG", first=38000, following=30000, days=(3, 5), shop=None):
    """A tariff row; `to` is a Regency or a Province."""
    kind = "destination_regency" if hasattr(to, "province_id") else "destination_province"
    return Tariff.objects.create(
        shop=shop,
        origin=origin,
        courier=courier,
        service=service,
        first_kg_fee=first,
        next_kg_fee=following,
        min_days=days[0],
        max_days=days[1],
        **{kind: to},
    )
