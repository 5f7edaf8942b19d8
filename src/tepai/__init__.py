"""tepai (特派): the platform that runs science-and-technology commissioner programmes."""

__version__ = "0.1.0"
