"""Version of the vn-cleaner distribution."""

__version__ = "0.1.0"
