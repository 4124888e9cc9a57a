"""Who may do what: roles, permissions, the pure policy rules and the view decorators."""
