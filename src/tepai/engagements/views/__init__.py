"""Pages of the engagement workflow, one module per audience."""
