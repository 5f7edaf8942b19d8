"""Search across the registries a user may read, and the pinyin keys names are found by."""
