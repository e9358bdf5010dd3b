"""Framework-free scoring mathematics (AHP priorities, consistency, group aggregation, hierarchies)."""
