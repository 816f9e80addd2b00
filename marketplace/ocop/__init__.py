"""OCOP claims: a shop asks for a product's stars to be shown; only an admin's approval shows them."""
