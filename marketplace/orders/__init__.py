"""Checkout, orders and stock: see services.py for the life of an order."""
