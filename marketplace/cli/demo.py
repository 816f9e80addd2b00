"""`flask --app wsgi seed-demo`: load the demo marketplace once, through the same services sellers use."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..accounts.services import find_by_login, register_user
from ..catalog.models import Category
from ..catalog.services import add_photo, create_product
from ..extensions import db
from ..media.services import save_image
from ..phones import display_phone
from ..shops.models import Shop
from ..shops.services import add_manager, open_shop, set_bank_account, set_shop_image
from . import demo_art
from .demo_data import BUYER, DRAFTS, HELPED_SHOPS, HELPER, HIDDEN, PASSWORD, SHOPS
from .demo_ocop import ADMIN, load_demo_claims
from .demo_orders import load_order_history
from .demo_trace import TRACE, load_trace_demo


def _user(name: str, phone: str):
    return find_by_login(phone) or register_user(name=name, phone=phone, password=PASSWORD)


def load_demo(photos: bool = True) -> dict[str, int]:
    """Create the demo shops, products and photos. Flushes; the caller commits.

    Without photos it takes a second instead of twenty: the search tests use it as a fixed catalogue.
    """
    categories = {c.slug: c.id for c in db.session.scalars(select(Category))}
    helper = _user(*HELPER)
    _user(*BUYER)
    counts = {"shops": 0, "products": 0, "photos": 0}
    owners = {}
    for shop_index, spec in enumerate(SHOPS):
        owner = _user(*spec["owner"])
        shop = open_shop(owner, {
            "name": spec["name"], "description": spec["description"], "province_code": spec["province_code"],
            "ward_code": spec["ward_code"], "address": spec["address"], "phone": spec["owner"][1],
            "zalo": spec["owner"][1],
            # Delivery as small sellers charge it: most a flat fee, free for larger orders; a few nothing.
            "shipping_fee_vnd": (30_000, 25_000, 0)[shop_index % 3] or None,
            "free_shipping_from_vnd": (500_000, None, None)[shop_index % 3],
        })
        set_bank_account(shop, owner, *spec["bank"])
        owners[shop.id] = owner
        colour = spec["colour"]
        if photos:
            set_shop_image(shop, owner, "logo", save_image(demo_art.shop_logo(colour, shop_index), owner))
            set_shop_image(shop, owner, "cover", save_image(demo_art.shop_cover(colour, shop_index), owner))
        shop.is_verified = shop_index % 3 != 2  # most shops have been checked by the province
        if spec["name"] in HELPED_SHOPS:
            add_manager(shop, owner, HELPER[1])
        counts["shops"] += 1
        for product_index, (title, category, unit, art, description, variants) in enumerate(spec["products"]):
            status = "draft" if title in DRAFTS else "active"
            product = create_product(
                shop, owner, title=title, category_id=categories[category], unit=unit, description=description,
                variants=[{"name": n, "price_vnd": p, "stock": s} for n, p, s in variants], status=status)
            if title in HIDDEN:
                product.status = "hidden"
            seed = shop_index * 100 + product_index
            # Every product has a cover; every third a small gallery, as sellers' listings do.
            for variant in range((1 if product_index % 3 else 3) if photos else 0):
                add_photo(product, helper if spec["name"] in HELPED_SHOPS else owner,
                          demo_art.product_photo(art, colour, seed + variant * 7, variant))
                counts["photos"] += 1
            counts["products"] += 1
    counts["batches"] = load_trace_demo(photos)
    db.session.flush()
    if photos:  # the search tests' fixed catalogue (photos=False) has no claims
        counts["ocop"] = load_demo_claims(owners)
    return counts


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo marketplace (once: does nothing if any shop exists)."""
    if db.session.scalar(select(Shop.id).limit(1)) is not None:
        click.echo("Demo data skipped: the marketplace already has shops.")
        return
    counts = load_demo()
    orders = load_order_history()
    db.session.commit()
    seller, buyer = SHOPS[0]["owner"], BUYER
    click.echo(f"Demo marketplace ready: {counts['shops']} shops, {counts['products']} products, "
               f"{counts['photos']} photos, {orders} past orders.")
    click.echo(f"  Seller login: {display_phone(find_by_login(seller[1]).phone)} / {PASSWORD} ({SHOPS[0]['name']})")
    click.echo(f"  Buyer login:  {display_phone(find_by_login(buyer[1]).phone)} / {PASSWORD}")
    _title, _art, gtin, lots = TRACE[0]
    click.echo(f"  Traceability: {counts['batches']} batches, e.g. /01/{gtin.zfill(14)}/10/{lots[0]['code']} "
               "(labels: Bán hàng > Lô & tem)")
    click.echo(f"  Manager (digital helper): {display_phone(find_by_login(HELPER[1]).phone)} / {PASSWORD}")
    ocop = counts["ocop"]
    click.echo(f"  Admin (OCOP queue: {ocop['pending']} waiting, {ocop['approve']} approved, {ocop['reject']} "
               f"rejected): {display_phone(find_by_login(ADMIN[1]).phone)} / {PASSWORD}")
