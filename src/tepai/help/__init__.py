"""The help pages at /help/: each role's workflows step by step, with screenshots; a glossary."""
