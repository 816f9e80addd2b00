"""The buyer's cart: see services.py."""
