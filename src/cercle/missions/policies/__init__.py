"""Who may do what in the circle: one module per topic, shared checks in `common`."""
