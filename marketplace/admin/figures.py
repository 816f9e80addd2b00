"""Platform figures for the province's operators, each aggregated in SQL (GROUP BY).

What counts:
- an order is counted in the month (Vietnam time) it was placed, whatever became of it;
- sales are the totals (goods + delivery) of orders whose money has arrived, counted in the month the
  order was placed: `payment_status = 'paid'` (paid online, a bank transfer the seller confirmed, or
  cash on delivery collected at the door) or `status = 'completed'` unless refunded. A refunded order
  (even one completed, whose money a provider gave back afterwards) or an unpaid cancelled order is not
  a sale; an order still waiting for its money is not one yet.
- by province means the shop's province (where the goods come from), over the same 12 months.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import String

from ..accounts.models import User
from ..catalog.models import Product
from ..extensions import db
from ..ocop.services import products_by_stars
from ..orders.models import COMPLETED, PAYMENT_RECEIVED, REFUNDED, Order
from ..shops.locations import province_by_code, short_name
from ..shops.models import Shop
from ..utils import VIETNAM, vietnam_today

MONTHS = 12


class vietnam_month(FunctionElement):  # noqa: N801  (an SQL function, named like one)
    """'YYYY-MM' of a UTC timestamp as the calendar reads in Vietnam (UTC+7 all year, no summer time).

    SQLite keeps timestamps as UTC text and has no time zones; PostgreSQL converts a timestamptz."""

    type = String()
    inherit_cache = True
    name = "vietnam_month"


@compiles(vietnam_month)
def _vietnam_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(vietnam_month, "postgresql")
def _vietnam_month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM')"


def is_sale():
    return or_(Order.payment_status == PAYMENT_RECEIVED,
               and_(Order.status == COMPLETED, Order.payment_status != REFUNDED))


def _sales_sum():
    return func.coalesce(func.sum(case((is_sale(), Order.total_vnd), else_=0)), 0)


def month_keys(today: date, months: int = MONTHS) -> list[str]:
    """'YYYY-MM' of the last `months` months, oldest first, this month last."""
    keys, year, month = [], today.year, today.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def window_start(today: date, months: int = MONTHS) -> datetime:
    """The first instant of the oldest month shown, in UTC (what the stored timestamps are in)."""
    first = month_keys(today, months)[0]
    year, month = int(first[:4]), int(first[5:])
    return datetime(year, month, 1, tzinfo=VIETNAM).astimezone(UTC)


@dataclass
class MonthRow:
    key: str  # 'YYYY-MM'
    label: str  # 'MM/YYYY', as Vietnamese write it
    orders: int
    sales_vnd: int


@dataclass
class ProvinceRow:
    code: int
    name: str
    orders: int
    sales_vnd: int


def by_month(today: date | None = None, months: int = MONTHS) -> list[MonthRow]:
    today = today or vietnam_today()
    month = vietnam_month(Order.created_at).label("month")
    rows = db.session.execute(
        select(month, func.count(Order.id), _sales_sum())
        .where(Order.created_at >= window_start(today, months))
        .group_by(month)).all()
    found = {key: (orders, int(sales)) for key, orders, sales in rows}
    return [MonthRow(key, f"{key[5:]}/{key[:4]}", *found.get(key, (0, 0))) for key in month_keys(today, months)]


def by_province(today: date | None = None, months: int = MONTHS) -> list[ProvinceRow]:
    """Provinces with orders in the window, largest sales first."""
    today = today or vietnam_today()
    rows = db.session.execute(
        select(Shop.province_code, func.count(Order.id), _sales_sum())
        .join(Shop, Shop.id == Order.shop_id)
        .where(Order.created_at >= window_start(today, months))
        .group_by(Shop.province_code)).all()
    result = []
    for code, orders, sales in rows:
        province = province_by_code(code)
        result.append(ProvinceRow(code, short_name(province.name) if province else str(code), orders, int(sales)))
    return sorted(result, key=lambda row: (-row.sales_vnd, -row.orders, row.name))


def totals() -> dict:
    """Accounts, shops and products, each with the part that matters, in three queries."""
    accounts, admins, disabled = db.session.execute(select(
        func.count(User.id),
        func.coalesce(func.sum(case((User.is_admin.is_(True), 1), else_=0)), 0),
        func.coalesce(func.sum(case((User.active.is_(False), 1), else_=0)), 0))).one()
    shops, verified, shops_public = db.session.execute(select(
        func.count(Shop.id),
        func.coalesce(func.sum(case((Shop.is_verified.is_(True), 1), else_=0)), 0),
        func.coalesce(func.sum(case((Shop.is_public, 1), else_=0)), 0))).one()
    products, products_public = db.session.execute(
        select(func.count(Product.id), func.coalesce(func.sum(case((Product.is_listed & Shop.is_public, 1),
                                                                   else_=0)), 0))
        .join(Shop, Shop.id == Product.shop_id).where(Product.status != "deleted")).one()
    return {"accounts": accounts, "admins": int(admins), "disabled": int(disabled),
            "shops": shops, "shops_verified": int(verified), "shops_public": int(shops_public),
            "products": products, "products_public": int(products_public)}


def figures(today: date | None = None) -> dict:
    today = today or vietnam_today()
    months = by_month(today)
    return {
        **totals(),
        "ocop_stars": products_by_stars(),
        "months": months,
        "provinces": by_province(today),
        "orders_12m": sum(m.orders for m in months),
        "sales_12m": sum(m.sales_vnd for m in months),
    }
