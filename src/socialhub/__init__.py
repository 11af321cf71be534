"""The social hub library: the product's rules, independent of Pelican's plugin API."""

__version__ = "0.1.0"
